#ifndef WEBSOCKETHUB_H
#define WEBSOCKETHUB_H

#include <QElapsedTimer>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <functional>

class QAbstractHttpServer;
class QWebSocket;

// The browsers connected on /ws (CONTRACT.md §3): takes each upgraded socket
// from the HTTP server, greets it with the current state, broadcasts, and
// turns the messages browsers send into signals. Anything malformed is logged,
// counted and otherwise ignored; the connection stays open.
class WebSocketHub : public QObject
{
    Q_OBJECT

public:
    using Greeting = std::function<QJsonObject()>;

    static constexpr qint64 MaxMessageSize = 64 * 1024;

    WebSocketHub(QAbstractHttpServer *server, Greeting greeting, QObject *parent = nullptr);
    ~WebSocketHub() override;

    int clientCount() const { return int(m_clients.size()); }
    quint64 rejectedMessages() const { return m_rejectedMessages; }

public Q_SLOTS:
    void broadcast(const QJsonObject &message);

Q_SIGNALS:
    void endedReceived(int id);

private:
    void onNewConnection();
    void onTextMessage(QWebSocket *socket, const QString &text);
    void onBinaryMessage(QWebSocket *socket);
    void socketDisconnected(QWebSocket *socket);
    void reject(QWebSocket *socket, const char *reason);
    void touch(QWebSocket *socket);
    void checkAlive();

    QAbstractHttpServer *m_server;
    Greeting m_greeting;
    QHash<QWebSocket *, qint64> m_clients; // socket → last time it was heard from
    QElapsedTimer m_clock;
    QTimer m_keepAliveTimer;
    quint64 m_rejectedMessages = 0;
};

#endif // WEBSOCKETHUB_H
