#ifndef REJECTIONTRACKER_H
#define REJECTIONTRACKER_H

#include <QElapsedTimer>
#include <QHash>
#include <QTimer>

class WebSocketConnection;

// Keeps the books on the browsers' invalid messages (docs/websocket.md,
// "Invalid input"). Every one is counted; the log gets each browser's first
// few and then a count at most every summaryIntervalMs, so that one browser
// cannot flood it; and a browser that sends too many within a window is
// named for dropping. Dropping it is the caller's job.
class RejectionTracker
{
public:
    struct Limits
    {
        int loggedEach = 3;              // the first ones of each browser: a line each
        int summaryIntervalMs = 10000;   // after that, a count per browser at most this often
        int dropCount = 100;             // more than this many ...
        int dropWindowMs = 10000;        // ... within this time: the browser is dropped
    };

    RejectionTracker();
    Q_DISABLE_COPY_MOVE(RejectionTracker)

    void setLimits(const Limits &limits);

    // A browser whose invalid messages are counted one by one from now on.
    void track(const WebSocketConnection *client);
    // It has gone: what of it is not in the log yet goes there now.
    void forget(const WebSocketConnection *client);

    // Counts one invalid message. True when `client` has now sent more than
    // the limit allows (logged): the caller drops it. Messages of a browser
    // that is not tracked only count towards total().
    bool reject(const WebSocketConnection *client, const char *reason);

    quint64 total() const { return m_total; }

    // Hands back the memory of browsers that have gone.
    void squeeze() { m_records.squeeze(); }

private:
    struct Record
    {
        quint64 rejected = 0;           // its invalid messages
        quint64 unlogged = 0;           // of those, not in the log yet
        const char *lastReason = nullptr;
        qint64 windowStartMs = 0;       // the drop limit's current window
        int windowRejected = 0;
    };

    void logUnlogged(const WebSocketConnection *client, Record &record);
    void logSummaries();

    QHash<const WebSocketConnection *, Record> m_records;
    QElapsedTimer m_clock;
    QTimer m_summaryTimer;
    Limits m_limits;
    quint64 m_total = 0;
};

#endif // REJECTIONTRACKER_H
