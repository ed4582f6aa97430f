#include "loadmonitor.h"

#include "monoclock.h"
#include "procstats.h"

#include <QCoreApplication>
#include <QFile>
#include <QList>
#include <QThread>

#include <unistd.h>

LoadMonitor::Snapshot LoadMonitor::take() const
{
    Snapshot s;
    s.wallNs = MonoClock::nowNs();
    QFile stat(QStringLiteral("/proc/stat"));
    if (stat.open(QIODevice::ReadOnly)) {
        // cpu user nice system idle iowait irq softirq steal guest guest_nice
        const QList<QByteArray> f = stat.readLine().simplified().split(' ');
        const long hz = sysconf(_SC_CLK_TCK);
        const qint64 tick = 1000000000LL / (hz > 0 ? hz : 100);
        if (f.size() > 8) {
            const qint64 busy = f.at(1).toLongLong() + f.at(2).toLongLong() + f.at(3).toLongLong()
                + f.at(6).toLongLong() + f.at(7).toLongLong();
            s.busyNs = busy * tick;
            s.stealNs = f.at(8).toLongLong() * tick;
        }
    }
    s.gatewayNs = ProcStats::cpuTicksNs(m_pid);
    s.benchNs = ProcStats::cpuTicksNs(QCoreApplication::applicationPid());
    s.gatewayWaitNs = ProcStats::runQueueWaitNs(m_pid);
    s.gatewaySlices = ProcStats::timeslices(m_pid);
    s.benchWaitNs = ProcStats::runQueueWaitNs(QCoreApplication::applicationPid());
    s.benchSlices = ProcStats::timeslices(QCoreApplication::applicationPid());
    return s;
}

void LoadMonitor::start(qint64 gatewayPid)
{
    m_pid = gatewayPid;
    m_start = take();
}

QJsonObject LoadMonitor::finish() const
{
    const Snapshot end = take();
    QJsonObject o;
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    if (loadavg.open(QIODevice::ReadOnly))
        o[QStringLiteral("loadavg")] = loadavg.readAll().split(' ').value(0).toDouble();
    const double capacity = double(end.wallNs - m_start.wallNs) * QThread::idealThreadCount();
    if (capacity > 0) {
        const qint64 others = (end.busyNs - m_start.busyNs) - (end.gatewayNs - m_start.gatewayNs)
            - (end.benchNs - m_start.benchNs);
        o[QStringLiteral("others_cpu_pct")] = qMax(0.0, 100.0 * double(others) / capacity);
        o[QStringLiteral("steal_pct")] = 100.0 * double(end.stealNs - m_start.stealNs) / capacity;
    }
    // Waiting for a CPU while runnable: what a busy machine adds to every
    // latency, on either side.
    const auto wait = [&](const char *key, qint64 ns0, qint64 ns1, qint64 n0, qint64 n1) {
        if (ns0 < 0 || ns1 < 0)
            return;
        o[QLatin1String(key) + QStringLiteral("_wait_ms")] = double(ns1 - ns0) / 1e6;
        if (n1 > n0)
            o[QLatin1String(key) + QStringLiteral("_wait_mean_us")] = double(ns1 - ns0) / double(n1 - n0) / 1e3;
    };
    wait("gateway", m_start.gatewayWaitNs, end.gatewayWaitNs, m_start.gatewaySlices, end.gatewaySlices);
    wait("bench", m_start.benchWaitNs, end.benchWaitNs, m_start.benchSlices, end.benchSlices);
    return o;
}
