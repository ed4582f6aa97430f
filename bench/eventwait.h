#ifndef EVENTWAIT_H
#define EVENTWAIT_H

#include <QList>
#include <QObject>

class ProgressSource;

#include <functional>

// Runs the event loop until a condition holds, re-checking it whenever one
// of the watched objects emits progress(); every wait has a time limit.
class EventWait : public QObject
{
    Q_OBJECT

public:
    // True when done() held before timeoutMs ran out.
    static bool until(const std::function<bool()> &done, int timeoutMs,
                      const QList<ProgressSource *> &watched);
    // Lets the event loop run up to a point in time (pacing, idle periods).
    static void untilNs(qint64 deadlineNs);
    static void forMs(int ms);

private:
    EventWait(const std::function<bool()> &done, QObject *loop);

private:
    void check();

    std::function<bool()> m_done;
    QObject *m_loop;
};

#endif // EVENTWAIT_H
