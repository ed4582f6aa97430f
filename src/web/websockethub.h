#ifndef WEBSOCKETHUB_H
#define WEBSOCKETHUB_H

#include "web/framingguard.h"
#include "web/rejectiontracker.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

// The browsers connected on /ws (docs/websocket.md). It owns a
// QWebSocketServer that does not listen: HttpServer hands it the upgrade
// requests. It keeps the client list, sends what it is given, keeps the
// connections alive and turns what browsers send into signals. A malformed
// message is counted and otherwise ignored (RejectionTracker keeps the
// books); a browser that sends little else is dropped, and so is one that
// breaks the framing rules Qt does not check (FramingGuard).
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

    int clientCount() const { return int(m_clients.size()); }

    // What the staff console shows of each browser (docs/http.md, "/admin
    // and /api/admin"); made on request, from what the hub keeps anyway.
    struct ClientInfo
    {
        QHostAddress address;
        QByteArray userAgent;       // from the upgrade request
        qint64 sinceMs = 0;         // connected, ms since 1970 UTC
        int lastEndedId = -1;       // its last `ended`; -1: none yet
        qint64 lastEndedMs = 0;
    };
    QList<ClientInfo> clientInfos() const;
    quint64 rejectedMessages() const { return m_rejections.total(); }

public Q_SLOTS:
    // An upgrade request on /ws whose handshake is still unread.
    void handleUpgrade(QTcpSocket *socket);
    void broadcast(const QString &text);
    void send(QWebSocket *client, const QString &text);

Q_SIGNALS:
    // Emitted before anything else is sent to `client`: the place to greet it.
    void clientConnected(QWebSocket *client);
    void endedReceived(int id);

private:
    struct Client
    {
        QTcpSocket *connection = nullptr; // what it was upgraded from, if known
        qint64 heardMs = 0;               // when it was last heard from
        qint64 sinceMs = 0;               // wall clock, for the console
        qint64 lastEndedMs = 0;
        int lastEndedId = -1;
    };

    void onNewConnection();
    void onTextMessage(QWebSocket *socket, const QString &text);
    void socketDisconnected(QWebSocket *socket);
    void reject(QWebSocket *socket, const char *reason);
    void touch(QWebSocket *socket);
    void checkAlive();
    void releaseMemory();

    QWebSocketServer m_server;
    QHash<QWebSocket *, Client> m_clients;
    FramingGuard m_framing;
    RejectionTracker m_rejections;
    QElapsedTimer m_clock;
    QTimer m_keepAliveTimer;
    QTimer m_releaseTimer;
    int m_peakClients = 0; // since memory was last released
};

#endif // WEBSOCKETHUB_H
