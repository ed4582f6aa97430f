#ifndef RAWWEBSOCKETCLIENT_H
#define RAWWEBSOCKETCLIENT_H

#include <QByteArray>
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QHostAddress>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QtEndian>

#include <optional>

enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xa };

// A client frame (RFC 6455 §5.2); `masked` applies the masking a client must.
inline QByteArray frame(quint8 opcode, const QByteArray &payload, bool masked = true, bool final = true)
{
    QByteArray bytes;
    bytes.append(char((final ? 0x80 : 0x00) | opcode));
    const char maskBit = masked ? char(0x80) : char(0x00);
    if (payload.size() < 126) {
        bytes.append(char(maskBit | char(payload.size())));
    } else if (payload.size() <= 0xffff) {
        bytes.append(char(maskBit | 126));
        uchar length[2];
        qToBigEndian<quint16>(quint16(payload.size()), length);
        bytes.append(reinterpret_cast<const char *>(length), 2);
    } else {
        bytes.append(char(maskBit | 127));
        uchar length[8];
        qToBigEndian<quint64>(quint64(payload.size()), length);
        bytes.append(reinterpret_cast<const char *>(length), 8);
    }
    if (!masked)
        return bytes + payload;
    const char key[4] = { 0x1f, char(0xa2), 0x37, 0x4c };
    bytes.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        bytes.append(char(payload.at(i) ^ key[i % 4]));
    return bytes;
}

// A WebSocket client written by hand over a plain TCP socket, so that it can
// send what QWebSocket never would.
class RawWebSocketClient
{
public:
    struct Frame
    {
        quint8 opcode = 0;
        QByteArray payload;
    };

    bool open(quint16 port, const QByteArray &afterHandshake = {})
    {
        return start(port, afterHandshake) && awaitUpgrade();
    }

    // Connects and queues the handshake, which leaves when the event loop
    // next runs: several clients can so be waiting for their 101 at once.
    bool start(quint16 port, const QByteArray &afterHandshake = {})
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(3000))
            return false;
        m_socket.write("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
                       + afterHandshake);
        return true;
    }

    bool awaitUpgrade()
    {
        const std::optional<QByteArray> head = readUntil("\r\n\r\n");
        return head && head->startsWith("HTTP/1.1 101");
    }

    // Writes `bytes` in pieces of `piece` bytes (all at once for 0), letting
    // the hub, which runs in this thread, read after each. Stops once the
    // server has answered: writing on into a connection it closed would
    // reset it, and the close frame with it.
    void write(const QByteArray &bytes, qsizetype piece = 0)
    {
        if (piece <= 0)
            piece = bytes.size();
        for (qsizetype at = 0; at < bytes.size(); at += piece) {
            if (m_socket.bytesAvailable() > 0 || m_socket.state() != QAbstractSocket::ConnectedState)
                return;
            m_socket.write(bytes.mid(at, piece));
            m_socket.flush();
            QCoreApplication::processEvents();
        }
    }

    // The next frame from the server; none when the connection ends or
    // nothing comes within `timeoutMs`.
    std::optional<Frame> take(int timeoutMs = 3000)
    {
        QDeadlineTimer deadline(timeoutMs);
        for (;;) {
            m_buffer += m_socket.readAll();
            if (m_buffer.size() >= 2) {
                // Server frames are unmasked; the hub's are all short here.
                const int length = quint8(m_buffer.at(1)) & 0x7f;
                if (length < 126 && m_buffer.size() >= 2 + length) {
                    Frame frame { quint8(m_buffer.at(0) & 0x0f), m_buffer.mid(2, length) };
                    m_buffer.remove(0, 2 + length);
                    return frame;
                }
            }
            if (m_socket.state() != QAbstractSocket::ConnectedState || deadline.hasExpired())
                return std::nullopt;
            QSignalSpy spy(&m_socket, &QTcpSocket::readyRead);
            if (m_socket.bytesAvailable() == 0)
                spy.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

    // The next frame that is not a ping or pong of the keepalive.
    std::optional<Frame> takeAnswer()
    {
        std::optional<Frame> answer;
        do {
            answer = take();
        } while (answer && (answer->opcode == Pong || answer->opcode == Ping));
        return answer;
    }

    // From now on nothing more is read from the kernel: a browser that
    // stopped reading.
    void stopReading() { m_socket.setReadBufferSize(1); }

    bool waitForDisconnected(int timeoutMs = 3000)
    {
        if (m_socket.state() == QAbstractSocket::UnconnectedState)
            return true;
        QSignalSpy gone(&m_socket, &QTcpSocket::disconnected);
        return gone.wait(timeoutMs) || m_socket.state() == QAbstractSocket::UnconnectedState;
    }

private:
    std::optional<QByteArray> readUntil(const QByteArray &end)
    {
        QDeadlineTimer deadline(3000);
        while (!m_buffer.contains(end)) {
            if (m_socket.bytesAvailable() == 0) {
                QSignalSpy spy(&m_socket, &QTcpSocket::readyRead);
                if (!spy.wait(int(qMax<qint64>(1, deadline.remainingTime()))))
                    return std::nullopt;
            }
            m_buffer += m_socket.readAll();
        }
        const qsizetype at = m_buffer.indexOf(end) + end.size();
        const QByteArray head = m_buffer.left(at);
        m_buffer.remove(0, at);
        return head;
    }

    QTcpSocket m_socket;
    QByteArray m_buffer;
};

#endif // RAWWEBSOCKETCLIENT_H
