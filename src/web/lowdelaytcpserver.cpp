#include "web/lowdelaytcpserver.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

void LowDelayTcpServer::incomingConnection(qintptr handle)
{
    // Set on the descriptor before Qt wraps it: QHttpServer takes the socket
    // itself and WebSocket upgrades never expose it.
    const int on = 1;
    ::setsockopt(int(handle), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    QTcpServer::incomingConnection(handle);
}
