#ifndef WEBSOCKETHUB_H
#define WEBSOCKETHUB_H

#include "web/httprequest.h"
#include "web/rejectiontracker.h"
#include "web/socketpoller.h"
#include "web/websocketconnection.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <optional>

class QTcpSocket;

// The browsers connected on /ws (docs/websocket.md). HttpConnection hands
// it each accepted upgrade; it answers the handshake, keeps the client
// list, sends what it is given, keeps the connections alive and turns what
// browsers send into signals. A broadcast is encoded into frames once and
// the same bytes go to every browser (docs/websocket.md, "Cost per
// browser"). A malformed message is counted and otherwise ignored
// (RejectionTracker keeps the books); a browser that sends little else is
// dropped, and so is one that breaks the framing rules.
class WebSocketHub : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 MaxMessageSize = 64 * 1024;

    // How a browser's invalid messages are logged, and how many get it
    // dropped (docs/websocket.md, "Invalid input").
    using RejectionLimits = RejectionTracker::Limits;

    explicit WebSocketHub(QObject *parent = nullptr);
    ~WebSocketHub() override;

    void setRejectionLimits(const RejectionLimits &limits);
    // How often every browser is pinged; one not heard from for two of
    // these is dropped (docs/websocket.md, "Liveness"). 30 s by default.
    void setKeepAliveInterval(int ms);

    int clientCount() const { return int(m_clients.size()); }

    // Browsers connect as screens (`/ws`, `/ws?role=screen`) or as
    // listeners (`/ws?role=listener`): visitors' phones following the
    // exhibit (docs/websocket.md, "Roles"). Both get every broadcast; only
    // a screen's `ended` reaches the controller.
    enum class Role { Screen, Listener };
    // The role an upgrade asks for; nullopt for one the hub does not know.
    static std::optional<Role> roleOf(const HttpRequest &request);
    int listenerCount() const { return m_listeners; }
    int screenCount() const { return clientCount() - m_listeners; }
    // Listeners allowed at once; one more is refused with 503. 0: none.
    void setMaxListeners(int count) { m_maxListeners = count; }
    int maxListeners() const { return m_maxListeners; }
    bool hasRoomForListener() const { return m_listeners < m_maxListeners; }

    // What the staff console shows of each browser (docs/http.md, "/admin
    // and /api/admin"); made on request, from what the hub keeps anyway.
    struct ClientInfo
    {
        QHostAddress address;
        QByteArray userAgent;       // from the upgrade request
        qint64 sinceMs = 0;         // connected, ms since 1970 UTC
        int lastEndedId = -1;       // its last `ended`; -1: none yet
        qint64 lastEndedMs = 0;
        Role role = Role::Screen;
    };
    QList<ClientInfo> clientInfos() const;
    quint64 rejectedMessages() const { return m_rejections.total(); }

public Q_SLOTS:
    // An upgrade request on /ws that HttpConnection judged acceptable
    // (WebSocketHandshake::judge) and read; `socket` is the hub's now.
    void handleUpgrade(QTcpSocket *socket, const HttpRequest &request);
    void broadcast(const QString &text);
    // Several messages in one write to each browser (`stop` and `play`).
    void broadcast(const QStringList &texts);
    void send(WebSocketConnection *client, const QString &text);

Q_SIGNALS:
    // Emitted before anything else is sent to `client`: the place to greet it.
    void clientConnected(WebSocketConnection *client);
    void endedReceived(int id);

private:
    struct Client
    {
        QByteArray userAgent;   // from the handshake, for the console
        qint64 heardMs = 0;     // when it was last heard from
        qint64 sinceMs = 0;     // wall clock, for the console
        qint64 lastEndedMs = 0;
        int lastEndedId = -1;
        Role role = Role::Screen;
    };

    void onTextMessage(WebSocketConnection *client, const QByteArray &text);
    void clientDisconnected(WebSocketConnection *client);
    void reject(WebSocketConnection *client, const char *reason);
    static void refuseUpgrade(QTcpSocket *socket, int status, const QByteArray &text);
    void touch(WebSocketConnection *client);
    void writeToAll(QByteArrayView frames);
    void checkAlive();
    void releaseMemory();

    SocketPoller m_poller;
    QHash<WebSocketConnection *, Client> m_clients;
    RejectionTracker m_rejections;
    QElapsedTimer m_clock;
    QTimer m_keepAliveTimer;
    QTimer m_releaseTimer;
    int m_peakClients = 0; // since memory was last released
    int m_listeners = 0;
    int m_maxListeners = 500;
};

#endif // WEBSOCKETHUB_H
