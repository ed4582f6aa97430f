#include "web/websockethub.h"

#include "system/logging.h"
#include "web/browserprotocol.h"

#include <QTcpSocket>
#include <QWebSocket>

namespace {
// Browsers answer pings by themselves; one that stays silent for two rounds
// is gone (a tablet that lost Wi-Fi) and would otherwise be kept for ever.
constexpr int keepAliveMs = 30000;
// A browser that does not read would make the gateway buffer without bound.
constexpr qint64 maxPendingBytes = 1024 * 1024;

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
}

WebSocketHub::~WebSocketHub()
{
    // Sockets are children; drop their signals before they go.
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it)
        it.key()->disconnect(this);
}

void WebSocketHub::handleUpgrade(QTcpSocket *socket)
{
    m_server.handleConnection(socket);
}

void WebSocketHub::onNewConnection()
{
    while (m_server.hasPendingConnections()) {
        QWebSocket *socket = m_server.nextPendingConnection();
        socket->setParent(this);
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

        m_clients.insert(socket, m_clock.elapsed());
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

void WebSocketHub::touch(QWebSocket *socket)
{
    const auto it = m_clients.find(socket);
    if (it != m_clients.end())
        *it = m_clock.elapsed();
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

void WebSocketHub::reject(QWebSocket *socket, const char *reason)
{
    ++m_rejectedMessages;
    qCWarning(lcWs).noquote() << "ignored message from" << peerOf(socket) << "-" << reason << "("
                              << m_rejectedMessages << "ignored so far)";
}

void WebSocketHub::socketDisconnected(QWebSocket *socket)
{
    if (!m_clients.remove(socket))
        return;
    qCInfo(lcWs).noquote() << "browser disconnected from" << peerOf(socket) << "-" << m_clients.size()
                           << "connected";
    socket->deleteLater();
    if (m_clients.isEmpty())
        m_keepAliveTimer.stop();
}

void WebSocketHub::checkAlive()
{
    const qint64 now = m_clock.elapsed();
    const QList<QWebSocket *> sockets = m_clients.keys();
    for (QWebSocket *socket : sockets) {
        if (now - m_clients.value(socket, now) > 2 * keepAliveMs) {
            qCWarning(lcWs).noquote() << "browser" << peerOf(socket) << "stopped answering; dropping it";
            socket->abort();
        } else {
            socket->ping();
        }
    }
}
