#ifndef HTTPSERVER_H
#define HTTPSERVER_H

#include "web/httpconnection.h"
#include "web/httplimits.h"

#include <QTcpServer>

class QTcpSocket;

// The gateway's one listening socket, for HTTP and WebSocket alike
// (docs/http.md, "Connections"). Each connection becomes an HttpConnection
// that hands requests to the handler; a WebSocket upgrade on the WebSocket
// path leaves through webSocketRequested(), read and not yet answered, for
// WebSocketHub. Connections are counted until their
// socket is gone, WebSocket ones included, against HttpLimits.
//
// Its connections send at once (TCP_NODELAY): with Nagle's algorithm a
// small WebSocket frame waits for the client's delayed ACK of the previous
// one, some 40 ms on Linux, far more than a press may take to reach a screen.
class HttpServer : public QTcpServer
{
    Q_OBJECT

public:
    HttpServer(const HttpLimits &limits, const QString &webSocketPath, HttpConnection::Handler handler,
               QObject *parent = nullptr);

    int connectionCount() const { return m_connections; }

Q_SIGNALS:
    void webSocketRequested(QTcpSocket *socket, const HttpRequest &request);

protected:
    void incomingConnection(qintptr handle) override;

private:
    HttpLimits m_limits;
    QString m_webSocketPath;
    HttpConnection::Handler m_handler;
    int m_connections = 0;
    bool m_reserveLogged = false; // each logged once until below the reserve again
    bool m_fullLogged = false;
};

#endif // HTTPSERVER_H
