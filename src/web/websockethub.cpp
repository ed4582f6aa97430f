#include "web/websockethub.h"

#include "system/logging.h"
#include "system/processlimits.h"
#include "web/browserprotocol.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QWebSocket>

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
    m_rejections.setLimits(limits);
}

void WebSocketHub::handleUpgrade(QTcpSocket *socket)
{
    // Watched before QWebSocketServer and QWebSocket connect to it, so that
    // the guard sees every byte before Qt reads it.
    m_framing.watch(socket);
    m_server.handleConnection(socket);
}

void WebSocketHub::onNewConnection()
{
    while (m_server.hasPendingConnections()) {
        QWebSocket *socket = m_server.nextPendingConnection();
        socket->setParent(this);
        QTcpSocket *connection = m_framing.takeConnection(socket);
        // QWebSocket neither owns nor deletes the TCP socket it took over, and
        // cuts every connection of it when it closes (QWebSocketServer's own
        // clean-up included): as its child the socket goes with it, after
        // QWebSocket's destructor has used it a last time.
        if (connection)
            connection->setParent(socket);
        if (socket->state() != QAbstractSocket::ConnectedState) {
            // Gone before its handshake was read: it would never report
            // that it disconnected.
            m_framing.forget(connection);
            socket->deleteLater();
            continue;
        }
        if (!m_framing.follow(connection, socket)) {
            // It sent frames before the handshake was answered (logged).
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            socket->close(QWebSocketProtocol::CloseCodeProtocolError, QStringLiteral("data before handshake"));
            continue;
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
        client.sinceMs = QDateTime::currentMSecsSinceEpoch();
        m_clients.insert(socket, client);
        m_rejections.track(socket);
        m_peakClients = qMax(m_peakClients, int(m_clients.size()));
        if (!m_keepAliveTimer.isActive())
            m_keepAliveTimer.start();
        qCInfo(lcWs).noquote() << "browser connected from" << peerOf(socket) << "-" << m_clients.size() << "connected";
        Q_EMIT clientConnected(socket);
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

QList<WebSocketHub::ClientInfo> WebSocketHub::clientInfos() const
{
    QList<ClientInfo> infos;
    infos.reserve(m_clients.size());
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        ClientInfo info;
        info.address = it.key()->peerAddress();
        // QWebSocket keeps the handshake's headers in its request().
        info.userAgent = it.key()->request().rawHeader("User-Agent");
        info.sinceMs = it->sinceMs;
        info.lastEndedId = it->lastEndedId;
        info.lastEndedMs = it->lastEndedMs;
        infos.append(info);
    }
    return infos;
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
        if (const auto it = m_clients.find(socket); it != m_clients.end()) {
            it->lastEndedId = message.id;
            it->lastEndedMs = QDateTime::currentMSecsSinceEpoch();
        }
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

// The tracker counts and logs; dropping a browser that floods is done here.
void WebSocketHub::reject(QWebSocket *socket, const char *reason)
{
    if (!m_rejections.reject(socket, reason))
        return;
    socket->disconnect(this); // nothing more from it counts
    connect(socket, &QWebSocket::disconnected, this, [this, socket] { socketDisconnected(socket); });
    // Last: closing may remove it from m_clients at once.
    socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("too many invalid messages"));
}

void WebSocketHub::socketDisconnected(QWebSocket *socket)
{
    const auto it = m_clients.find(socket);
    if (it == m_clients.end())
        return;
    m_rejections.forget(socket);
    m_framing.forget(it->connection);
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
    m_framing.squeeze();
    m_rejections.squeeze();
    ProcessLimits::releaseFreeMemory();
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
