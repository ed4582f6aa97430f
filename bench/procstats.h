#ifndef PROCSTATS_H
#define PROCSTATS_H

#include <QByteArray>
#include <QList>
#include <QtGlobal>

// Reads a process's memory and CPU figures from /proc. All calls return -1
// when the process is gone or the file cannot be read.
class ProcStats
{
public:
    static qint64 rssKb(qint64 pid);       // VmRSS
    static qint64 peakRssKb(qint64 pid);   // VmHWM, the kernel's high-water mark
    // CPU time of all live threads in ns (schedstat), or from utime+stime
    // at clock-tick resolution when schedstat is missing.
    static qint64 cpuNs(qint64 pid);
    static qint64 cpuTicksNs(qint64 pid);  // utime+stime from /proc/PID/stat
    // Time the live threads spent runnable but waiting for a CPU, and how
    // many times they were put on one (schedstat fields 2 and 3).
    static qint64 runQueueWaitNs(qint64 pid);
    static qint64 timeslices(qint64 pid);
    static int threadCount(qint64 pid);
    // Voluntary + involuntary context switches of all live threads: each
    // wake-up of an idle process counts one.
    static qint64 contextSwitches(qint64 pid);

private:
    static QByteArray readSmall(const QByteArray &path);
    static qint64 statusFieldKb(qint64 pid, const char *field);
    static qint64 schedstatSum(qint64 pid, int field);
    // The contents of /proc/<pid>/task/<tid>/<file> for every thread.
    static QList<QByteArray> readPerThread(qint64 pid, const QString &file);
};

#endif // PROCSTATS_H
