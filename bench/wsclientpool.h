#ifndef WSCLIENTPOOL_H
#define WSCLIENTPOOL_H

#include "progresssource.h"

#include <QUrl>
#include <QVector>

class QWebSocket;

// N WebSocket clients in this thread, standing in for the browsers. Each
// message is timestamped first and classified with a cheap scan, so that the
// hundredth client's timestamp is not delayed by JSON parsing of the others.
class WsClientPool : public ProgressSource
{
    Q_OBJECT

public:
    struct Play
    {
        int id;
        qint64 ns;
    };

    explicit WsClientPool(QObject *parent = nullptr);
    ~WsClientPool() override;

    void open(const QUrl &url, int count);
    void closeAll();
    int size() const { return m_clients.size(); }
    int connectedCount() const { return m_connected; }
    int readyCount() const { return m_ready; }       // got their first message
    int failedCount() const { return m_failed; }     // errors and disconnects

    // Emits progress() once the number of plays received by all clients
    // together reaches this total.
    void setPlayTarget(qint64 total) { m_playTarget = total; }
    qint64 playTotal() const { return m_playTotal; }
    const QVector<Play> &plays(int client) const;
    int orderErrors(int client) const;    // a play not preceded by its stop
    void clearPlays();

    // Sends {"type":"ended","id":id} from one client and flushes it to the
    // socket; returns the timestamp taken right before sending.
    qint64 sendEnded(int client, int id);
    // Sends any text (for the baseline echo).
    qint64 sendText(int client, const QString &text);

    // Extracts "type" and "id" from one JSON object without a full parse.
    static QStringView typeOf(QStringView msg);
    static int idOf(QStringView msg);

private:
    struct Client
    {
        QWebSocket *socket = nullptr;
        QVector<Play> plays;
        bool stopSeen = false;
        bool ready = false;
        bool failed = false;
        int orderErrors = 0;
    };

    void onMessage(int index, const QString &msg);
    void onFailed(int index);

    QVector<Client> m_clients;
    int m_connected = 0;
    int m_ready = 0;
    int m_failed = 0;
    qint64 m_playTotal = 0;
    qint64 m_playTarget = -1;
};

#endif // WSCLIENTPOOL_H
