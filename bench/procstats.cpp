#include "procstats.h"

#include <QDir>
#include <QFile>
#include <QList>

#include <fcntl.h>
#include <unistd.h>

QByteArray ProcStats::readSmall(const QByteArray &path)
{
    // Plain read(2): cheap enough to be sampled every few milliseconds.
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return QByteArray();
    QByteArray out;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0)
            break;
        out.append(buf, int(n));
    }
    ::close(fd);
    return out;
}

qint64 ProcStats::statusFieldKb(qint64 pid, const char *field)
{
    const QByteArray text = readSmall("/proc/" + QByteArray::number(pid) + "/status");
    const QByteArray key = QByteArray(field) + ':';
    const int at = text.indexOf(key);
    if (at < 0)
        return -1;
    const int end = text.indexOf('\n', at);
    const QByteArray value = text.mid(at + key.size(), end < 0 ? -1 : end - at - key.size())
                                 .trimmed();
    // "12345 kB"
    bool ok = false;
    const qint64 kb = value.split(' ').value(0).toLongLong(&ok);
    return ok ? kb : -1;
}

qint64 ProcStats::rssKb(qint64 pid)
{
    return statusFieldKb(pid, "VmRSS");
}

qint64 ProcStats::peakRssKb(qint64 pid)
{
    return statusFieldKb(pid, "VmHWM");
}

qint64 ProcStats::cpuTicksNs(qint64 pid)
{
    const QByteArray text = readSmall("/proc/" + QByteArray::number(pid) + "/stat");
    // The command name may hold spaces: count fields after its closing paren.
    const int paren = text.lastIndexOf(')');
    if (paren < 0)
        return -1;
    const QList<QByteArray> fields = text.mid(paren + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are 11 and 12 after the paren.
    if (fields.size() < 13)
        return -1;
    const qint64 ticks = fields.at(11).toLongLong() + fields.at(12).toLongLong();
    const long hz = sysconf(_SC_CLK_TCK);
    return ticks * (1000000000LL / (hz > 0 ? hz : 100));
}

QList<QByteArray> ProcStats::readPerThread(qint64 pid, const QString &file)
{
    const QString taskDir = QStringLiteral("/proc/%1/task").arg(pid);
    const QStringList tids = QDir(taskDir).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    QList<QByteArray> texts;
    for (const QString &tid : tids)
        texts.append(readSmall(QFile::encodeName(taskDir + QLatin1Char('/') + tid + QLatin1Char('/') + file)));
    return texts;
}

qint64 ProcStats::schedstatSum(qint64 pid, int field)
{
    const QList<QByteArray> texts = readPerThread(pid, QStringLiteral("schedstat"));
    if (texts.isEmpty())
        return -1;
    qint64 sum = 0;
    for (const QByteArray &text : texts) {
        bool ok = false;
        const qint64 value = text.trimmed().split(' ').value(field).toLongLong(&ok);
        if (!ok)
            return -1;
        sum += value;
    }
    return sum;
}

qint64 ProcStats::cpuNs(qint64 pid)
{
    const qint64 ns = schedstatSum(pid, 0);
    return ns >= 0 ? ns : cpuTicksNs(pid);
}

qint64 ProcStats::runQueueWaitNs(qint64 pid)
{
    return schedstatSum(pid, 1);
}

qint64 ProcStats::timeslices(qint64 pid)
{
    return schedstatSum(pid, 2);
}

int ProcStats::threadCount(qint64 pid)
{
    return int(statusFieldKb(pid, "Threads"));
}

qint64 ProcStats::contextSwitches(qint64 pid)
{
    const QList<QByteArray> texts = readPerThread(pid, QStringLiteral("status"));
    if (texts.isEmpty())
        return -1;
    qint64 sum = 0;
    for (const QByteArray &text : texts) {
        for (const char *key : {"voluntary_ctxt_switches:", "nonvoluntary_ctxt_switches:"}) {
            int at = text.indexOf(key);
            // "nonvoluntary_" also contains "voluntary_": match at a line start.
            while (at > 0 && text.at(at - 1) != '\n')
                at = text.indexOf(key, at + 1);
            if (at < 0)
                continue;
            const int end = text.indexOf('\n', at);
            sum += text.mid(at + int(qstrlen(key)), end - at - int(qstrlen(key))).trimmed().toLongLong();
        }
    }
    return sum;
}
