#include "baselineserver.h"

#include "monoclock.h"
#include "wsclientpool.h"

#include <QHostAddress>
#include <QWebSocket>
#include <QWebSocketServer>

BaselineServer::BaselineServer() = default;

bool BaselineServer::listen()
{
    m_server = new QWebSocketServer(QStringLiteral("panel-bench baseline"),
                                    QWebSocketServer::NonSecureMode, this);
    if (!m_server->listen(QHostAddress::LocalHost, 0))
        return false;
    m_port = m_server->serverPort();
    connect(m_server, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *s = m_server->nextPendingConnection()) {
            m_peers.append(s);
            connect(s, &QWebSocket::textMessageReceived, this, [this](const QString &msg) {
                const qint64 ns = MonoClock::nowNs();
                if (WsClientPool::typeOf(msg) == QLatin1String("ended")) {
                    m_endedNs = ns;
                    Q_EMIT endedReceived();
                }
            });
            s->sendTextMessage(QStringLiteral("{\"type\":\"state\",\"current\":null}"));
        }
    });
    return true;
}

void BaselineServer::broadcast(int id)
{
    const QString stop = QStringLiteral("{\"type\":\"stop\"}");
    // As long as a real play message, so the clients parse the same amount.
    const QString play = QStringLiteral("{\"type\":\"play\",\"id\":%1,\"image\":\"/media/%2.jpg?v=1700000000\","
                                        "\"audio\":\"/media/%2.mp3?v=1700000000\",\"video\":null}")
                             .arg(id)
                             .arg(id, 3, 10, QLatin1Char('0'));
    m_broadcastNs = MonoClock::nowNs();
    for (QWebSocket *s : std::as_const(m_peers)) {
        s->sendTextMessage(stop);
        s->sendTextMessage(play);
        s->flush();
    }
}

void BaselineServer::shutdown()
{
    for (QWebSocket *s : std::as_const(m_peers))
        s->abort();
    qDeleteAll(m_peers);
    m_peers.clear();
    delete m_server;
    m_server = nullptr;
}
