#ifndef UNIXSIGNALWATCHER_H
#define UNIXSIGNALWATCHER_H

#include <QObject>
#include <QSocketNotifier>

// Turns SIGTERM and SIGINT into a Qt signal through a socket pair, the
// pattern Qt documents for Unix signals: the handler only writes a byte,
// everything else runs in the event loop. systemd's stop then takes
// milliseconds and destructors run.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signalNumber);

private:
    void onActivated();
    static void handle(int signalNumber);

    static int s_fds[2]; // the handler can reach nothing else
    QSocketNotifier *m_notifier = nullptr;
};

#endif // UNIXSIGNALWATCHER_H
