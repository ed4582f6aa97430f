#ifndef LOGTHROTTLE_H
#define LOGTHROTTLE_H

#include <QTimer>

#include <chrono>
#include <functional>

// Keeps a per-event log line from flooding the journal: the first `burst`
// events of a kind are logged one by one; after that, one summary per
// `interval` says how many more there were. A quiet interval starts afresh.
// Counting stays with the caller and stays exact; only the logging thins out.
class LogThrottle
{
public:
    // Called at the end of an interval in which events were held back.
    using Summary = std::function<void(quint64 heldBack)>;

    LogThrottle(int burst, std::chrono::milliseconds interval, Summary summary);
    Q_DISABLE_COPY_MOVE(LogThrottle)

    // Notes one event; true when it should be logged on its own.
    bool allow();

    // No interval running: the next event is logged on its own.
    bool isIdle() const { return !m_timer.isActive(); }

private:
    void endInterval();

    Summary m_summary;
    QTimer m_timer;
    int m_burst;
    int m_logged = 0;
    quint64 m_heldBack = 0;
};

#endif // LOGTHROTTLE_H
