#include "virtualclock.h"

#include <optional>

class VirtualClock::VirtualAlarm : public Alarm
{
public:
    VirtualAlarm(VirtualClock *clock, std::function<void()> callback)
        : m_clock(clock), m_callback(std::move(callback))
    {
        m_clock->m_alarms.append(this);
    }
    ~VirtualAlarm() override { m_clock->m_alarms.removeOne(this); }

    void start(qint64 delayMs) override { m_due = m_clock->m_now + std::max<qint64>(0, delayMs); }
    void cancel() override { m_due.reset(); }
    bool isActive() const override { return m_due.has_value(); }

    std::optional<qint64> due() const { return m_due; }
    void fire()
    {
        m_due.reset();
        m_callback();
    }

private:
    VirtualClock *m_clock;
    std::function<void()> m_callback;
    std::optional<qint64> m_due;
};

std::unique_ptr<Alarm> VirtualClock::createAlarm(std::function<void()> callback)
{
    return std::make_unique<VirtualAlarm>(this, std::move(callback));
}

void VirtualClock::advance(qint64 ms)
{
    const qint64 target = m_now + ms;
    for (;;) {
        VirtualAlarm *next = nullptr;
        for (VirtualAlarm *alarm : std::as_const(m_alarms)) {
            if (alarm->due() && *alarm->due() <= target && (!next || *alarm->due() < *next->due()))
                next = alarm;
        }
        if (!next)
            break;
        m_now = *next->due();
        next->fire();
    }
    m_now = target;
}
