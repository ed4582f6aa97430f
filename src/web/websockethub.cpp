#include "web/websockethub.h"

#include "system/logging.h"

#include <QAbstractHttpServer>
#include <QJsonDocument>
#include <QWebSocket>

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#  include <QHttpServerRequest>
#  include <QHttpServerWebSocketUpgradeResponse>
#endif

namespace {
const QString wsPath = QStringLiteral("/ws");
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

WebSocketHub::WebSocketHub(QAbstractHttpServer *server, Greeting greeting, QObject *parent)
    : QObject(parent), m_server(server), m_greeting(std::move(greeting))
{
    m_clock.start();
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    // From 6.8 on upgrades bypass the routes: only /ws may become a WebSocket.
    server->addWebSocketUpgradeVerifier(this, [](const QHttpServerRequest &request) {
        if (request.url().path() == wsPath)
            return QHttpServerWebSocketUpgradeResponse::accept();
        return QHttpServerWebSocketUpgradeResponse::deny();
    });
#endif
    connect(server, &QAbstractHttpServer::newWebSocketConnection, this, &WebSocketHub::onNewConnection);
    m_keepAliveTimer.setInterval(keepAliveMs);
    connect(&m_keepAliveTimer, &QTimer::timeout, this, &WebSocketHub::checkAlive);
}

WebSocketHub::~WebSocketHub()
{
    // Sockets are children; drop their signals before they go.
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it)
        it.key()->disconnect(this);
}

void WebSocketHub::onNewConnection()
{
    while (m_server->hasPendingWebSocketConnections()) {
        QWebSocket *socket = m_server->nextPendingWebSocketConnection().release();
        socket->setParent(this);
        // Qt 6.4 upgrades on any path that has a route: refuse all but /ws here.
        if (socket->requestUrl().path() != wsPath) {
            qCWarning(lcWs).noquote() << "refused WebSocket on" << socket->requestUrl().path() << "from"
                                      << peerOf(socket);
            connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            socket->close(QWebSocketProtocol::CloseCodePolicyViolated, QStringLiteral("use /ws"));
            continue;
        }
        // Over the limit Qt closes the connection with 1009.
        socket->setMaxAllowedIncomingMessageSize(MaxMessageSize);
        socket->setMaxAllowedIncomingFrameSize(MaxMessageSize);
        connect(socket, &QWebSocket::textMessageReceived, this,
                [this, socket](const QString &text) { onTextMessage(socket, text); });
        connect(socket, &QWebSocket::binaryMessageReceived, this,
                [this, socket](const QByteArray &) { onBinaryMessage(socket); });
        connect(socket, &QWebSocket::pong, this,
                [this, socket](quint64, const QByteArray &) { touch(socket); });
        connect(socket, &QWebSocket::disconnected, this, [this, socket] { socketDisconnected(socket); });

        m_clients.insert(socket, m_clock.elapsed());
        if (!m_keepAliveTimer.isActive())
            m_keepAliveTimer.start();
        qCInfo(lcWs).noquote() << "browser connected from" << peerOf(socket) << "-" << m_clients.size() << "connected";
        socket->sendTextMessage(QString::fromUtf8(QJsonDocument(m_greeting()).toJson(QJsonDocument::Compact)));
    }
}

void WebSocketHub::broadcast(const QJsonObject &message)
{
    const QString text = QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
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
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        return reject(socket, "not valid JSON");
    if (!document.isObject())
        return reject(socket, "not a JSON object");
    const QJsonObject message = document.object();
    const QString type = message.value(QLatin1String("type")).toString();
    if (type == QLatin1String("ended")) {
        const QJsonValue id = message.value(QLatin1String("id"));
        const double number = id.toDouble(-1);
        if (!id.isDouble() || number < 0 || number > 999999 || number != double(int(number)))
            return reject(socket, "ended without an integer id");
        Q_EMIT endedReceived(int(number));
    } else if (type == QLatin1String("ping")) {
        socket->sendTextMessage(QStringLiteral("{\"type\":\"pong\"}"));
    } else {
        reject(socket, "unknown type");
    }
}

void WebSocketHub::onBinaryMessage(QWebSocket *socket)
{
    touch(socket);
    reject(socket, "binary frame");
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
