#ifndef WEBSOCKETHUB_H
#define WEBSOCKETHUB_H

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
// connections alive and turns what browsers send into signals. Anything
// malformed is logged, counted and otherwise ignored; the connection stays.
class WebSocketHub : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 MaxMessageSize = 64 * 1024;

    explicit WebSocketHub(QObject *parent = nullptr);
    ~WebSocketHub() override;

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
    void onNewConnection();
    void onTextMessage(QWebSocket *socket, const QString &text);
    void socketDisconnected(QWebSocket *socket);
    void reject(QWebSocket *socket, const char *reason);
    void touch(QWebSocket *socket);
    void checkAlive();

    QWebSocketServer m_server;
    QHash<QWebSocket *, qint64> m_clients; // socket → last time it was heard from
    QElapsedTimer m_clock;
    QTimer m_keepAliveTimer;
    quint64 m_rejectedMessages = 0;
};

#endif // WEBSOCKETHUB_H
