#ifndef BASELINESERVER_H
#define BASELINESERVER_H

#include <QList>
#include <QObject>

#include <atomic>

class QWebSocket;
class QWebSocketServer;

// The far end of the WebSocket baseline: a minimal broadcaster that lives in
// its own thread, so that sending overlaps with the clients' receiving as it
// does with a real gateway in its own process.
class BaselineServer : public QObject
{
    Q_OBJECT

public:
    BaselineServer();

    quint16 port() const { return m_port; }
    qint64 broadcastNs() const { return m_broadcastNs; }   // before the first send
    qint64 endedNs() const { return m_endedNs; }           // right after reading "ended"

public Q_SLOTS:
    bool listen();
    void broadcast(int id);
    void shutdown();

Q_SIGNALS:
    void endedReceived();

private:
    QWebSocketServer *m_server = nullptr;
    QList<QWebSocket *> m_peers;
    std::atomic<quint16> m_port{0};
    std::atomic<qint64> m_broadcastNs{-1};
    std::atomic<qint64> m_endedNs{-1};
};

#endif // BASELINESERVER_H
