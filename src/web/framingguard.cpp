#include "web/framingguard.h"

#include "system/logging.h"

#include <QTcpSocket>
#include <QWebSocket>

#include <algorithm>

namespace {
QString peerOf(const QWebSocket *socket)
{
    return QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
}
} // namespace

void FramingGuard::watch(QTcpSocket *connection)
{
    const quint16 port = connection->peerPort();
    m_streams.insert(connection, Stream());
    m_pending.insert(port, connection);
    connect(connection, &QTcpSocket::readyRead, this, [this, connection] { scanBeforeQt(connection); });
    // A refused handshake never becomes a client.
    connect(connection, &QObject::destroyed, this, [this, connection, port] {
        m_streams.remove(connection);
        m_pending.remove(port, connection);
    });
    scanBeforeQt(connection); // what the gate has buffered already
}

QTcpSocket *FramingGuard::takeConnection(const QWebSocket *client)
{
    const quint16 port = client->peerPort();
    const QHostAddress address = client->peerAddress();
    const auto isPeer = [port, &address](const QTcpSocket *connection) {
        return connection->peerPort() == port && connection->peerAddress() == address;
    };
    const auto candidates = std::as_const(m_pending).equal_range(port);
    auto it = std::find_if(candidates.first, candidates.second, isPeer);
    if (it == candidates.second) {
        // A connection that has closed since it came has lost its peer, and
        // so has its QWebSocket: look among all of them.
        it = std::find_if(m_pending.cbegin(), m_pending.cend(), isPeer);
        if (it == m_pending.cend())
            return nullptr;
    }
    QTcpSocket *connection = *it;
    const quint16 watchedPort = it.key();
    m_pending.remove(watchedPort, connection);
    return connection;
}

bool FramingGuard::follow(QTcpSocket *connection, QWebSocket *client)
{
    const auto it = m_streams.find(connection);
    if (it == m_streams.end())
        return true;
    if (it->early || connection->bytesAvailable() > 0) {
        // RFC 6455 §4.1: a client waits for the answer before it sends
        // frames. Qt has read those already, before this could follow.
        qCWarning(lcWs).noquote() << "browser" << peerOf(client)
                                  << "sent frames before the handshake was answered; closing the connection";
        m_streams.erase(it);
        return false;
    }
    it->client = client;
    // After QWebSocket's own slot, which it connected while upgrading.
    connect(connection, &QTcpSocket::readyRead, this, [this, connection] { scanAfterQt(connection); });
    return true;
}

void FramingGuard::squeeze()
{
    m_streams.squeeze();
    m_pending.squeeze();
}

// Runs on each arrival before QWebSocket reads it: a frame without the mask
// bit closes the connection before Qt acts on anything in this delivery.
void FramingGuard::scanBeforeQt(QTcpSocket *connection)
{
    const auto it = m_streams.find(connection);
    if (it == m_streams.end() || !it->followed)
        return;
    Stream &stream = *it;
    const qint64 available = connection->bytesAvailable();
    if (!stream.client) {
        // The handshake is still unread: nothing may follow its blank line yet.
        if (!stream.early && available > 0) {
            const QByteArray buffered = connection->peek(available);
            const qsizetype end = buffered.indexOf("\r\n\r\n");
            stream.early = end >= 0 && buffered.size() > end + 4;
        }
        return;
    }
    if (available < stream.scanned) {
        // Someone read between two arrivals: the boundaries are lost.
        stopScanning(stream);
        return;
    }
    qint64 from = stream.scanned;
    // Payload bytes are passed over without copying them out of the socket.
    const quint64 payload = qMin(stream.frames.payloadLeft(), quint64(available - from));
    stream.frames.skipPayload(payload);
    from += qint64(payload);
    stream.scanned = available;
    if (from == available)
        return;
    const QByteArray buffered = connection->peek(available);
    if (stream.frames.feed(QByteArrayView(buffered).sliced(from)))
        return;
    stream.followed = false;
    qCWarning(lcWs).noquote() << "browser" << peerOf(stream.client)
                              << "sent an unmasked frame; closing the connection";
    // Closing also empties the socket's read buffer: QWebSocket, whose slot
    // runs next, finds nothing to read.
    stream.client->close(QWebSocketProtocol::CloseCodeProtocolError, QStringLiteral("unmasked frame"));
}

// Runs on each arrival after QWebSocket has read: what it left unread is
// what scanBeforeQt has seen already.
void FramingGuard::scanAfterQt(QTcpSocket *connection)
{
    const auto it = m_streams.find(connection);
    if (it == m_streams.end() || !it->followed)
        return;
    it->scanned = connection->bytesAvailable();
    // QWebSocket reads every complete frame as it arrives. If it left more
    // than the unfinished one, it reads some other way, and the scan cannot
    // tell where the next frame starts.
    if (quint64(it->scanned) > it->frames.partialFrameBytes())
        stopScanning(*it);
}

void FramingGuard::stopScanning(Stream &stream)
{
    stream.followed = false;
    static bool warned = false;
    if (!warned) {
        warned = true;
        qCWarning(lcWs) << "cannot follow WebSocket frames with this Qt version; unmasked frames are not refused";
    }
}
