#include "core/steadyclock.h"

#include <QTimer>

#include <algorithm>
#include <limits>

namespace {

class TimerAlarm : public Alarm
{
public:
    explicit TimerAlarm(std::function<void()> callback)
    {
        m_timer.setSingleShot(true);
        // A sound's end is due to the millisecond, not to the 5% Qt allows a coarse timer.
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, &m_timer, std::move(callback));
    }

    void start(qint64 delayMs) override
    {
        m_timer.start(int(std::clamp<qint64>(delayMs, 0, std::numeric_limits<int>::max())));
    }
    void cancel() override { m_timer.stop(); }
    bool isActive() const override { return m_timer.isActive(); }

private:
    QTimer m_timer;
};

} // namespace

SteadyClock::SteadyClock()
{
    m_elapsed.start();
}

qint64 SteadyClock::nowMs() const
{
    return m_elapsed.elapsed();
}

std::unique_ptr<Alarm> SteadyClock::createAlarm(std::function<void()> callback)
{
    return std::make_unique<TimerAlarm>(std::move(callback));
}
