#include "eventwait.h"

#include "monoclock.h"
#include "progresssource.h"

#include <QEventLoop>
#include <QTimer>

EventWait::EventWait(const std::function<bool()> &done, QObject *loop)
    : m_done(done)
    , m_loop(loop)
{
}

void EventWait::check()
{
    if (m_done())
        static_cast<QEventLoop *>(m_loop)->quit();
}

bool EventWait::until(const std::function<bool()> &done, int timeoutMs,
                      const QList<ProgressSource *> &watched)
{
    if (done())
        return true;
    QEventLoop loop;
    EventWait checker(done, &loop);
    for (ProgressSource *source : watched)
        connect(source, &ProgressSource::progress, &checker, &EventWait::check);
    QTimer timer;
    timer.setSingleShot(true);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    return done();
}

void EventWait::untilNs(qint64 deadlineNs)
{
    const qint64 left = deadlineNs - MonoClock::nowNs();
    if (left <= 0)
        return;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    timer.setTimerType(Qt::PreciseTimer);
    connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    // Whole milliseconds from the timer, then the rest is not worth a spin.
    timer.start(int((left + 999999) / 1000000));
    loop.exec();
}

void EventWait::forMs(int ms)
{
    untilNs(MonoClock::nowNs() + qint64(ms) * 1000000);
}
