#ifndef LOWDELAYTCPSERVER_H
#define LOWDELAYTCPSERVER_H

#include <QTcpServer>

// A QTcpServer whose connections send at once (TCP_NODELAY). With Nagle's
// algorithm a small WebSocket frame waits for the client's delayed ACK of the
// previous one, some 40 ms on Linux and up to 200 ms on Windows: far more
// than a visitor's press may take to reach the screen.
class LowDelayTcpServer : public QTcpServer
{
    Q_OBJECT

public:
    using QTcpServer::QTcpServer;

protected:
    void incomingConnection(qintptr handle) override;
};

#endif // LOWDELAYTCPSERVER_H
