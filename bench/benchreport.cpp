#include "benchreport.h"

#include <QFile>
#include <QSysInfo>
#include <QThread>
#include <QtGlobal>

#include <algorithm>
#include <cmath>

namespace {
struct Target
{
    const char *name;
    const char *path;
    const char *unit;
    double limit;
    double scale;   // from the JSON unit to the shown unit
};

// The targets; the value shown is the median over runs.
const Target kTargets[] = {
    {"press -> play at 1 client, p99", "latency1/latency_ms/play_first/p99", "ms", 1.0, 1},
    {"press -> play at last of 100 clients, p99", "latency100/latency_ms/play_last/p99", "ms", 5.0, 1},
    {"press -> LEDSET, p99", "latency1/latency_ms/ledset/p99", "ms", 0.5, 1},
    {"ended -> LEDCLR, p99", "latency1/latency_ms/ledclr/p99", "ms", 0.5, 1},
    {"burst: lost (LEDSET + play)", "burst/lost_total", "", 0, 1},
    {"burst: reordered", "burst/reordered_total", "", 0, 1},
    {"resident memory idle", "idle/rss_idle_kb", "MB", 20, 1.0 / 1024},
    {"resident memory with 100 clients", "latency100/gateway/rss_clients_max_kb", "MB", 30, 1.0 / 1024},
    {"CPU while idle 10 s", "idle/cpu_ms", "ms", 10, 1},
    {"start-up to healthy, 100 media (median)", "startup/startup_ms/p50", "ms", 150, 1},
    {"press -> LEDSET at 1000 clients, p50", "latency1000/latency_ms/ledset/p50", "ms", 0.5, 1},
    {"resident memory with 1000 clients", "latency1000/gateway/rss_clients_max_kb", "MB", 30, 1.0 / 1024},
    {"CPU with 1000 clients, quiet, per 10 s", "latency1000/quiet/cpu_ms_per_10s", "ms", 50, 1},
};


// Derived numbers the targets refer to, added to each run before medians.
QJsonObject withTotals(QJsonObject run)
{
    if (run.contains(QStringLiteral("burst"))) {
        QJsonObject b = run.value(QStringLiteral("burst")).toObject();
        const QJsonObject lost = b.value(QStringLiteral("lost")).toObject();
        const QJsonObject re = b.value(QStringLiteral("reordered")).toObject();
        if (!lost.isEmpty()) {
            b[QStringLiteral("lost_total")] = lost.value(QStringLiteral("ledset")).toInt()
                + lost.value(QStringLiteral("play")).toInt();
            b[QStringLiteral("reordered_total")] = re.value(QStringLiteral("ledset")).toInt()
                + re.value(QStringLiteral("play")).toInt() + re.value(QStringLiteral("stop_play")).toInt();
        }
        run[QStringLiteral("burst")] = b;
    }
    for (const QString &s : {QStringLiteral("latency1"), QStringLiteral("latency100"),
                             QStringLiteral("latency1000"), QStringLiteral("listeners500")}) {
        if (!run.contains(s))
            continue;
        QJsonObject l = run.value(s).toObject();
        QJsonObject g = l.value(QStringLiteral("gateway")).toObject();
        if (!g.isEmpty()) {
            // The most seen with the clients connected: after connecting,
            // after the presses and after the quiet.
            g[QStringLiteral("rss_clients_max_kb")] =
                std::max({g.value(QStringLiteral("rss_clients_kb")).toDouble(),
                          g.value(QStringLiteral("rss_end_kb")).toDouble(),
                          g.value(QStringLiteral("rss_quiet_kb")).toDouble()});
            l[QStringLiteral("gateway")] = g;
        }
        const QJsonObject lost = l.value(QStringLiteral("lost")).toObject();
        if (!lost.isEmpty())
            l[QStringLiteral("lost_total")] = lost.value(QStringLiteral("ledset")).toInt()
                + lost.value(QStringLiteral("play")).toInt() + lost.value(QStringLiteral("ledclr")).toInt();
        run[s] = l;
    }
    return run;
}
} // namespace

BenchReport::BenchReport(const BenchConfig &config, const QList<QJsonObject> &runs,
                         const QStringList &problems)
    : m_config(config)
    , m_problems(problems)
{
    QList<QJsonValue> values;
    for (const QJsonObject &r : runs) {
        m_runs << withTotals(r);
        values << m_runs.last();
    }
    m_median = medianOf(values).toObject();
}

QJsonValue BenchReport::medianOf(const QList<QJsonValue> &values)
{
    if (values.isEmpty())
        return QJsonValue();
    const QJsonValue &first = values.first();
    if (first.isDouble()) {
        QList<double> xs;
        for (const QJsonValue &v : values)
            if (v.isDouble())
                xs << v.toDouble();
        std::sort(xs.begin(), xs.end());
        const int n = int(xs.size());
        return n % 2 ? xs.at(n / 2) : (xs.at(n / 2 - 1) + xs.at(n / 2)) / 2;
    }
    if (first.isObject()) {
        QJsonObject out;
        const QStringList keys = first.toObject().keys();
        for (const QString &k : keys) {
            QList<QJsonValue> sub;
            for (const QJsonValue &v : values)
                if (v.toObject().contains(k))
                    sub << v.toObject().value(k);
            out[k] = medianOf(sub);
        }
        return out;
    }
    return first;
}

double BenchReport::number(const QString &path) const
{
    QJsonValue v = m_median;
    for (const QString &part : path.split(QLatin1Char('/'))) {
        if (!v.isObject() || !v.toObject().contains(part))
            return std::nan("");
        v = v.toObject().value(part);
    }
    return v.isDouble() ? v.toDouble() : std::nan("");
}

QJsonArray BenchReport::figures() const
{
    QJsonArray out;
    for (const Target &t : kTargets) {
        const double raw = number(QString::fromLatin1(t.path));
        QJsonObject f;
        f[QStringLiteral("figure")] = QString::fromUtf8(t.name);
        f[QStringLiteral("unit")] = QString::fromLatin1(t.unit);
        f[QStringLiteral("target_max")] = t.limit;
        if (std::isnan(raw)) {
            f[QStringLiteral("value")] = QJsonValue();
            f[QStringLiteral("met")] = QJsonValue();
        } else {
            f[QStringLiteral("value")] = raw * t.scale;
            f[QStringLiteral("met")] = raw * t.scale <= t.limit;
        }
        out.append(f);
    }
    return out;
}

QJsonObject BenchReport::machine()
{
    QJsonObject m;
    m[QStringLiteral("host")] = QSysInfo::machineHostName();
    m[QStringLiteral("os")] = QSysInfo::prettyProductName();
    m[QStringLiteral("kernel")] = QSysInfo::kernelVersion();
    m[QStringLiteral("cpus")] = QThread::idealThreadCount();
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    if (cpuinfo.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : cpuinfo.readAll().split('\n')) {
            if (line.startsWith("model name")) {
                m[QStringLiteral("cpu")] = QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
                break;
            }
        }
    }
    m[QStringLiteral("qt")] = QString::fromLatin1(qVersion());
    return m;
}

QJsonObject BenchReport::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("machine")] = machine();
    o[QStringLiteral("config")] = m_config.toJson();
    QJsonArray runs;
    for (const QJsonObject &r : m_runs)
        runs.append(r);
    o[QStringLiteral("runs")] = runs;
    o[QStringLiteral("median")] = m_median;
    o[QStringLiteral("figures")] = figures();
    o[QStringLiteral("problems")] = QJsonArray::fromStringList(m_problems);
    return o;
}

QString BenchReport::table() const
{
    QString t;
    const QJsonObject m = machine();
    t += QStringLiteral("panel-bench on %1: %2, %3 cpus, %4, Qt %5\n")
             .arg(m.value(QStringLiteral("host")).toString(), m.value(QStringLiteral("cpu")).toString())
             .arg(m.value(QStringLiteral("cpus")).toInt())
             .arg(m.value(QStringLiteral("os")).toString(), m.value(QStringLiteral("qt")).toString());
    t += QStringLiteral("server: %1\n").arg(m_config.serverTemplate);
    t += m_runs.size() > 1 ? QStringLiteral("figures: medians of %1 runs\n").arg(m_runs.size())
                           : QStringLiteral("figures: one run\n");
    if (m_config.arrival)
        t += QStringLiteral("WebSocket messages timed by their arrival in the socket (--arrival)\n");

    const QList<int> lw{44, 7, 8, 8, 8, 8, 6};
    auto latencyRow = [&](const QString &label, const QString &base, const QString &lostPath) {
        if (std::isnan(number(base + QStringLiteral("/n"))))
            return;
        t += row({label, formatted(number(base + QStringLiteral("/n")), 0),
                  formatted(number(base + QStringLiteral("/p50"))), formatted(number(base + QStringLiteral("/p90"))),
                  formatted(number(base + QStringLiteral("/p99"))), formatted(number(base + QStringLiteral("/max"))),
                  lostPath.isEmpty() ? QStringLiteral("") : formatted(number(lostPath), 0)},
                 lw);
    };

    auto loadLine = [&](const QString &s) {
        if (std::isnan(number(s + QStringLiteral("/load/loadavg"))))
            return;
        t += QStringLiteral("  machine: load average %1, other processes %2% of all CPUs, steal %3%;"
                            " waiting for a CPU: gateway %4 us, bench %5 us per wake-up\n")
                 .arg(formatted(number(s + QStringLiteral("/load/loadavg")), 2),
                      formatted(number(s + QStringLiteral("/load/others_cpu_pct")), 1),
                      formatted(number(s + QStringLiteral("/load/steal_pct")), 1),
                      formatted(number(s + QStringLiteral("/load/gateway_wait_mean_us")), 0),
                      formatted(number(s + QStringLiteral("/load/bench_wait_mean_us")), 0));
    };

    if (m_median.contains(QStringLiteral("baseline"))) {
        t += QStringLiteral("\nLoopback baseline: the measuring side alone, in-process, every %1 ms (ms)\n")
                 .arg(formatted(number(QStringLiteral("baseline/interval_ms")), 0));
        t += row({QStringLiteral(""), QStringLiteral("n"), QStringLiteral("p50"), QStringLiteral("p90"),
                  QStringLiteral("p99"), QStringLiteral("max"), QStringLiteral("lost")}, lw);
        latencyRow(QStringLiteral("pty write -> LEDSET read"), QStringLiteral("baseline/pty/ledset"),
                   QStringLiteral("baseline/pty/lost"));
        latencyRow(QStringLiteral("ws send -> play at 1 client"), QStringLiteral("baseline/ws1/play_first"),
                   QStringLiteral("baseline/ws1/lost"));
        latencyRow(QStringLiteral("ws send -> play at first of %1").arg(m_config.manyClients),
                   QStringLiteral("baseline/ws_many/play_first"), QStringLiteral("baseline/ws_many/lost"));
        latencyRow(QStringLiteral("ws send -> play at last of %1").arg(m_config.manyClients),
                   QStringLiteral("baseline/ws_many/play_last"), QString());
        latencyRow(QStringLiteral("client send -> server read"),
                   QStringLiteral("baseline/ws1/ended_to_server"), QString());
    }

    for (const QString &s : {QStringLiteral("latency1"), QStringLiteral("latency100"),
                             QStringLiteral("latency1000"), QStringLiteral("listeners500")}) {
        if (!m_median.contains(s))
            continue;
        const int clients = int(number(s + QStringLiteral("/clients")));
        const double listeners = number(s + QStringLiteral("/listeners"));
        t += QStringLiteral("\n%1: %2 client(s)%3, a press every %4 ms (ms)\n")
                 .arg(s).arg(clients)
                 .arg(std::isnan(listeners) ? QString()
                                            : QStringLiteral(" and %1 listeners").arg(formatted(listeners, 0)))
                 .arg(formatted(number(s + QStringLiteral("/interval_ms")), 0));
        t += row({QStringLiteral(""), QStringLiteral("n"), QStringLiteral("p50"), QStringLiteral("p90"),
                  QStringLiteral("p99"), QStringLiteral("max"), QStringLiteral("lost")}, lw);
        latencyRow(QStringLiteral("press -> LEDSET"), s + QStringLiteral("/latency_ms/ledset"),
                   s + QStringLiteral("/lost/ledset"));
        latencyRow(QStringLiteral("press -> play, first client"), s + QStringLiteral("/latency_ms/play_first"),
                   s + QStringLiteral("/lost/play"));
        latencyRow(QStringLiteral("press -> play, last client"), s + QStringLiteral("/latency_ms/play_last"),
                   QString());
        latencyRow(QStringLiteral("press -> play, last listener"), s + QStringLiteral("/latency_ms/listener_last"),
                   QString());
        latencyRow(QStringLiteral("ended -> LEDCLR"), s + QStringLiteral("/latency_ms/ledclr"),
                   s + QStringLiteral("/lost/ledclr"));
        t += QStringLiteral("  gateway: RSS %1 MB idle, %2 MB with clients (%3 KB per client), %4 MB"
                            " at end, peak %5 MB; CPU %6 s for the presses, %7 ms per press\n")
                 .arg(formatted(number(s + QStringLiteral("/gateway/rss_idle_kb")) / 1024, 1),
                      formatted(number(s + QStringLiteral("/gateway/rss_clients_kb")) / 1024, 1),
                      formatted(number(s + QStringLiteral("/gateway/rss_per_client_kb")), 1),
                      formatted(number(s + QStringLiteral("/gateway/rss_end_kb")) / 1024, 1),
                      formatted(number(s + QStringLiteral("/gateway/rss_peak_kb")) / 1024, 1),
                      formatted(number(s + QStringLiteral("/gateway/cpu_run_s")), 3),
                      formatted(number(s + QStringLiteral("/gateway/cpu_per_press_ms")), 3));
        if (!std::isnan(number(s + QStringLiteral("/quiet/seconds")))) {
            t += QStringLiteral("  quiet for %1 s with the clients connected: gateway CPU %2 ms"
                                " (%3 ms per 10 s), %4 wake-ups; RSS %5 MB\n")
                     .arg(formatted(number(s + QStringLiteral("/quiet/seconds")), 1),
                          formatted(number(s + QStringLiteral("/quiet/cpu_ms")), 3),
                          formatted(number(s + QStringLiteral("/quiet/cpu_ms_per_10s")), 3),
                          formatted(number(s + QStringLiteral("/quiet/wakeups")), 0),
                          formatted(number(s + QStringLiteral("/gateway/rss_quiet_kb")) / 1024, 1));
        }
        loadLine(s);
    }

    if (m_median.contains(QStringLiteral("burst"))) {
        t += QStringLiteral("\nburst: %1 presses as fast as the pty takes them, %2 clients (ms)\n")
                 .arg(formatted(number(QStringLiteral("burst/presses")), 0),
                      formatted(number(QStringLiteral("burst/clients")), 0));
        t += row({QStringLiteral(""), QStringLiteral("n"), QStringLiteral("p50"), QStringLiteral("p90"),
                  QStringLiteral("p99"), QStringLiteral("max"), QStringLiteral("lost")}, lw);
        latencyRow(QStringLiteral("press -> LEDSET"), QStringLiteral("burst/latency_ms/ledset"),
                   QStringLiteral("burst/lost/ledset"));
        latencyRow(QStringLiteral("press -> play, last client"), QStringLiteral("burst/latency_ms/play_last"),
                   QStringLiteral("burst/lost/play"));
        t += QStringLiteral("  lost %1, reordered %2, unexpected %3; written in %4 ms, all answered"
                            " after %5 ms; gateway CPU %6 s\n")
                 .arg(formatted(number(QStringLiteral("burst/lost_total")), 0),
                      formatted(number(QStringLiteral("burst/reordered_total")), 0),
                      formatted(number(QStringLiteral("burst/unexpected")), 0),
                      formatted(number(QStringLiteral("burst/write_ms")), 1),
                      formatted(number(QStringLiteral("burst/duration_ms")), 1),
                      formatted(number(QStringLiteral("burst/gateway/cpu_run_s")), 3));
        loadLine(QStringLiteral("burst"));
    }

    if (m_median.contains(QStringLiteral("idle"))) {
        t += QStringLiteral("\nidle: %1 s, panel and one client connected\n")
                 .arg(formatted(number(QStringLiteral("idle/idle_s")), 1));
        t += QStringLiteral("  gateway CPU %1 ms (clock ticks: %2 ms), %3 wake-ups; RSS %4 MB without"
                            " clients, %5 MB with one\n")
                 .arg(formatted(number(QStringLiteral("idle/cpu_ms")), 3),
                      formatted(number(QStringLiteral("idle/cpu_ticks_ms")), 0),
                      formatted(number(QStringLiteral("idle/wakeups")), 0),
                      formatted(number(QStringLiteral("idle/rss_idle_kb")) / 1024, 1),
                      formatted(number(QStringLiteral("idle/rss_client_kb")) / 1024, 1));
        loadLine(QStringLiteral("idle"));
    }

    if (m_median.contains(QStringLiteral("startup"))) {
        t += QStringLiteral("\nstartup: exec -> first 200 from /health, %1 media, %2 starts\n")
                 .arg(formatted(number(QStringLiteral("startup/media_count")), 0),
                      formatted(number(QStringLiteral("startup/runs")), 0));
        t += QStringLiteral("  median %1 ms, min %2 ms, max %3 ms; RSS when healthy %4 MB\n")
                 .arg(formatted(number(QStringLiteral("startup/startup_ms/p50")), 1),
                      formatted(number(QStringLiteral("startup/startup_ms/min")), 1),
                      formatted(number(QStringLiteral("startup/startup_ms/max")), 1),
                      formatted(number(QStringLiteral("startup/rss_healthy_kb")) / 1024, 1));
        loadLine(QStringLiteral("startup"));
    }

    if (m_median.contains(QStringLiteral("download"))) {
        t += QStringLiteral("\ndownload: /media/000.mp3 of %1 MB by %2 clients at once\n")
                 .arg(formatted(number(QStringLiteral("download/file_bytes")) / 1048576, 0),
                      formatted(number(QStringLiteral("download/clients")), 0));
        t += QStringLiteral("  %1 complete, %2 failed, %3 ms (%4 MB/s); gateway RSS %5 MB idle,"
                            " %6 MB peak (sampled every 5 ms), high-water mark %7 MB\n")
                 .arg(formatted(number(QStringLiteral("download/ok")), 0),
                      formatted(number(QStringLiteral("download/failed")), 0),
                      formatted(number(QStringLiteral("download/duration_ms")), 0),
                      formatted(number(QStringLiteral("download/mb_per_s")), 0),
                      formatted(number(QStringLiteral("download/rss_idle_kb")) / 1024, 1),
                      formatted(number(QStringLiteral("download/rss_peak_sampled_kb")) / 1024, 1),
                      formatted(number(QStringLiteral("download/gateway/rss_peak_kb")) / 1024, 1));
        loadLine(QStringLiteral("download"));
    }

    t += QStringLiteral("\nTargets\n");
    const QList<int> tw{44, 10, 10, 6};
    t += row({QStringLiteral("figure"), QStringLiteral("value"), QStringLiteral("target"),
              QStringLiteral("")}, tw);
    for (const QJsonValue &v : figures()) {
        const QJsonObject f = v.toObject();
        const QString unit = f.value(QStringLiteral("unit")).toString();
        const bool missing = f.value(QStringLiteral("value")).isNull();
        const int prec = unit == QLatin1String("ms") ? 3 : unit.isEmpty() ? 0 : 1;
        t += row({f.value(QStringLiteral("figure")).toString(),
                  missing ? QStringLiteral("-")
                          : formatted(f.value(QStringLiteral("value")).toDouble(), prec) + QLatin1Char(' ') + unit,
                  QStringLiteral("<= ") + formatted(f.value(QStringLiteral("target_max")).toDouble(),
                                              unit.isEmpty() ? 0 : 1) + QLatin1Char(' ') + unit,
                  missing ? QStringLiteral("n/a")
                          : f.value(QStringLiteral("met")).toBool() ? QStringLiteral("met")
                                                                   : QStringLiteral("MISSED")},
                 tw);
    }
    if (!m_problems.isEmpty()) {
        t += QStringLiteral("\nProblems\n");
        for (const QString &p : m_problems)
            t += QStringLiteral("  ") + p + QLatin1Char('\n');
    }
    return t;
}

QString BenchReport::formatted(double value, int precision)
{
    return std::isnan(value) ? QStringLiteral("-") : QString::number(value, 'f', precision);
}

QString BenchReport::row(const QStringList &cells, const QList<int> &widths)
{
    QString line;
    for (int i = 0; i < cells.size(); ++i) {
        const int w = widths.value(i, 10);
        line += i == 0 ? cells.at(i).leftJustified(w) : cells.at(i).rightJustified(w);
        line += QLatin1Char(' ');
    }
    while (line.endsWith(QLatin1Char(' ')))
        line.chop(1);
    return line + QLatin1Char('\n');
}
