#ifndef SYSTEMDNOTIFIER_H
#define SYSTEMDNOTIFIER_H

#include <QObject>
#include <QTimer>

// Tells systemd when the gateway is ready and, when the unit asks for a
// watchdog, that its event loop still turns. Does nothing outside systemd.
class SystemdNotifier : public QObject
{
    Q_OBJECT

public:
    explicit SystemdNotifier(QObject *parent = nullptr);

    void notifyReady();
    void notifyStopping();

private:
    void ping();

    QTimer m_watchdogTimer;
};

#endif // SYSTEMDNOTIFIER_H
