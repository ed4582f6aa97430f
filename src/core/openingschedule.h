#ifndef OPENINGSCHEDULE_H
#define OPENINGSCHEDULE_H

#include "system/openinghours.h"

#include <functional>
#include <memory>

class Alarm;
class Clock;

// Keeps PanelController's idea of whether the exhibit is open in step with
// the wall clock and the opening hours (docs/architecture.md, "Opening
// hours"). The alarms run on the monotonic clock while the hours are in wall
// time, and wall time may jump (NTP after boot on a Pi without a real-time
// clock): so the state is worked out again from the wall clock at each
// computed change, at least once a minute, and whenever asked (a press).
class OpeningSchedule
{
public:
    // `changed(open)` is called on each change, from setHours or refresh.
    OpeningSchedule(Clock *clock, std::function<void(bool open)> changed);
    ~OpeningSchedule();

    // Applies at once: the state is worked out again (and may change).
    void setHours(const OpeningHours &hours);
    const OpeningHours &hours() const { return m_hours; }

    // As of the last look at the wall clock.
    bool isOpen() const { return m_open; }
    // The next change in the hours' zone; invalid when always open.
    QDateTime nextChange() const { return m_nextChange; }

    // Looks at the wall clock now; returns isOpen().
    bool refresh();

private:
    Clock *m_clock;
    std::function<void(bool)> m_changed;
    std::unique_ptr<Alarm> m_alarm;
    OpeningHours m_hours;
    bool m_open = true;
    QDateTime m_nextChange;
};

#endif // OPENINGSCHEDULE_H
