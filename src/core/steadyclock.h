#ifndef STEADYCLOCK_H
#define STEADYCLOCK_H

#include "core/clock.h"

#include <QElapsedTimer>

// The real clock: QElapsedTimer's monotonic time and QTimer alarms on the
// event loop of the thread that creates them.
class SteadyClock : public Clock
{
public:
    SteadyClock();

    qint64 nowMs() const override;
    std::unique_ptr<Alarm> createAlarm(std::function<void()> callback) override;

private:
    QElapsedTimer m_elapsed;
};

#endif // STEADYCLOCK_H
