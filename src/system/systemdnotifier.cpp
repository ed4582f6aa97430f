#include "system/systemdnotifier.h"

#include "system/logging.h"

#ifdef PANEL_HAVE_SYSTEMD
#  include <systemd/sd-daemon.h>
#endif

SystemdNotifier::SystemdNotifier(QObject *parent)
    : QObject(parent)
{
#ifdef PANEL_HAVE_SYSTEMD
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        // Twice per watchdog period, as systemd recommends.
        m_watchdogTimer.setInterval(int(usec / 2000));
        connect(&m_watchdogTimer, &QTimer::timeout, this, &SystemdNotifier::ping);
        qCInfo(lcApp) << "systemd watchdog every" << usec / 1000 << "ms";
    }
#endif
}

void SystemdNotifier::notifyReady()
{
#ifdef PANEL_HAVE_SYSTEMD
    sd_notify(0, "READY=1");
    if (m_watchdogTimer.interval() > 0)
        m_watchdogTimer.start();
#endif
}

void SystemdNotifier::notifyStopping()
{
    m_watchdogTimer.stop();
#ifdef PANEL_HAVE_SYSTEMD
    sd_notify(0, "STOPPING=1");
#endif
}

void SystemdNotifier::ping()
{
#ifdef PANEL_HAVE_SYSTEMD
    sd_notify(0, "WATCHDOG=1");
#endif
}
