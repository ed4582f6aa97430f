#include "web/websocketframereader.h"

#include <QtEndian>

bool WebSocketFrameReader::next(Message *message)
{
    while (!hasFailed()) {
        const auto *bytes = reinterpret_cast<const uchar *>(m_buffer.constData()) + m_read;
        const qsizetype available = m_buffer.size() - m_read;
        if (available < 2) {
            dropRead();
            return false;
        }
        const bool final = bytes[0] & 0x80;
        const auto opcode = Opcode(bytes[0] & 0x0f);
        const int shortLength = bytes[1] & 0x7f;
        const qsizetype headerLength = 2 + (shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0) + 4;
        if (bytes[0] & 0x70)
            return fail(1002, "reserved bits set");
        if (!(bytes[1] & 0x80))
            return fail(1002, "unmasked frame");
        const bool control = opcode & 0x8;
        if (control ? opcode != Close && opcode != Ping && opcode != Pong
                    : opcode != Continuation && opcode != Text && opcode != Binary)
            return fail(1002, "unknown opcode");
        if (control && (!final || shortLength > 125))
            return fail(1002, "fragmented or long control frame");
        if (!control && (opcode == Continuation) != m_inMessage)
            return fail(1002, m_inMessage ? "new message inside a fragmented one" : "continuation without a message");
        if (available < headerLength) {
            dropRead();
            return false;
        }

        quint64 length = quint64(shortLength);
        if (shortLength == 126)
            length = qFromBigEndian<quint16>(bytes + 2);
        else if (shortLength == 127)
            length = qFromBigEndian<quint64>(bytes + 2);
        // Judged on the header alone, before the payload is waited for.
        if (!control && length > quint64(m_maxMessageSize - m_message.size()))
            return fail(1009, "message too big");
        if (quint64(available - headerLength) < length) {
            dropRead();
            return false;
        }

        const uchar *mask = bytes + headerLength - 4;
        const auto *payload = reinterpret_cast<const char *>(bytes + headerLength);
        QByteArray &target = control ? message->payload : m_message;
        if (control)
            target.clear();
        const qsizetype start = target.size();
        target.append(payload, qsizetype(length));
        char *out = target.data() + start;
        for (qsizetype i = 0; i < qsizetype(length); ++i)
            out[i] = char(out[i] ^ mask[i & 3]);
        m_read += headerLength + qsizetype(length);

        if (control) {
            if (opcode == Close && !readClose(target, nullptr)) {
                return target.size() >= 2 && isValidCloseCode(qFromBigEndian<quint16>(target.constData()))
                        ? fail(1007, "close reason that is not UTF-8")
                        : fail(1002, "malformed close frame");
            }
            message->opcode = opcode;
            dropRead();
            return true;
        }
        if (opcode != Continuation)
            m_messageOpcode = opcode;
        m_inMessage = !final;
        if (!final)
            continue;
        if (m_messageOpcode == Text && !QByteArrayView(m_message).isValidUtf8())
            return fail(1007, "text that is not UTF-8");
        message->opcode = m_messageOpcode;
        message->payload = std::exchange(m_message, QByteArray());
        dropRead();
        return true;
    }
    return false;
}

bool WebSocketFrameReader::readClose(QByteArrayView payload, quint16 *code)
{
    quint16 given = 1005;
    if (payload.size() == 1)
        return false;
    if (payload.size() >= 2) {
        given = qFromBigEndian<quint16>(payload.data());
        payload = payload.sliced(2);
        if (!isValidCloseCode(given) || !payload.isValidUtf8())
            return false;
    }
    if (code)
        *code = given;
    return true;
}

// RFC 6455 §7.4: codes a peer may send; 1004-1006 and 1015 never travel.
bool WebSocketFrameReader::isValidCloseCode(quint16 code)
{
    return code >= 1000 && code < 5000 && code != 1004 && code != 1005 && code != 1006
            && (code < 1012 || code >= 3000);
}

bool WebSocketFrameReader::fail(quint16 code, const char *reason)
{
    m_failure = { code, reason };
    m_buffer = QByteArray();
    m_message = QByteArray();
    m_read = 0;
    return false;
}

// Read bytes are let go; an idle connection keeps no buffer at all.
void WebSocketFrameReader::dropRead()
{
    if (m_read == m_buffer.size()) {
        m_buffer = QByteArray();
        m_read = 0;
    } else if (m_read > 0) {
        m_buffer.remove(0, m_read);
        m_read = 0;
    }
}
