#include "comparereport.h"

#include <cmath>

namespace {

// The targets for the large scenario, set against the gateway
// compared with (B) where a ratio is the target.
struct CompareTarget
{
    enum Kind { ValueOfA, RatioAB };
    const char *name;
    Kind kind;
    const char *path;
    const char *unit;
    double limit;
    double scale;   // from the JSON unit to the shown unit
};

const CompareTarget kTargets[] = {
    {"CPU per press", CompareTarget::RatioAB, "latency1000/gateway/cpu_per_press_ms", "ms", 0.25, 1},
    {"press -> play at last client, p50", CompareTarget::RatioAB,
     "latency1000/latency_ms/play_last/p50", "ms", 0.5, 1},
    {"resident memory with the clients", CompareTarget::ValueOfA,
     "latency1000/gateway/rss_clients_max_kb", "MB", 30, 1.0 / 1024},
    {"resident memory with the clients, B's", CompareTarget::RatioAB,
     "latency1000/gateway/rss_clients_max_kb", "MB", 1.0, 1.0 / 1024},
    {"press -> LEDSET, p50", CompareTarget::ValueOfA, "latency1000/latency_ms/ledset/p50", "ms", 0.5, 1},
    {"CPU quiet with the clients, per 10 s", CompareTarget::ValueOfA,
     "latency1000/quiet/cpu_ms_per_10s", "ms", 50, 1},
};


double ratio(double a, double b)
{
    return std::isnan(a) || std::isnan(b) || b == 0 ? std::nan("") : a / b;
}

QJsonValue orNull(double v)
{
    return std::isnan(v) ? QJsonValue() : QJsonValue(v);
}

} // namespace

CompareReport::CompareReport(const BenchConfig &config, const QList<QJsonObject> &runsA,
                             const QList<QJsonObject> &runsB, const QStringList &problems)
    : m_config(config)
    , m_a(config, runsA, {})
    , m_b(config, runsB, {})
    , m_problems(problems)
{
}

QJsonValue CompareReport::ratios(const QJsonValue &a, const QJsonValue &b)
{
    if (a.isDouble())
        return b.isDouble() ? orNull(ratio(a.toDouble(), b.toDouble())) : QJsonValue();
    if (!a.isObject() || !b.isObject())
        return QJsonValue();
    const QJsonObject ao = a.toObject();
    const QJsonObject bo = b.toObject();
    QJsonObject out;
    for (auto it = ao.begin(); it != ao.end(); ++it) {
        if (!bo.contains(it.key()) || !(it.value().isDouble() || it.value().isObject()))
            continue;
        const QJsonValue r = ratios(it.value(), bo.value(it.key()));
        if (!r.isObject() || !r.toObject().isEmpty())
            out[it.key()] = r;
    }
    return out;
}

QString CompareReport::unavailable(const BenchReport &side, const QString &scenario)
{
    for (const QJsonObject &run : side.runs()) {
        const QString why = run.value(scenario).toObject().value(QStringLiteral("unavailable")).toString();
        if (!why.isEmpty())
            return why;
    }
    return QString();
}

QJsonArray CompareReport::targets() const
{
    QJsonArray out;
    for (const CompareTarget &t : kTargets) {
        const QString path = QString::fromLatin1(t.path);
        const double a = m_a.number(path) * t.scale;
        const double b = m_b.number(path) * t.scale;
        const bool ofRatio = t.kind == CompareTarget::RatioAB;
        const double value = ofRatio ? ratio(a, b) : a;
        QJsonObject f;
        f[QStringLiteral("figure")] = QString::fromUtf8(t.name);
        f[QStringLiteral("unit")] = QString::fromLatin1(t.unit);
        f[QStringLiteral("a")] = orNull(a);
        f[QStringLiteral("b")] = orNull(b);
        f[QStringLiteral("ratio")] = orNull(ratio(a, b));
        f[QStringLiteral("of")] = ofRatio ? QStringLiteral("ratio") : QStringLiteral("a");
        f[QStringLiteral("target_max")] = t.limit;
        f[QStringLiteral("met")] = std::isnan(value) ? QJsonValue() : QJsonValue(value <= t.limit);
        out.append(f);
    }
    return out;
}

QJsonObject CompareReport::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("machine")] = BenchReport::machine();
    o[QStringLiteral("config")] = m_config.toJson();
    const auto side = [](const BenchReport &r, const QString &server) {
        QJsonObject s;
        s[QStringLiteral("server")] = server;
        QJsonArray runs;
        for (const QJsonObject &run : r.runs())
            runs.append(run);
        s[QStringLiteral("runs")] = runs;
        s[QStringLiteral("median")] = r.median();
        s[QStringLiteral("figures")] = r.figures();
        return s;
    };
    o[QStringLiteral("a")] = side(m_a, m_config.serverTemplate);
    o[QStringLiteral("b")] = side(m_b, m_config.compareTemplate);
    o[QStringLiteral("ratio")] = ratios(m_a.median(), m_b.median());
    o[QStringLiteral("targets")] = targets();
    o[QStringLiteral("problems")] = QJsonArray::fromStringList(m_problems);
    return o;
}

QString CompareReport::titleOf(const QString &s) const
{
    const auto n = [&](const QString &key) { return BenchReport::formatted(m_a.number(s + QLatin1Char('/') + key), 0); };
    if (s.startsWith(QLatin1String("latency"))) {
        return QStringLiteral("%1: %2 client(s), a press every %3 ms, %4 presses")
            .arg(s, n(QStringLiteral("clients")), n(QStringLiteral("interval_ms")),
                 n(QStringLiteral("presses")));
    }
    if (s == QLatin1String("listeners500")) {
        return QStringLiteral("%1: one screen and %2 listeners, a press every %3 ms, %4 presses")
            .arg(s, n(QStringLiteral("listeners")), n(QStringLiteral("interval_ms")), n(QStringLiteral("presses")));
    }
    if (s == QLatin1String("baseline"))
        return QStringLiteral("baseline: the measuring side alone, once per pair (ms)");
    if (s == QLatin1String("burst")) {
        return QStringLiteral("burst: %1 presses as fast as the pty takes them, %2 clients")
            .arg(n(QStringLiteral("presses")), n(QStringLiteral("clients")));
    }
    if (s == QLatin1String("idle"))
        return QStringLiteral("idle: %1 s, panel and one client connected").arg(m_config.idleSeconds);
    if (s == QLatin1String("startup"))
        return QStringLiteral("startup: exec -> first 200 from /health, %1 media").arg(m_config.mediaCount);
    if (s == QLatin1String("download")) {
        return QStringLiteral("download: /media/000.mp3 of %1 MB by %2 clients at once")
            .arg(m_config.downloadMb).arg(m_config.downloadClients);
    }
    return s;
}

QList<CompareReport::Row> CompareReport::rowsOf(const QString &s) const
{
    const QString p = s + QLatin1Char('/');
    QList<Row> rows;
    const auto percentiles = [&](const QString &label, const QString &base) {
        for (const QString &q : {QStringLiteral("p50"), QStringLiteral("p90"), QStringLiteral("p99"),
                                 QStringLiteral("max")})
            rows << Row{label + QLatin1Char(' ') + q + QStringLiteral(" (ms)"), base + q, 1, 3};
    };
    const double kb = 1.0 / 1024;
    if (s.startsWith(QLatin1String("latency")) || s == QLatin1String("listeners500")) {
        percentiles(QStringLiteral("press -> LEDSET"), p + QStringLiteral("latency_ms/ledset/"));
        percentiles(QStringLiteral("press -> play, first client"), p + QStringLiteral("latency_ms/play_first/"));
        percentiles(QStringLiteral("press -> play, last client"), p + QStringLiteral("latency_ms/play_last/"));
        if (s == QLatin1String("listeners500"))
            percentiles(QStringLiteral("press -> play, last listener"), p + QStringLiteral("latency_ms/listener_last/"));
        percentiles(QStringLiteral("ended -> LEDCLR"), p + QStringLiteral("latency_ms/ledclr/"));
        rows << Row{QStringLiteral("lost (LEDSET, play, LEDCLR)"), p + QStringLiteral("lost_total"), 1, 0}
             << Row{QStringLiteral("gateway CPU per press (ms)"), p + QStringLiteral("gateway/cpu_per_press_ms"), 1, 3}
             << Row{QStringLiteral("RSS idle (MB)"), p + QStringLiteral("gateway/rss_idle_kb"), kb, 1}
             << Row{QStringLiteral("RSS with the clients connected (MB)"),
                    p + QStringLiteral("gateway/rss_clients_kb"), kb, 1}
             << Row{QStringLiteral("RSS with the clients, most seen (MB)"),
                    p + QStringLiteral("gateway/rss_clients_max_kb"), kb, 1};
        // With one client, the first connection's own allocations are all there is.
        if (m_a.number(p + QStringLiteral("clients")) > 1)
            rows << Row{QStringLiteral("RSS per client (KB)"), p + QStringLiteral("gateway/rss_per_client_kb"), 1, 1};
        rows << Row{QStringLiteral("CPU quiet with the clients (ms per 10 s)"),
                    p + QStringLiteral("quiet/cpu_ms_per_10s"), 1, 3}
             << Row{QStringLiteral("wake-ups quiet with the clients"), p + QStringLiteral("quiet/wakeups"), 1, 0};
    } else if (s == QLatin1String("baseline")) {
        percentiles(QStringLiteral("pty write -> LEDSET read"), p + QStringLiteral("pty/ledset/"));
        percentiles(QStringLiteral("ws send -> play at 1 client"), p + QStringLiteral("ws1/play_first/"));
        percentiles(QStringLiteral("ws send -> play at last of many"), p + QStringLiteral("ws_many/play_last/"));
    } else if (s == QLatin1String("burst")) {
        percentiles(QStringLiteral("press -> LEDSET"), p + QStringLiteral("latency_ms/ledset/"));
        percentiles(QStringLiteral("press -> play, last client"), p + QStringLiteral("latency_ms/play_last/"));
        rows << Row{QStringLiteral("lost (LEDSET + play)"), p + QStringLiteral("lost_total"), 1, 0}
             << Row{QStringLiteral("reordered"), p + QStringLiteral("reordered_total"), 1, 0}
             << Row{QStringLiteral("all answered after (ms)"), p + QStringLiteral("duration_ms"), 1, 1}
             << Row{QStringLiteral("gateway CPU (ms)"), p + QStringLiteral("gateway/cpu_run_s"), 1000, 1};
    } else if (s == QLatin1String("idle")) {
        rows << Row{QStringLiteral("gateway CPU (ms)"), p + QStringLiteral("cpu_ms"), 1, 3}
             << Row{QStringLiteral("wake-ups"), p + QStringLiteral("wakeups"), 1, 0}
             << Row{QStringLiteral("RSS without clients (MB)"), p + QStringLiteral("rss_idle_kb"), kb, 1}
             << Row{QStringLiteral("RSS with one (MB)"), p + QStringLiteral("rss_client_kb"), kb, 1};
    } else if (s == QLatin1String("startup")) {
        rows << Row{QStringLiteral("start-up median (ms)"), p + QStringLiteral("startup_ms/p50"), 1, 1}
             << Row{QStringLiteral("start-up min (ms)"), p + QStringLiteral("startup_ms/min"), 1, 1}
             << Row{QStringLiteral("start-up max (ms)"), p + QStringLiteral("startup_ms/max"), 1, 1}
             << Row{QStringLiteral("RSS when healthy (MB)"), p + QStringLiteral("rss_healthy_kb"), kb, 1};
    } else if (s == QLatin1String("download")) {
        rows << Row{QStringLiteral("complete"), p + QStringLiteral("ok"), 1, 0}
             << Row{QStringLiteral("all done after (ms)"), p + QStringLiteral("duration_ms"), 1, 0}
             << Row{QStringLiteral("throughput (MB/s)"), p + QStringLiteral("mb_per_s"), 1, 0}
             << Row{QStringLiteral("RSS idle (MB)"), p + QStringLiteral("rss_idle_kb"), kb, 1}
             << Row{QStringLiteral("RSS peak, sampled (MB)"), p + QStringLiteral("rss_peak_sampled_kb"), kb, 1};
    }
    return rows;
}

QString CompareReport::table() const
{
    QString t;
    const QJsonObject m = BenchReport::machine();
    t += QStringLiteral("panel-bench on %1: %2, %3 cpus, %4, Qt %5\n")
             .arg(m.value(QStringLiteral("host")).toString(), m.value(QStringLiteral("cpu")).toString())
             .arg(m.value(QStringLiteral("cpus")).toInt())
             .arg(m.value(QStringLiteral("os")).toString(), m.value(QStringLiteral("qt")).toString());
    t += QStringLiteral("A: %1\nB: %2\n").arg(m_config.serverTemplate, m_config.compareTemplate);
    const int pairs = int(m_a.runs().size());
    t += pairs > 1 ? QStringLiteral("figures: medians over %1 alternating pairs (A, B, A, B, ...)\n").arg(pairs)
                   : QStringLiteral("figures: one pair, A then B\n");
    if (m_config.arrival)
        t += QStringLiteral("WebSocket messages timed by their arrival in the socket (--arrival)\n");

    const QList<int> w{44, 10, 10, 7};
    for (const QString &s : m_config.scenarios) {
        if (!m_a.median().contains(s))
            continue;
        const QString naA = unavailable(m_a, s);
        const bool oneSided = s == QLatin1String("baseline");
        const QString naB = oneSided ? QString() : unavailable(m_b, s);
        t += QLatin1Char('\n') + titleOf(s) + QLatin1Char('\n');
        t += BenchReport::row(oneSided ? QStringList{QString(), QStringLiteral("bench")}
                          : QStringList{QString(), QStringLiteral("A"), QStringLiteral("B"),
                                        QStringLiteral("A/B")},
                 w);
        for (const Row &r : rowsOf(s)) {
            const double a = m_a.number(r.path) * r.scale;
            const double b = m_b.number(r.path) * r.scale;
            if (std::isnan(a) && std::isnan(b))
                continue;
            if (oneSided) {
                t += BenchReport::row({r.label, BenchReport::formatted(a, r.precision)}, w);
                continue;
            }
            t += BenchReport::row({r.label, naA.isEmpty() ? BenchReport::formatted(a, r.precision) : QStringLiteral("n/a"),
                      naB.isEmpty() ? BenchReport::formatted(b, r.precision) : QStringLiteral("n/a"),
                      naA.isEmpty() && naB.isEmpty() ? BenchReport::formatted(ratio(a, b), 2) : QStringLiteral("n/a")},
                     w);
        }
        if (!naA.isEmpty())
            t += QStringLiteral("  A n/a: %1\n").arg(naA.section(QLatin1Char('\n'), 0, 0));
        if (!naB.isEmpty())
            t += QStringLiteral("  B n/a: %1\n").arg(naB.section(QLatin1Char('\n'), 0, 0));
    }

    t += QStringLiteral("\nTargets: A's medians, or A/B where the target is a ratio\n");
    const QList<int> tw{44, 10, 10, 7, 13, 6};
    t += BenchReport::row({QStringLiteral("figure"), QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("A/B"),
              QStringLiteral("target"), QString()}, tw);
    const auto targetRow = [&](const QJsonObject &f) {
        const QString unit = f.value(QStringLiteral("unit")).toString();
        const int prec = unit == QLatin1String("ms") ? 3 : unit.isEmpty() ? 0 : 1;
        const auto cell = [&](const QString &key, int digits, const QString &suffix) {
            const QJsonValue v = f.value(key);
            return v.isDouble() ? BenchReport::formatted(v.toDouble(), digits) + suffix : QStringLiteral("-");
        };
        const bool ofRatio = f.value(QStringLiteral("of")).toString() == QLatin1String("ratio");
        const double limit = f.value(QStringLiteral("target_max")).toDouble();
        const QString target = ofRatio
            ? QStringLiteral("A/B <= ") + BenchReport::formatted(limit, 2)
            : QStringLiteral("<= ") + BenchReport::formatted(limit, unit.isEmpty() ? 0 : 1) + QLatin1Char(' ') + unit;
        const QJsonValue met = f.value(QStringLiteral("met"));
        const QString suffix = unit.isEmpty() ? QString() : QLatin1Char(' ') + unit;
        t += BenchReport::row({f.value(QStringLiteral("figure")).toString(), cell(QStringLiteral("a"), prec, suffix),
                  cell(QStringLiteral("b"), prec, suffix), cell(QStringLiteral("ratio"), 2, QString()),
                  target,
                  met.isBool() ? (met.toBool() ? QStringLiteral("met") : QStringLiteral("MISSED"))
                               : QStringLiteral("n/a")},
                 tw);
    };
    const QJsonArray figuresA = m_a.figures();
    const QJsonArray figuresB = m_b.figures();
    for (int i = 0; i < figuresA.size(); ++i) {
        QJsonObject f = figuresA.at(i).toObject();
        // The large scenario's targets follow below, with those set against B.
        if (f.value(QStringLiteral("figure")).toString().contains(QLatin1String("1000 clients")))
            continue;
        const QJsonValue b = figuresB.at(i).toObject().value(QStringLiteral("value"));
        f[QStringLiteral("a")] = f.value(QStringLiteral("value"));
        f[QStringLiteral("b")] = b;
        f[QStringLiteral("ratio")] = orNull(ratio(f.value(QStringLiteral("value")).toDouble(std::nan("")),
                                                  b.toDouble(std::nan(""))));
        targetRow(f);
    }
    if (m_config.wants(QStringLiteral("latency1000"))) {
        t += QStringLiteral("latency1000, %1 clients:\n").arg(m_config.largeClients);
        for (const QJsonValue &v : targets())
            targetRow(v.toObject());
    }
    if (!m_problems.isEmpty()) {
        t += QStringLiteral("\nProblems\n");
        for (const QString &p : m_problems)
            t += QStringLiteral("  ") + p + QLatin1Char('\n');
    }
    return t;
}
