#include "web/websockethub.h"

#include "system/logging.h"
#include "web/browserprotocol.h"

#include <QTcpSocket>
#include <QWebSocket>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace {
// Browsers answer pings by themselves; one that stays silent for two rounds
// is gone (a tablet that lost Wi-Fi) and would otherwise be kept for ever.
constexpr int keepAliveMs = 30000;
// A browser that does not read would make the gateway buffer without bound.
constexpr qint64 maxPendingBytes = 1024 * 1024;
// Freed memory is handed back after a wave of departures: at least this
// many browsers gone, half or more of the most there were, and none leaving
// for a second, so that the wave is released once, when it is over.
constexpr int releaseWave = 32;
constexpr int releaseDelayMs = 1000;

QString peerOf(const QWebSocket *socket)
{
    return QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
}
} // namespace

WebSocketHub::WebSocketHub(QObject *parent)
    : QObject(parent), m_server(QStringLiteral("selection-panel"), QWebSocketServer::NonSecureMode)
{
    m_clock.start();
    connect(&m_server, &QWebSocketServer::newConnection, this, &WebSocketHub::onNewConnection);
    m_keepAliveTimer.setInterval(keepAliveMs);
    connect(&m_keepAliveTimer, &QTimer::timeout, this, &WebSocketHub::checkAlive);
    m_summaryTimer.setSingleShot(true);
    m_summaryTimer.setInterval(m_limits.summaryIntervalMs);
    connect(&m_summaryTimer, &QTimer::timeout, this, &WebSocketHub::logSummaries);
    m_releaseTimer.setSingleShot(true);
    m_releaseTimer.setInterval(releaseDelayMs);
    connect(&m_releaseTimer, &QTimer::timeout, this, &WebSocketHub::releaseMemory);
}

WebSocketHub::~WebSocketHub()
{
    // Sockets are children; drop their signals before they go.
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it)
        it.key()->disconnect(this);
}

void WebSocketHub::setRejectionLimits(const RejectionLimits &limits)
{
    m_limits = limits;
    m_summaryTimer.setInterval(limits.summaryIntervalMs);
}

void WebSocketHub::handleUpgrade(QTcpSocket *socket)
{
    // Connected before QWebSocketServer and QWebSocket connect theirs, so
    // that this sees every byte before Qt reads it (scanBeforeQt).
    m_streams.insert(socket, Stream());
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { scanBeforeQt(socket); });
    // A refused handshake never becomes a client.
    connect(socket, &QObject::destroyed, this, [this, socket] { m_streams.remove(socket); });
    scanBeforeQt(socket); // what the gate has buffered already
    m_server.handleConnection(socket);
}

QTcpSocket *WebSocketHub::connectionOf(const QWebSocket *socket) const
{
    // QWebSocket does not say which socket it took over; its peer does.
    for (auto it = m_streams.cbegin(); it != m_streams.cend(); ++it) {
        if (!it->client && it.key()->peerPort() == socket->peerPort()
            && it.key()->peerAddress() == socket->peerAddress())
            return it.key();
    }
    return nullptr;
}

void WebSocketHub::onNewConnection()
{
    while (m_server.hasPendingConnections()) {
        QWebSocket *socket = m_server.nextPendingConnection();
        socket->setParent(this);
        QTcpSocket *connection = connectionOf(socket);
        // QWebSocket neither owns nor deletes the TCP socket it took over, and
        // cuts every connection of it when it closes (QWebSocketServer's own
        // clean-up included): as its child the socket goes with it, after
        // QWebSocket's destructor has used it a last time.
        if (connection)
            connection->setParent(socket);
        if (socket->state() != QAbstractSocket::ConnectedState) {
            // Gone before its handshake was read: it would never report
            // that it disconnected.
            m_streams.remove(connection);
            socket->deleteLater();
            continue;
        }
        Stream *stream = connection ? &m_streams[connection] : nullptr;
        if (stream && (stream->early || connection->bytesAvailable() > 0)) {
            // RFC 6455 §4.1: a client waits for the answer before it sends
            // frames. Qt has read those already, before this hub could follow.
            qCWarning(lcWs).noquote() << "browser" << peerOf(socket)
                                      << "sent frames before the handshake was answered; closing the connection";
            m_streams.remove(connection);
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            socket->close(QWebSocketProtocol::CloseCodeProtocolError, QStringLiteral("data before handshake"));
            continue;
        }
        if (stream) {
            stream->client = socket;
            // After QWebSocket's own slot, which it connected while upgrading.
            connect(connection, &QTcpSocket::readyRead, this, [this, connection] { scanAfterQt(connection); });
        }

        // Over the limit Qt closes the connection with 1009.
        socket->setMaxAllowedIncomingMessageSize(MaxMessageSize);
        socket->setMaxAllowedIncomingFrameSize(MaxMessageSize);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &text) { onTextMessage(socket, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this, [this, socket](const QByteArray &) {
            touch(socket);
            reject(socket, "binary frame");
        });
        connect(socket, &QWebSocket::pong, this, [this, socket](quint64, const QByteArray &) { touch(socket); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { socketDisconnected(socket); });

        Client client;
        client.connection = connection;
        client.heardMs = m_clock.elapsed();
        m_clients.insert(socket, client);
        m_peakClients = qMax(m_peakClients, int(m_clients.size()));
        if (!m_keepAliveTimer.isActive())
            m_keepAliveTimer.start();
        qCInfo(lcWs).noquote() << "browser connected from" << peerOf(socket) << "-" << m_clients.size() << "connected";
        Q_EMIT clientConnected(socket);
    }
}

// Runs on each arrival before QWebSocket reads it: a frame without the mask
// bit closes the connection before Qt acts on anything in this delivery.
void WebSocketHub::scanBeforeQt(QTcpSocket *connection)
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
void WebSocketHub::scanAfterQt(QTcpSocket *connection)
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

void WebSocketHub::stopScanning(Stream &stream)
{
    stream.followed = false;
    static bool warned = false;
    if (!warned) {
        warned = true;
        qCWarning(lcWs) << "cannot follow WebSocket frames with this Qt version; unmasked frames are not refused";
    }
}

void WebSocketHub::send(QWebSocket *client, const QString &text)
{
    if (m_clients.contains(client))
        client->sendTextMessage(text);
}

void WebSocketHub::broadcast(const QString &text)
{
    QList<QWebSocket *> stuck;
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        QWebSocket *socket = it.key();
        if (socket->bytesToWrite() > maxPendingBytes) {
            stuck.append(socket);
            continue;
        }
        // Written on the next event-loop pass, so that stop and play leave
        // together in one segment per browser.
        socket->sendTextMessage(text);
    }
    // Aborting removes the socket from m_clients, so not while iterating it.
    for (QWebSocket *socket : std::as_const(stuck)) {
        qCWarning(lcWs).noquote() << "browser" << peerOf(socket) << "does not read; dropping it";
        socket->abort();
    }
}

void WebSocketHub::touch(QWebSocket *socket)
{
    const auto it = m_clients.find(socket);
    if (it != m_clients.end())
        it->heardMs = m_clock.elapsed();
}

void WebSocketHub::onTextMessage(QWebSocket *socket, const QString &text)
{
    touch(socket);
    const BrowserProtocol::Incoming message = BrowserProtocol::parse(text.toUtf8());
    switch (message.kind) {
    case BrowserProtocol::Incoming::Kind::Ended:
        Q_EMIT endedReceived(message.id);
        break;
    case BrowserProtocol::Incoming::Kind::Ping:
        socket->sendTextMessage(BrowserProtocol::encode(BrowserProtocol::pong()));
        break;
    case BrowserProtocol::Incoming::Kind::Invalid:
        reject(socket, message.reason);
        break;
    }
}

// Every invalid message is counted; the log gets each browser's first few
// and then a count at most every summaryIntervalMs, so that one browser
// cannot flood it.
void WebSocketHub::reject(QWebSocket *socket, const char *reason)
{
    ++m_rejectedMessages;
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    Client &client = *it;
    ++client.rejected;
    if (client.rejected <= quint64(m_limits.loggedEach)) {
        const bool last = client.rejected == quint64(m_limits.loggedEach);
        qCWarning(lcWs).noquote() << QStringLiteral("ignored message from %1 - %2 (%3 ignored so far)%4")
                                         .arg(peerOf(socket), QLatin1String(reason))
                                         .arg(m_rejectedMessages)
                                         .arg(last ? QLatin1String("; more from it are logged as counts")
                                                   : QLatin1String());
    } else {
        ++client.unlogged;
        client.lastReason = reason;
        if (!m_summaryTimer.isActive())
            m_summaryTimer.start();
    }

    const qint64 now = m_clock.elapsed();
    if (client.windowRejected == 0 || now - client.windowStartMs >= m_limits.dropWindowMs) {
        client.windowStartMs = now;
        client.windowRejected = 0;
    }
    if (++client.windowRejected > m_limits.dropCount) {
        qCWarning(lcWs).noquote() << QStringLiteral("browser %1 sent more than %2 invalid messages within %3 s;"
                                                    " dropping it")
                                         .arg(peerOf(socket))
                                         .arg(m_limits.dropCount)
                                         .arg(m_limits.dropWindowMs / 1000.0);
        socket->disconnect(this); // nothing more from it counts
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { socketDisconnected(socket); });
        // Last: closing may remove it from m_clients at once.
        socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("too many invalid messages"));
    }
}

void WebSocketHub::logUnlogged(QWebSocket *socket, Client &client)
{
    if (client.unlogged == 0)
        return;
    qCWarning(lcWs).noquote() << QStringLiteral("ignored %1 more messages from %2 - last: %3"
                                                " (%4 from it, %5 in all)")
                                     .arg(client.unlogged)
                                     .arg(peerOf(socket), QLatin1String(client.lastReason))
                                     .arg(client.rejected)
                                     .arg(m_rejectedMessages);
    client.unlogged = 0;
}

void WebSocketHub::logSummaries()
{
    for (auto it = m_clients.begin(); it != m_clients.end(); ++it)
        logUnlogged(it.key(), *it);
}

void WebSocketHub::socketDisconnected(QWebSocket *socket)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    logUnlogged(socket, *it);
    m_streams.remove(it->connection);
    m_clients.erase(it);
    qCInfo(lcWs).noquote() << "browser disconnected from" << peerOf(socket) << "-" << m_clients.size()
                           << "connected";
    socket->deleteLater();
    if (m_clients.isEmpty())
        m_keepAliveTimer.stop();
    const int left = m_peakClients - int(m_clients.size());
    if (left >= releaseWave && left >= int(m_clients.size()))
        m_releaseTimer.start(); // restarted by each one that leaves
}

// After many browsers have left: glibc keeps the heap pages they used, and
// the process would stay near its largest size for good, creeping up with
// each wave (docs/websocket.md, "Memory"). Trimming takes a moment (some
// 0.1-0.3 s after a few hundred browsers), which is why it waits for a wave.
void WebSocketHub::releaseMemory()
{
    QElapsedTimer took;
    took.start();
    m_peakClients = int(m_clients.size());
    m_clients.squeeze();
    m_streams.squeeze();
#if defined(__GLIBC__)
    // Unlike the automatic trimming at free(), this also hands back free
    // pages in the middle of the heap, where most of it is.
    malloc_trim(0);
#endif
    qCDebug(lcWs).nospace() << "released free memory to the system with " << m_clients.size() << " connected ("
                            << took.nsecsElapsed() / 1000 << " µs)";
}

void WebSocketHub::checkAlive()
{
    const qint64 now = m_clock.elapsed();
    const QList<QWebSocket *> sockets = m_clients.keys();
    for (QWebSocket *socket : sockets) {
        const auto it = m_clients.constFind(socket);
        if (it == m_clients.cend())
            continue; // gone while an earlier one was aborted
        if (now - it->heardMs > 2 * keepAliveMs) {
            qCWarning(lcWs).noquote() << "browser" << peerOf(socket) << "stopped answering; dropping it";
            socket->abort();
        } else {
            socket->ping();
        }
    }
}
