#ifndef UNIXSIGNALWATCHER_H
#define UNIXSIGNALWATCHER_H

#include <QObject>
#include <QSocketNotifier>

// Turns Unix signals into Qt signals through a socket pair, the pattern Qt
// documents for Unix signals: the handler only writes a byte, everything else
// runs in the event loop. systemd's stop then takes milliseconds and
// destructors run. The meaning of each signal: README.md, "Signals".
// SIGPIPE is ignored: a peer gone mid-write is an error to handle, not a reason to die.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    // SIGTERM, SIGINT or SIGQUIT: stop cleanly.
    void terminationRequested(int signalNumber);
    // SIGHUP: read the configuration again and rescan the media.
    void reloadRequested();
    // SIGUSR1: log the current state.
    void statusRequested();

private:
    void onActivated();
    static void handle(int signalNumber);

    static int s_fds[2]; // the handler can reach nothing else
    QSocketNotifier *m_notifier = nullptr;
};

#endif // UNIXSIGNALWATCHER_H
