#ifndef CLOCK_H
#define CLOCK_H

#include "core/alarm.h"

#include <QDateTime>

#include <functional>
#include <memory>

// Time as PanelController sees it: a monotonic now() and alarms. The gateway
// runs on SteadyClock; the unit tests run the same policy in virtual time
// (docs/architecture.md, "Time").
class Clock
{
public:
    virtual ~Clock() = default;

    // Milliseconds from an arbitrary start; never goes back.
    virtual qint64 nowMs() const = 0;
    // An alarm that calls `callback` on this clock's time.
    virtual std::unique_ptr<Alarm> createAlarm(std::function<void()> callback) = 0;
    // Wall-clock time, ms since 1970 UTC, for the opening hours; unlike
    // nowMs() it may jump either way (NTP, an operator).
    virtual qint64 wallMs() const { return QDateTime::currentMSecsSinceEpoch(); }
};

#endif // CLOCK_H
