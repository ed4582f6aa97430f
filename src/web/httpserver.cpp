#include "web/httpserver.h"

#include "system/logging.h"

#include <QTcpSocket>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

HttpServer::HttpServer(const HttpLimits &limits, const QString &webSocketPath, HttpConnection::Handler handler,
                       QObject *parent)
    : QTcpServer(parent), m_limits(limits), m_webSocketPath(webSocketPath), m_handler(std::move(handler))
{
    // Qt's default of 50 makes the kernel drop connections when a room full
    // of screens and phones reconnects at once (after a Wi-Fi outage); each
    // dropped one waits a second or more to try again.
    setListenBacklogSize(m_limits.maxConnections);
}

void HttpServer::incomingConnection(qintptr handle)
{
    const int on = 1;
    ::setsockopt(int(handle), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        qCWarning(lcHttp).noquote() << "cannot take a connection:" << socket->errorString();
        delete socket;
        return;
    }
    if (m_connections >= m_limits.maxConnections) {
        if (!m_fullLogged)
            qCWarning(lcHttp) << "connection limit reached:" << m_connections << "open; refusing new ones";
        m_fullLogged = true;
        socket->abort();
        socket->deleteLater();
        return;
    }
    ++m_connections;
    // Counted down when the socket goes, whoever owns it by then (a
    // WebSocket too). Through a child of it: QWebSocket cuts every
    // connection of the socket it took over, its `destroyed` included.
    auto *token = new QObject(socket);
    connect(token, &QObject::destroyed, this, [this] {
        if (--m_connections < m_limits.maxConnections - m_limits.reservedConnections && m_reserveLogged) {
            qCInfo(lcHttp) << "below the connection limit again:" << m_connections << "open";
            m_reserveLogged = m_fullLogged = false;
        }
    });
    auto *connection = new HttpConnection(socket, m_limits, m_webSocketPath, m_handler, this);
    if (m_connections > m_limits.maxConnections - m_limits.reservedConnections) {
        if (!m_reserveLogged)
            qCWarning(lcHttp) << "connection limit nearly reached:" << m_connections
                              << "open; new ones are served /health, /status and /metrics only";
        m_reserveLogged = true;
        connection->setReserveOnly(true);
    }
    connect(connection, &HttpConnection::webSocketRequested, this, &HttpServer::webSocketRequested);
}
