#ifndef WEBSOCKETHUB_H
#define WEBSOCKETHUB_H

#include "web/clientframescanner.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

// The browsers connected on /ws (docs/websocket.md). It owns a
// QWebSocketServer that does not listen: HttpServer hands it the upgrade
// requests. It keeps the client list, sends what it is given, keeps the
// connections alive and turns what browsers send into signals. A malformed
// message is counted and otherwise ignored, and logged sparingly; a browser
// that sends little else is dropped, and so is one that breaks the framing
// rules Qt does not check (unmasked frames).
class WebSocketHub : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 MaxMessageSize = 64 * 1024;

    // How a browser's invalid messages are logged, and how many get it
    // dropped (docs/websocket.md, "Invalid input").
    struct RejectionLimits
    {
        int loggedEach = 3;              // the first ones of each browser: a line each
        int summaryIntervalMs = 10000;   // after that, a count per browser at most this often
        int dropCount = 100;             // more than this many ...
        int dropWindowMs = 10000;        // ... within this time: the browser is dropped
    };

    explicit WebSocketHub(QObject *parent = nullptr);
    ~WebSocketHub() override;

    void setRejectionLimits(const RejectionLimits &limits);

    int clientCount() const { return int(m_clients.size()); }
    quint64 rejectedMessages() const { return m_rejectedMessages; }

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
        QTcpSocket *connection = nullptr;
        qint64 heardMs = 0;             // when it was last heard from
        quint64 rejected = 0;           // its invalid messages
        quint64 unlogged = 0;           // of those, not in the log yet
        const char *lastReason = nullptr;
        qint64 windowStartMs = 0;       // the drop limit's current window
        int windowRejected = 0;
    };
    // The bytes of one connection as they arrive, read ahead of QWebSocket.
    struct Stream
    {
        QWebSocket *client = nullptr;   // set once the handshake is answered
        ClientFrameScanner frames;
        qint64 scanned = 0;             // bytes at the head of the socket's buffer already fed
        bool early = false;             // sent something before the handshake's answer
        bool followed = true;           // false: its frames are no longer checked
    };

    void onNewConnection();
    void onTextMessage(QWebSocket *socket, const QString &text);
    void socketDisconnected(QWebSocket *socket);
    void reject(QWebSocket *socket, const char *reason);
    void logUnlogged(QWebSocket *socket, Client &client);
    void logSummaries();
    void touch(QWebSocket *socket);
    void checkAlive();
    QTcpSocket *connectionOf(const QWebSocket *socket) const;
    void scanBeforeQt(QTcpSocket *connection);
    void scanAfterQt(QTcpSocket *connection);
    void stopScanning(Stream &stream);
    void releaseMemory();

    QWebSocketServer m_server;
    QHash<QWebSocket *, Client> m_clients;
    QHash<QTcpSocket *, Stream> m_streams;
    QElapsedTimer m_clock;
    QTimer m_keepAliveTimer;
    QTimer m_summaryTimer;
    QTimer m_releaseTimer;
    int m_peakClients = 0; // since memory was last released
    RejectionLimits m_limits;
    quint64 m_rejectedMessages = 0;
};

#endif // WEBSOCKETHUB_H
