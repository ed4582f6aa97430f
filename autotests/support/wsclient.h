#ifndef WSCLIENT_H
#define WSCLIENT_H

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QWebSocket>

// A browser stand-in on /ws: queues every text message as JSON so a test
// can take them in the order the gateway sent them.
class WsClient : public QObject
{
    Q_OBJECT

public:
    explicit WsClient(QObject *parent = nullptr);

    // Opens ws://127.0.0.1:port/path and waits for the handshake to finish.
    bool open(quint16 port, const QString &path = QStringLiteral("/ws"), int timeoutMs = 5000);
    // Waits until the connection is gone (closed, refused or failed).
    bool waitForDisconnected(int timeoutMs = 5000);

    void send(const QJsonObject &message);
    void sendText(const QString &text);
    void sendBinary(const QByteArray &data);

    // Takes the next message, waiting up to `timeoutMs`; an empty object when none came.
    QJsonObject take(int timeoutMs = 3000);
    // Sends a ping message and waits for its pong (taken out of the queue):
    // everything sent before it has then been handled by the gateway.
    bool roundTrip(int timeoutMs = 3000);

    bool isConnected() const { return m_socket.state() == QAbstractSocket::ConnectedState; }
    QList<QJsonObject> pending() const { return m_messages; }
    QWebSocket *socket() { return &m_socket; }

Q_SIGNALS:
    void messageQueued();

private:
    bool waitForState(std::initializer_list<QAbstractSocket::SocketState> states, int timeoutMs);

    QWebSocket m_socket;
    QList<QJsonObject> m_messages;
};

#endif // WSCLIENT_H
