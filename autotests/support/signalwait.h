#ifndef SIGNALWAIT_H
#define SIGNALWAIT_H

#include <QEventLoop>
#include <QObject>
#include <QTimer>

// QSignalSpy::wait() without QtTest, which panel-bench does not link: runs
// the event loop until `signal` is emitted or `timeoutMs` have passed.
class SignalWait
{
public:
    // True when the signal was emitted in time.
    template<typename Sender, typename Signal>
    static bool wait(const Sender *sender, Signal signal, int timeoutMs)
    {
        QEventLoop loop;
        bool emitted = false;
        QObject::connect(sender, signal, &loop, [&emitted, &loop] {
            emitted = true;
            loop.quit();
        });
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        loop.exec();
        return emitted;
    }
};

#endif // SIGNALWAIT_H
