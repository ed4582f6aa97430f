#ifndef CONNECTIONGATE_H
#define CONNECTIONGATE_H

#include <QTcpServer>

class QTcpSocket;

// The listening socket of HTTP and WebSocket alike, bound to the QHttpServer.
// It looks at the first request of each connection before QHttpServer does,
// without consuming it: a WebSocket upgrade on the WebSocket path is handed
// out through webSocketRequested(), an upgrade anywhere else is refused with a
// plain 404 (never a 101), and everything else goes to QHttpServer as a
// pending connection (docs/websocket.md, "Opening a connection").
//
// Its connections also send at once (TCP_NODELAY): with Nagle's algorithm a
// small WebSocket frame waits for the client's delayed ACK of the previous
// one, some 40 ms on Linux, far more than a press may take to reach a screen.
class ConnectionGate : public QTcpServer
{
    Q_OBJECT

public:
    explicit ConnectionGate(const QString &webSocketPath, QObject *parent = nullptr);

    // A request head larger than this is left to QHttpServer to judge.
    static constexpr qint64 MaxInspectedHead = 16 * 1024;

Q_SIGNALS:
    // An upgrade request on the WebSocket path, unread: the receiver takes the
    // socket (QWebSocketServer::handleConnection reads the handshake itself).
    void webSocketRequested(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr handle) override;

private:
    void inspect(QTcpSocket *socket);
    void refuseUpgrade(QTcpSocket *socket, const QString &path);
    void handToHttpServer(QTcpSocket *socket);

    QString m_webSocketPath;
};

#endif // CONNECTIONGATE_H
