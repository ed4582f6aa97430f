#include "web/websockethub.h"

#include "system/logging.h"
#include "system/processlimits.h"
#include "web/browserprotocol.h"
#include "web/websockethandshake.h"

#include <QDateTime>
#include <QTcpSocket>
#include <QUrlQuery>

#include <fcntl.h>
#include <unistd.h>

namespace {
// Browsers answer pings by themselves; one that stays silent for two rounds
// is gone (a tablet that lost Wi-Fi) and would otherwise be kept for ever.
constexpr int defaultKeepAliveMs = 30000;
// A browser that does not read would make the gateway buffer without bound.
constexpr qint64 maxPendingBytes = 1024 * 1024;
// A refused upgrade's answer goes out before the connection closes; one
// that is not read by then is cut.
constexpr int refusalLingerMs = 1000;
// Freed memory is handed back after a wave of departures: at least this
// many browsers gone, half or more of the most there were, and none leaving
// for a second, so that the wave is released once, when it is over.
constexpr int releaseWave = 32;
constexpr int releaseDelayMs = 1000;

using Opcode = WebSocketConnection::Opcode;
} // namespace

WebSocketHub::WebSocketHub(QObject *parent)
    : QObject(parent)
{
    m_clock.start();
    m_keepAliveTimer.setInterval(defaultKeepAliveMs);
    connect(&m_keepAliveTimer, &QTimer::timeout, this, &WebSocketHub::checkAlive);
    m_releaseTimer.setSingleShot(true);
    m_releaseTimer.setInterval(releaseDelayMs);
    connect(&m_releaseTimer, &QTimer::timeout, this, &WebSocketHub::releaseMemory);
}

WebSocketHub::~WebSocketHub()
{
    // Before the poller they use goes; each says it is going away (1001).
    const auto connections = findChildren<WebSocketConnection *>(Qt::FindDirectChildrenOnly);
    for (WebSocketConnection *connection : connections)
        connection->disconnect(this);
    qDeleteAll(connections);
}

void WebSocketHub::setRejectionLimits(const RejectionLimits &limits)
{
    m_rejections.setLimits(limits);
}

void WebSocketHub::setKeepAliveInterval(int ms)
{
    m_keepAliveTimer.setInterval(ms);
}

std::optional<WebSocketHub::Role> WebSocketHub::roleOf(const HttpRequest &request)
{
    const QUrlQuery query(request.url);
    if (!query.hasQueryItem(QStringLiteral("role")))
        return Role::Screen;
    const QString role = query.queryItemValue(QStringLiteral("role"), QUrl::FullyDecoded);
    if (role == QLatin1String("screen"))
        return Role::Screen;
    if (role == QLatin1String("listener"))
        return Role::Listener;
    return std::nullopt;
}

// Before the handshake is answered: a plain HTTP answer, and the end of the
// connection (docs/websocket.md, "Roles").
void WebSocketHub::refuseUpgrade(QTcpSocket *socket, int status, const QByteArray &text)
{
    const QByteArray reason = status == 503 ? "Service Unavailable" : "Bad Request";
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason
            + "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + QByteArray::number(text.size())
            + "\r\nConnection: close\r\n";
    if (status == 503)
        response += "Retry-After: 60\r\n";
    socket->write(response + "\r\n" + text);
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    QTimer::singleShot(refusalLingerMs, socket, &QTcpSocket::abort);
    socket->disconnectFromHost();
}

void WebSocketHub::handleUpgrade(QTcpSocket *socket, const HttpRequest &request)
{
    const std::optional<Role> role = roleOf(request);
    if (!role) {
        qCWarning(lcWs).noquote() << "refused WebSocket upgrade from" << socket->peerAddress().toString()
                                  << "- unknown role"
                                  // Encoded: the value is the browser's, and may hold a line break.
                                  << QUrlQuery(request.url).queryItemValue(QStringLiteral("role"), QUrl::FullyEncoded).left(40);
        return refuseUpgrade(socket, 400, "Unknown role: use role=screen or role=listener\n");
    }
    if (*role == Role::Listener && !hasRoomForListener()) {
        // At debug level: a crowd reloading at a full house would flood the log.
        qCDebug(lcWs).noquote() << "refused listener from" << socket->peerAddress().toString() << "-"
                                << m_listeners << "of" << m_maxListeners << "listening";
        return refuseUpgrade(socket, 503, "Too many people are listening right now: please try again in a minute\n");
    }
    // The browser goes on through a descriptor of its own. Qt's socket
    // object stays, closed, as the connection's child: HttpServer counts
    // the connection until it is gone, and Qt's buffers are freed now.
    socket->flush(); // an earlier answer on this connection, if any
    const int descriptor = socket->bytesToWrite() == 0
            ? ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0)
            : -1;
    if (descriptor < 0) {
        qCWarning(lcWs).noquote() << "cannot take over the connection from" << socket->peerAddress().toString();
        socket->abort();
        socket->deleteLater();
        return;
    }
    const bool early = socket->bytesAvailable() > 0;
    auto *client = new WebSocketConnection(descriptor, socket->peerAddress(), socket->peerPort(), MaxMessageSize,
                                           &m_poller, this);
    socket->disconnect();
    socket->abort();
    socket->setParent(client);
    client->write(WebSocketHandshake::switchingProtocols(request));
    if (early) {
        // RFC 6455 §4.1: a browser waits for the 101 before it sends.
        qCWarning(lcWs).noquote() << "browser" << client->peer()
                                  << "sent frames before the handshake was answered; closing with 1002";
        connect(client, &WebSocketConnection::disconnected, client, &QObject::deleteLater);
        client->close(1002, "data before handshake");
        return;
    }

    connect(client, &WebSocketConnection::textMessageReceived, this,
            [this, client](const QByteArray &text) { onTextMessage(client, text); });
    connect(client, &WebSocketConnection::binaryMessageReceived, this, [this, client] {
        touch(client);
        reject(client, "binary frame");
    });
    connect(client, &WebSocketConnection::pongReceived, this, [this, client] { touch(client); });
    connect(client, &WebSocketConnection::disconnected, this, [this, client] { clientDisconnected(client); });

    Client info;
    info.userAgent = request.value("user-agent");
    info.heardMs = m_clock.elapsed();
    info.sinceMs = QDateTime::currentMSecsSinceEpoch();
    info.role = *role;
    m_clients.insert(client, info);
    if (*role == Role::Listener)
        ++m_listeners;
    m_rejections.track(client);
    m_peakClients = qMax(m_peakClients, int(m_clients.size()));
    if (!m_keepAliveTimer.isActive())
        m_keepAliveTimer.start();
    qCInfo(lcWs).noquote() << (*role == Role::Listener ? "listener" : "browser") << "connected from"
                           << client->peer() << "-" << m_clients.size() << "connected," << m_listeners << "listening";
    Q_EMIT clientConnected(client);
}

void WebSocketHub::send(WebSocketConnection *client, const QString &text)
{
    if (m_clients.contains(client))
        client->write(WebSocketConnection::frame(Opcode::Text, text.toUtf8()));
}

void WebSocketHub::broadcast(const QString &text)
{
    writeToAll(WebSocketConnection::frame(Opcode::Text, text.toUtf8()));
}

void WebSocketHub::broadcast(const QStringList &texts)
{
    QByteArray frames;
    for (const QString &text : texts)
        frames += WebSocketConnection::frame(Opcode::Text, text.toUtf8());
    writeToAll(frames);
}

// The same bytes to every browser: nothing is built or allocated per browser.
// Screens first: with hundreds of phones listening, the exhibit's own screen
// must not wait behind them (docs/websocket.md, "Roles").
void WebSocketHub::writeToAll(QByteArrayView frames)
{
    QList<WebSocketConnection *> stuck;
    for (const Role role : { Role::Screen, Role::Listener }) {
        if (role == Role::Listener && m_listeners == 0)
            break;
        for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
            if (it->role != role)
                continue;
            WebSocketConnection *client = it.key();
            if (client->bytesToWrite() > maxPendingBytes)
                stuck.append(client);
            else
                client->write(frames);
        }
    }
    for (WebSocketConnection *client : std::as_const(stuck)) {
        qCWarning(lcWs).noquote() << "browser" << client->peer() << "does not read; dropping it";
        client->abort();
    }
}

QList<WebSocketHub::ClientInfo> WebSocketHub::clientInfos() const
{
    QList<ClientInfo> infos;
    infos.reserve(m_clients.size());
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        ClientInfo info;
        info.address = it.key()->peerAddress();
        info.userAgent = it->userAgent;
        info.sinceMs = it->sinceMs;
        info.lastEndedId = it->lastEndedId;
        info.lastEndedMs = it->lastEndedMs;
        info.role = it->role;
        infos.append(info);
    }
    return infos;
}

void WebSocketHub::touch(WebSocketConnection *client)
{
    const auto it = m_clients.find(client);
    if (it != m_clients.end())
        it->heardMs = m_clock.elapsed();
}

void WebSocketHub::onTextMessage(WebSocketConnection *client, const QByteArray &text)
{
    touch(client);
    const BrowserProtocol::Incoming message = BrowserProtocol::parse(text);
    switch (message.kind) {
    case BrowserProtocol::Incoming::Kind::Ended: {
        const auto it = m_clients.find(client);
        if (it == m_clients.end())
            break;
        it->lastEndedId = message.id;
        it->lastEndedMs = QDateTime::currentMSecsSinceEpoch();
        // Listeners never end a playback: a phone paused in a pocket, or one
        // that joined late, must not clear the exhibit's LED; only screens
        // speak for the exhibit (docs/websocket.md, "Roles"). This is the
        // one place that decides it: the controller never hears of them.
        if (it->role == Role::Listener) {
            qCDebug(lcWs).noquote() << "ended" << message.id << "from listener" << client->peer() << "- not passed on";
            break;
        }
        Q_EMIT endedReceived(message.id);
        break;
    }
    case BrowserProtocol::Incoming::Kind::Ping:
        send(client, BrowserProtocol::encode(BrowserProtocol::pong()));
        break;
    case BrowserProtocol::Incoming::Kind::Invalid:
        reject(client, message.reason);
        break;
    }
}

// The tracker counts and logs; dropping a browser that floods is done here.
void WebSocketHub::reject(WebSocketConnection *client, const char *reason)
{
    if (!m_rejections.reject(client, reason))
        return;
    client->disconnect(this); // nothing more from it counts
    connect(client, &WebSocketConnection::disconnected, this, [this, client] { clientDisconnected(client); });
    client->close(1008, "too many invalid messages"); // policy violation
}

void WebSocketHub::clientDisconnected(WebSocketConnection *client)
{
    const auto it = m_clients.find(client);
    if (it == m_clients.end())
        return;
    m_rejections.forget(client);
    const bool listener = it->role == Role::Listener;
    if (listener)
        --m_listeners;
    m_clients.erase(it);
    qCInfo(lcWs).noquote() << (listener ? "listener" : "browser") << "disconnected from" << client->peer() << "-"
                           << m_clients.size() << "connected," << m_listeners << "listening";
    client->deleteLater();
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
    m_rejections.squeeze();
    ProcessLimits::releaseFreeMemory();
    qCDebug(lcWs).nospace() << "released free memory to the system with " << m_clients.size() << " connected ("
                            << took.nsecsElapsed() / 1000 << " µs)";
}

void WebSocketHub::checkAlive()
{
    const qint64 now = m_clock.elapsed();
    const QByteArray ping = WebSocketConnection::frame(Opcode::Ping, {});
    for (auto it = m_clients.cbegin(); it != m_clients.cend(); ++it) {
        WebSocketConnection *client = it.key();
        if (now - it->heardMs > 2 * m_keepAliveTimer.interval()) {
            qCWarning(lcWs).noquote() << "browser" << client->peer() << "stopped answering; dropping it";
            client->abort(); // leaves m_clients later, from the event loop
        } else {
            client->write(ping);
        }
    }
}
