#pragma once

#include <QList>
#include <QObject>

#include <functional>

// Runs the event loop until a condition holds, re-checking it whenever one
// of the watched objects emits progress(); every wait has a time limit.
class EventWait : public QObject
{
    Q_OBJECT

public:
    // True when done() held before timeoutMs ran out.
    static bool until(const std::function<bool()> &done, int timeoutMs,
                      const QList<QObject *> &watched);
    // Lets the event loop run up to a point in time (pacing, idle periods).
    static void untilNs(qint64 deadlineNs);
    static void forMs(int ms);

private:
    EventWait(const std::function<bool()> &done, QObject *loop);

private Q_SLOTS:
    void check();

private:
    std::function<bool()> m_done;
    QObject *m_loop;
};
