#ifndef VIRTUALCLOCK_H
#define VIRTUALCLOCK_H

#include "core/clock.h"

#include <QList>

// Time that moves only when the test says so: advance() runs every alarm
// that falls due on the way, in order, each at its own instant.
class VirtualClock : public Clock
{
public:
    qint64 nowMs() const override { return m_now; }
    std::unique_ptr<Alarm> createAlarm(std::function<void()> callback) override;

    // Wall-clock time moves with advance(); setWallMs() sets it, as NTP or
    // an operator might, without moving the monotonic time or any alarm.
    qint64 wallMs() const override { return m_now + m_wallOffset; }
    void setWallMs(qint64 ms) { m_wallOffset = ms - m_now; }

    void advance(qint64 ms);

private:
    class VirtualAlarm;
    friend class VirtualAlarm;

    qint64 m_now = 1000000; // not 0: a policy must not take 0 for "never"
    QList<VirtualAlarm *> m_alarms;
    qint64 m_wallOffset = 0;
};

#endif // VIRTUALCLOCK_H
