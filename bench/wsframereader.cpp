#include "wsframereader.h"

#include <QtEndian>

#include <cstring>
#include <utility>

namespace {
// Enough for every message a panel gateway sends; a larger frame grows the
// buffer of that one client.
constexpr qsizetype InitialCapacity = 4096;
// A frame or message announcing more than this is taken for garbage rather
// than allocated.
constexpr quint64 MaxMessageSize = 16 * 1024 * 1024;

enum Opcode {
    Continuation = 0x0,
    Text = 0x1,
    Binary = 0x2,
    Close = 0x8,
    Ping = 0x9,
    Pong = 0xA,
};
} // namespace

WsFrameReader::WsFrameReader()
    : m_buffer(InitialCapacity, Qt::Uninitialized)
{
}

void WsFrameReader::reset()
{
    m_begin = m_end = 0;
    m_fragments.clear();
    m_fragmentOpcode = -1;
    m_payload = {};
    m_error = "";
}

WsFrameReader::Item WsFrameReader::fail(const char *why)
{
    m_error = why;
    m_payload = {};
    return Item::Error;
}

// Called whenever a frame is incomplete: moves its start to the front (in
// the usual case nothing is left and this only resets two offsets) and grows
// the buffer if the whole frame would not fit.
void WsFrameReader::makeRoom(qsizetype frameSize)
{
    const qsizetype pending = m_end - m_begin;
    if (m_begin > 0) {
        if (pending > 0)
            std::memmove(m_buffer.data(), m_buffer.constData() + m_begin, size_t(pending));
        m_begin = 0;
        m_end = pending;
    }
    if (frameSize > m_buffer.size())
        m_buffer.resize(qMax(frameSize, 2 * m_buffer.size()));
}

// RFC 6455 §5.2. A server's frames are never masked (§5.1), no extension is
// negotiated (so the RSV bits are zero), control frames are whole and at most
// 125 bytes (§5.5).
WsFrameReader::Item WsFrameReader::next()
{
    for (;;) {
        const qsizetype available = m_end - m_begin;
        const auto *p = reinterpret_cast<const uchar *>(m_buffer.constData()) + m_begin;
        if (available < 2) {
            makeRoom(2);
            return Item::None;
        }
        const bool fin = p[0] & 0x80;
        const int opcode = p[0] & 0x0f;
        if (p[0] & 0x70)
            return fail("reserved bits set");
        if (p[1] & 0x80)
            return fail("masked frame from the server");
        quint64 length = p[1] & 0x7f;
        const qsizetype header = length == 127 ? 10 : length == 126 ? 4 : 2;
        if (available < header) {
            makeRoom(header);
            return Item::None;
        }
        if (length == 126)
            length = qFromBigEndian<quint16>(p + 2);
        else if (length == 127)
            length = qFromBigEndian<quint64>(p + 2);
        if (length > MaxMessageSize)
            return fail("frame too large");
        const qsizetype frameSize = header + qsizetype(length);
        if (available < frameSize) {
            makeRoom(frameSize);
            return Item::None;
        }
        const QByteArrayView body(m_buffer.constData() + m_begin + header, qsizetype(length));
        m_begin += frameSize;

        switch (opcode) {
        case Text:
        case Binary:
            if (m_fragmentOpcode >= 0)
                return fail("new message before the last one ended");
            if (fin) {
                if (opcode == Binary)
                    continue;
                m_payload = body;
                return Item::Text;
            }
            m_fragmentOpcode = opcode;
            // truncate() keeps the capacity of the last fragmented message.
            m_fragments.truncate(0);
            if (opcode == Text)
                m_fragments.append(body.data(), body.size());
            continue;
        case Continuation:
            if (m_fragmentOpcode < 0)
                return fail("continuation frame without a message");
            if (m_fragmentOpcode == Text) {
                if (quint64(m_fragments.size()) + length > MaxMessageSize)
                    return fail("message too large");
                m_fragments.append(body.data(), body.size());
            }
            if (!fin)
                continue;
            if (std::exchange(m_fragmentOpcode, -1) == Binary)
                continue;
            m_payload = m_fragments;
            return Item::Text;
        case Close:
        case Ping:
        case Pong:
            if (!fin || length > 125)
                return fail("fragmented or oversized control frame");
            if (opcode == Pong)
                continue;
            m_payload = body;
            return opcode == Ping ? Item::Ping : Item::Close;
        default:
            return fail("unknown opcode");
        }
    }
}
