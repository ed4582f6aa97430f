#ifndef WSCLIENTPOOL_H
#define WSCLIENTPOOL_H

#include "progresssource.h"
#include "wsframereader.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QUrl>
#include <QVector>

#include <sys/types.h>

class QSocketNotifier;

// N WebSocket clients in this thread, standing in for the browsers. Each
// message is timestamped first and classified with a cheap scan, so that the
// hundredth client's timestamp is not delayed by JSON parsing of the others.
//
// The clients are plain non-blocking TCP sockets that speak just the client
// side of RFC 6455, all watched through one epoll descriptor: the event loop
// polls one descriptor however many clients there are, and a message costs
// one read() and a scan of its bytes. With one QWebSocket per client the
// bench itself needed milliseconds to receive a broadcast to a thousand
// clients, and measured itself rather than the gateway. Linux only.
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
    // At most this many ready sockets read before the event loop gets its
    // turn again (0: all that are ready, the default). A pool of many
    // clients that shares the bench's thread with the one being timed reads
    // a few at a time, so the timed one is not read last.
    void setEventsPerPass(int events) { m_eventsPerPass = events; }
    // Messages stamped with the kernel's time of their arrival in the
    // socket (SO_TIMESTAMPNS) rather than the time the bench read them.
    // Before open().
    void setArrivalStamps(bool on) { m_arrivalStamps = on; }
    // Reads that came without the asked-for arrival stamp, timed when read.
    quint64 unstampedReads() const { return m_unstampedReads; }
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
    // The same on the UTF-8 bytes of a message.
    static QByteArrayView typeOf(QByteArrayView msg);
    static int idOf(QByteArrayView msg);

private:
    enum class Stage { Connecting, Handshake, Open, Closed };

    struct Client
    {
        int fd = -1;
        Stage stage = Stage::Closed;
        quint32 watched = 0;       // epoll events asked for
        QByteArray accept;         // Sec-WebSocket-Accept to expect
        QByteArray unsent;         // what the socket did not take yet
        WsFrameReader reader;
        QVector<Play> plays;
        bool stopSeen = false;
        bool ready = false;
        bool failed = false;
        int orderErrors = 0;
    };

    void onEpollReady();
    void onWritable(int index);
    void onReadable(int index);
    static ssize_t readStamped(int fd, char *buffer, qsizetype size, qint64 *arrivedNs);
    bool finishHandshake(int index);
    void onMessage(int index, QByteArrayView msg, qint64 ns);
    void sendFrame(int index, int opcode, QByteArrayView payload);
    void flush(int index);
    void watch(int index, quint32 events);
    void onFailed(int index, const char *why = nullptr);

    int m_epoll = -1;
    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_frame;            // scratch for outgoing frames
    quint64 m_generation = 0;      // changes at closeAll()
    bool m_failureLogged = false;
    QVector<Client> m_clients;
    int m_connected = 0;
    int m_ready = 0;
    int m_failed = 0;
    qint64 m_playTotal = 0;
    qint64 m_playTarget = -1;
    int m_eventsPerPass = 0;
    bool m_arrivalStamps = false;
    quint64 m_unstampedReads = 0;
};

#endif // WSCLIENTPOOL_H
