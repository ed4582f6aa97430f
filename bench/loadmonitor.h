#ifndef LOADMONITOR_H
#define LOADMONITOR_H

#include <QJsonObject>
#include <QtGlobal>

// How busy the machine was during a scenario apart from the gateway and the
// bench: on a shared machine the latency tail says little without it.
class LoadMonitor
{
public:
    void start(qint64 gatewayPid);
    // {"loadavg", "others_cpu_pct", "steal_pct", "gateway_wait_ms",
    //  "gateway_wait_mean_us", "bench_wait_ms", "bench_wait_mean_us"}
    QJsonObject finish() const;

private:
    struct Snapshot
    {
        qint64 wallNs = 0;
        qint64 busyNs = 0;      // all CPUs, from /proc/stat
        qint64 stealNs = 0;
        qint64 gatewayNs = 0;
        qint64 benchNs = 0;
        qint64 gatewayWaitNs = 0;
        qint64 gatewaySlices = 0;
        qint64 benchWaitNs = 0;
        qint64 benchSlices = 0;
    };
    Snapshot take() const;

    qint64 m_pid = -1;
    Snapshot m_start;
};

#endif // LOADMONITOR_H
