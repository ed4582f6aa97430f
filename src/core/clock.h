#ifndef CLOCK_H
#define CLOCK_H

#include "core/alarm.h"

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
};

#endif // CLOCK_H
