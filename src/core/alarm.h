#ifndef ALARM_H
#define ALARM_H

#include <QtGlobal>

// A one-shot timer as PanelController sees it (Clock::createAlarm). Behind it
// is a QTimer in the gateway and a virtual clock in the unit tests.
class Alarm
{
public:
    virtual ~Alarm() = default;

    // Calls back once, `delayMs` from now; an earlier start is forgotten.
    virtual void start(qint64 delayMs) = 0;
    virtual void cancel() = 0;
    virtual bool isActive() const = 0;
};

#endif // ALARM_H
