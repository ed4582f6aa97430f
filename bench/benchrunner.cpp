#include "benchrunner.h"

#include "eventwait.h"
#include "gatewaysession.h"
#include "httpdownloader.h"
#include "latencystats.h"
#include "loadmonitor.h"
#include "loopbackbaseline.h"
#include "monoclock.h"
#include "procstats.h"
#include "sequencecheck.h"
#include "wsclientpool.h"

#include <QDir>
#include <QJsonArray>
#include <QTimer>

#include <cstdio>
#include <limits>

namespace {
constexpr qint64 kMs = 1000000;

QJsonObject memory(qint64 pid)
{
    QJsonObject m;
    m[QStringLiteral("rss_kb")] = ProcStats::rssKb(pid);
    m[QStringLiteral("rss_peak_kb")] = ProcStats::peakRssKb(pid);
    m[QStringLiteral("cpu_s")] = double(ProcStats::cpuNs(pid)) / 1e9;
    m[QStringLiteral("threads")] = ProcStats::threadCount(pid);
    return m;
}
} // namespace

BenchRunner::BenchRunner(const BenchConfig &config, QObject *parent)
    : BenchRunner(config, config.serverTemplate, QString(), false, parent)
{
}

BenchRunner::BenchRunner(const BenchConfig &config, const QString &serverTemplate,
                         const QString &label, bool lenient, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_serverTemplate(serverTemplate)
    , m_label(label)
    , m_lenient(lenient)
{
}

void BenchRunner::note(const QString &text) const
{
    std::fprintf(stderr, "panel-bench: %s\n", qPrintable(text));
    std::fflush(stderr);
}

void BenchRunner::problem(const QString &scenario, const QString &text, QJsonObject *out)
{
    const QString where = m_label.isEmpty() ? scenario : m_label + QLatin1Char(' ') + scenario;
    m_problems << where + QStringLiteral(": ") + text;
    note(QStringLiteral("PROBLEM %1: %2").arg(where, text));
    if (out) {
        QJsonArray list = (*out)[QStringLiteral("problems")].toArray();
        list.append(text);
        (*out)[QStringLiteral("problems")] = list;
    }
}

void BenchRunner::unavailable(const QString &scenario, const QString &text, QJsonObject *out)
{
    if (!m_lenient) {
        problem(scenario, text, out);
        return;
    }
    note(QStringLiteral("%1 %2: n/a: %3").arg(m_label, scenario, text));
    (*out)[QStringLiteral("unavailable")] = text;
}

QJsonObject BenchRunner::runOnce()
{
    QJsonObject run;
    for (const QString &s : m_config.scenarios)
        run[s] = runScenario(s);
    return run;
}

QJsonObject BenchRunner::runScenario(const QString &s)
{
    note(m_label.isEmpty() ? QStringLiteral("scenario %1").arg(s)
                           : QStringLiteral("scenario %1 (%2)").arg(s, m_label));
    if (s == QLatin1String("baseline"))
        return runBaseline();
    if (s == QLatin1String("startup"))
        return runStartup();
    if (s == QLatin1String("latency1"))
        return runLatency(s, 1, m_config.intervalMs, 0);
    if (s == QLatin1String("latency100"))
        return runLatency(s, m_config.manyClients, m_config.intervalMs, 0);
    if (s == QLatin1String("latency1000"))
        return runLatency(s, m_config.largeClients, m_config.largeIntervalMs,
                          m_config.largeQuietSeconds);
    if (s == QLatin1String("burst"))
        return runBurst();
    if (s == QLatin1String("idle"))
        return runIdle();
    if (s == QLatin1String("download"))
        return runDownload();
    // One screen and the phones of a crowd (docs/websocket.md, "Roles"). A
    // gateway without the listener role takes them as screens: still timed.
    if (s == QLatin1String("listeners500"))
        return runLatency(s, 1, m_config.listenerIntervalMs, 0, m_config.listenerClients);
    return QJsonObject();
}

bool BenchRunner::startSession(GatewaySession &session, const QString &scenario,
                               qint64 bigAudioBytes, QJsonObject *out)
{
    GatewaySession::Options o;
    o.commandTemplate = m_serverTemplate;
    o.mediaCount = m_config.mediaCount;
    o.firstId = m_config.firstId;
    o.bigAudioBytes = bigAudioBytes;
    ++m_sessions;
    if (!m_config.logDir.isEmpty()) {
        QDir().mkpath(m_config.logDir);
        o.logPath = QDir(m_config.logDir).filePath(
            QStringLiteral("%1-%2.log").arg(m_sessions, 3, 10, QLatin1Char('0')).arg(scenario));
    }
    if (!session.start(o)) {
        unavailable(scenario, session.errorString(), out);
        return false;
    }
    (*out)[QStringLiteral("startup_ms")] = MonoClock::nsToMs(session.startupNs());
    return true;
}

bool BenchRunner::connectClients(GatewaySession &session, WsClientPool &pool, int count,
                                 const QString &scenario, QJsonObject *out)
{
    return connectClients(session, pool, count, scenario, session.wsUrl(), out);
}

bool BenchRunner::connectClients(GatewaySession &session, WsClientPool &pool, int count,
                                 const QString &scenario, const QUrl &url, QJsonObject *out)
{
    const qint64 t0 = MonoClock::nowNs();
    pool.open(url, count);
    // Ready = the state message arrived, so the gateway counts the client.
    const bool ok = EventWait::until(
        [&] { return pool.readyCount() + pool.failedCount() >= count || !session.isRunning(); },
        qMax(10000, m_config.timeoutMs), {&pool, &session});
    (*out)[QStringLiteral("connect_ms")] = MonoClock::nsToMs(MonoClock::nowNs() - t0);
    if (!ok || pool.failedCount() > 0 || pool.readyCount() < count) {
        unavailable(scenario,
                QStringLiteral("%1 of %2 WebSocket clients ready (%3 failed)")
                    .arg(pool.readyCount())
                    .arg(count)
                    .arg(pool.failedCount()),
                out);
        return false;
    }
    return true;
}

QJsonObject BenchRunner::runBaseline()
{
    QJsonObject out;
    LoopbackBaseline b;
    const int n = m_config.baselineIterations;
    // Paced like the latency scenarios, so that each round trip starts from
    // idle processes and idle CPUs, whose wake-up is part of what is measured.
    const int pause = m_config.intervalMs;
    out[QStringLiteral("interval_ms")] = pause;
    out[QStringLiteral("pty")] = b.runPty(n, pause, m_config.timeoutMs);
    out[QStringLiteral("ws1")] = b.runWebSocket(1, n, pause, m_config.timeoutMs);
    out[QStringLiteral("ws_many")] = b.runWebSocket(m_config.manyClients, qMax(1, n / 4), pause,
                                                    m_config.timeoutMs);
    for (const QString &k : {QStringLiteral("pty"), QStringLiteral("ws1"), QStringLiteral("ws_many")}) {
        const QJsonObject part = out.value(k).toObject();
        if (part.contains(QStringLiteral("error")))
            problem(QStringLiteral("baseline"), part.value(QStringLiteral("error")).toString(), &out);
    }
    return out;
}

QJsonObject BenchRunner::runStartup()
{
    QJsonObject out;
    LatencyStats startup;
    qint64 rss = 0;
    LoadMonitor load;
    load.start(-1);
    for (int r = 0; r < m_config.startupRuns; ++r) {
        GatewaySession session;
        QJsonObject one;
        if (!startSession(session, QStringLiteral("startup"), 0, &one)) {
            for (const QString &k : {QStringLiteral("problems"), QStringLiteral("unavailable")}) {
                if (one.contains(k))
                    out[k] = one.value(k);
            }
            break;
        }
        startup.add(session.startupNs());
        rss = qMax(rss, ProcStats::rssKb(session.pid()));
        session.stop();
    }
    out[QStringLiteral("load")] = load.finish();
    out[QStringLiteral("runs")] = startup.count();
    out[QStringLiteral("media_count")] = m_config.mediaCount;
    QJsonObject ms = startup.toJson();
    ms[QStringLiteral("min")] = startup.percentileMs(0);
    out[QStringLiteral("startup_ms")] = ms;
    out[QStringLiteral("rss_healthy_kb")] = rss;
    return out;
}

QJsonObject BenchRunner::runLatency(const QString &name, int clients, int intervalMs,
                                    int quietSeconds, int listeners)
{
    QJsonObject out;
    out[QStringLiteral("clients")] = clients;
    if (listeners > 0)
        out[QStringLiteral("listeners")] = listeners;
    out[QStringLiteral("presses")] = m_config.presses;
    out[QStringLiteral("interval_ms")] = intervalMs;
    GatewaySession session;
    if (!startSession(session, name, 0, &out))
        return out;
    const qint64 pid = session.pid();
    QJsonObject mem;
    mem[QStringLiteral("rss_idle_kb")] = ProcStats::rssKb(pid);
    WsClientPool pool;
    pool.setArrivalStamps(m_config.arrival);
    if (!connectClients(session, pool, clients, name, &out))
        return out;
    WsClientPool phones;
    phones.setArrivalStamps(m_config.arrival);
    // A crowd's phones are read a few at a time, so the screen's play and
    // the panel's LEDSET are read when they come, not after 500 others.
    phones.setEventsPerPass(16);
    if (listeners > 0) {
        QUrl url = session.wsUrl();
        url.setQuery(QStringLiteral("role=listener"));
        if (!connectClients(session, phones, listeners, name, url, &out))
            return out;
    }
    mem[QStringLiteral("rss_clients_kb")] = ProcStats::rssKb(pid);
    const quint64 unstamped0 = pool.unstampedReads() + phones.unstampedReads();
    const qint64 cpu0 = ProcStats::cpuNs(pid);
    LoadMonitor load;
    load.start(pid);

    PtyPanel *panel = session.panel();
    const QList<ProgressSource *> watched{panel, &pool, &phones, &session};
    LatencyStats ledset, playFirst, playLast, ledclr, listenerLast;
    int lostLedset = 0, lostPlay = 0, lostLedclr = 0, unexpected = 0, timeouts = 0;
    int inARow = 0;
    const qint64 interval = qint64(intervalMs) * kMs;
    const qint64 begin = MonoClock::nowNs() + interval;
    int done = 0;
    for (int i = 0; i < m_config.presses; ++i) {
        if (!session.isRunning()) {
            problem(name, QStringLiteral("gateway %1 after %2 presses")
                              .arg(session.gateway()->exitDescription())
                              .arg(i),
                    &out);
            break;
        }
        EventWait::untilNs(begin + i * interval);
        const int id = m_config.firstId + i % m_config.mediaCount;
        panel->clearEvents();
        pool.clearPlays();
        pool.setPlayTarget(clients);
        phones.clearPlays();
        phones.setPlayTarget(listeners);
        const auto ledsetNs = [&] {
            for (const PtyPanel::LedEvent &e : panel->events())
                if (e.id == id)
                    return e.ns;
            return qint64(-1);
        };
        const qint64 t0 = panel->press(id);
        ++done;
        if (t0 < 0) {
            ++lostLedset;
            continue;
        }
        const bool complete = EventWait::until(
            [&] {
                return (ledsetNs() >= 0 && pool.playTotal() >= clients && phones.playTotal() >= listeners)
                    || !session.isRunning();
            },
            m_config.timeoutMs, watched);

        const qint64 ls = ledsetNs();
        if (ls >= 0)
            ledset.add(ls - t0);
        else
            ++lostLedset;
        qint64 lo = std::numeric_limits<qint64>::max(), hi = 0;
        bool all = true;
        // When a client first read this press's play (-1: never); any other play is unexpected.
        const auto playedAt = [&](const WsClientPool &clientPool, int c) {
            qint64 at = -1;
            for (const WsClientPool::Play &p : clientPool.plays(c)) {
                if (p.id == id && at < 0)
                    at = p.ns;
                else
                    ++unexpected;
            }
            return at;
        };
        for (int c = 0; c < clients; ++c) {
            const qint64 at = playedAt(pool, c);
            if (at < 0) {
                ++lostPlay;
                all = false;
                continue;
            }
            lo = qMin(lo, at);
            hi = qMax(hi, at);
        }
        if (all) {
            playFirst.add(lo - t0);
            playLast.add(hi - t0);
        }
        qint64 lastPhone = 0;
        for (int c = 0; c < listeners; ++c) {
            const qint64 at = playedAt(phones, c);
            if (at < 0) {
                ++lostPlay;
                all = false;
            }
            lastPhone = qMax(lastPhone, at);
        }
        if (all && listeners > 0)
            listenerLast.add(lastPhone - t0);
        if (!complete || ls < 0 || !all) {
            ++timeouts;
            if (++inARow >= 10) {
                problem(name, QStringLiteral("10 presses in a row unanswered; gave up"), &out);
                break;
            }
            continue;
        }
        inARow = 0;

        panel->clearEvents();
        const auto ledclrNs = [&] {
            for (const PtyPanel::LedEvent &e : panel->events())
                if (e.id == -1)
                    return e.ns;
            return qint64(-1);
        };
        const qint64 te = pool.sendEnded(0, id);
        EventWait::until([&] { return ledclrNs() >= 0 || !session.isRunning(); },
                         m_config.timeoutMs, watched);
        if (ledclrNs() >= 0)
            ledclr.add(ledclrNs() - te);
        else
            ++lostLedclr;
    }
    const qint64 cpu1 = ProcStats::cpuNs(pid);
    out[QStringLiteral("load")] = load.finish();
    if (m_config.arrival) {
        const quint64 unstamped = pool.unstampedReads() + phones.unstampedReads() - unstamped0;
        out[QStringLiteral("arrival_unstamped_reads")] = qint64(unstamped);
        if (unstamped > 0)
            qWarning("panel-bench: %s: %llu reads came without an arrival stamp and were timed when read",
                     qPrintable(name), static_cast<unsigned long long>(unstamped));
    }
    int reordered = 0;
    for (int c = 0; c < pool.size(); ++c)
        reordered += pool.orderErrors(c);
    for (int c = 0; c < phones.size(); ++c)
        reordered += phones.orderErrors(c);

    QJsonObject lat;
    lat[QStringLiteral("ledset")] = ledset.toJson();
    lat[QStringLiteral("play_first")] = playFirst.toJson();
    lat[QStringLiteral("play_last")] = playLast.toJson();
    lat[QStringLiteral("ledclr")] = ledclr.toJson();
    if (listeners > 0)
        lat[QStringLiteral("listener_last")] = listenerLast.toJson();
    out[QStringLiteral("latency_ms")] = lat;
    out[QStringLiteral("presses_done")] = done;
    QJsonObject lost;
    lost[QStringLiteral("ledset")] = lostLedset;
    lost[QStringLiteral("play")] = lostPlay;
    lost[QStringLiteral("ledclr")] = lostLedclr;
    out[QStringLiteral("lost")] = lost;
    out[QStringLiteral("reordered")] = reordered;
    out[QStringLiteral("unexpected")] = unexpected;
    mem[QStringLiteral("rss_end_kb")] = ProcStats::rssKb(pid);
    mem[QStringLiteral("threads")] = ProcStats::threadCount(pid);
    mem[QStringLiteral("cpu_run_s")] = double(cpu1 - cpu0) / 1e9;
    mem[QStringLiteral("cpu_total_s")] = double(cpu1) / 1e9;
    if (done > 0)
        mem[QStringLiteral("cpu_per_press_ms")] = double(cpu1 - cpu0) / 1e6 / done;
    // What one more connected browser costs the gateway.
    mem[QStringLiteral("rss_per_client_kb")] =
        (mem.value(QStringLiteral("rss_clients_kb")).toDouble()
         - mem.value(QStringLiteral("rss_idle_kb")).toDouble()) / (clients + listeners);

    if (quietSeconds > 0 && session.isRunning()) {
        // All clients connected, nothing pressed: what remains is the
        // keep-alive, one round of pings every 30 s (docs/websocket.md,
        // "Liveness"), so the default period holds exactly one.
        EventWait::forMs(1000);   // trailing work of the last press
        const qint64 q0 = ProcStats::cpuNs(pid);
        const qint64 cs0 = ProcStats::contextSwitches(pid);
        const qint64 t0 = MonoClock::nowNs();
        EventWait::forMs(quietSeconds * 1000);
        const qint64 t1 = MonoClock::nowNs();
        const qint64 q1 = ProcStats::cpuNs(pid);
        const qint64 cs1 = ProcStats::contextSwitches(pid);
        QJsonObject quiet;
        quiet[QStringLiteral("seconds")] = double(t1 - t0) / 1e9;
        quiet[QStringLiteral("cpu_ms")] = double(q1 - q0) / 1e6;
        quiet[QStringLiteral("cpu_ms_per_10s")] = double(q1 - q0) / 1e6 * 10e9 / double(t1 - t0);
        quiet[QStringLiteral("wakeups")] = cs1 - cs0;
        // Clients the gateway let go while nothing happened (the bench's
        // answer every ping).
        quiet[QStringLiteral("clients_dropped")] = pool.failedCount();
        out[QStringLiteral("quiet")] = quiet;
        mem[QStringLiteral("rss_quiet_kb")] = ProcStats::rssKb(pid);
        if (!session.isRunning())
            problem(name, QStringLiteral("gateway %1 while quiet")
                              .arg(session.gateway()->exitDescription()), &out);
    }
    mem[QStringLiteral("rss_peak_kb")] = ProcStats::peakRssKb(pid);
    out[QStringLiteral("gateway")] = mem;
    out[QStringLiteral("clients_dropped")] = pool.failedCount() + phones.failedCount();
    if (lostLedset + lostPlay + lostLedclr > 0)
        problem(name, QStringLiteral("lost %1 LEDSET, %2 play, %3 LEDCLR; %4 of %5 clients disconnected")
                          .arg(lostLedset).arg(lostPlay).arg(lostLedclr)
                          .arg(pool.failedCount() + phones.failedCount()).arg(clients + listeners), &out);
    if (reordered + unexpected > 0)
        problem(name, QStringLiteral("%1 play without its stop, %2 unexpected play")
                          .arg(reordered).arg(unexpected), &out);
    return out;
}

QJsonObject BenchRunner::runBurst()
{
    const QString name = QStringLiteral("burst");
    const int n = m_config.burstPresses;
    const int clients = m_config.burstClients;
    QJsonObject out;
    out[QStringLiteral("presses")] = n;
    out[QStringLiteral("clients")] = clients;
    GatewaySession session;
    if (!startSession(session, name, 0, &out))
        return out;
    const qint64 pid = session.pid();
    WsClientPool pool;
    if (!connectClients(session, pool, clients, name, &out))
        return out;
    PtyPanel *panel = session.panel();
    const QList<ProgressSource *> watched{panel, &pool, &session};

    QVector<int> ids(n);
    for (int i = 0; i < n; ++i)
        ids[i] = m_config.firstId + i % m_config.mediaCount;
    panel->clearEvents();
    pool.clearPlays();
    pool.setPlayTarget(qint64(clients) * n);
    const qint64 cpu0 = ProcStats::cpuNs(pid);
    LoadMonitor load;
    load.start(pid);
    panel->startBurst(ids);

    const auto finished = [&] {
        return (panel->burstDone() && panel->events().size() >= n
                && pool.playTotal() >= qint64(clients) * n)
            || !session.isRunning();
    };
    // Wait as long as replies keep coming; give up after timeoutMs of silence.
    qint64 seen = -1;
    qint64 lastChange = MonoClock::nowNs();
    while (!finished()) {
        EventWait::until(finished, 100, watched);
        const qint64 now = MonoClock::nowNs();
        const qint64 count = pool.playTotal() + panel->events().size() + panel->burstDone();
        if (count != seen) {
            seen = count;
            lastChange = now;
        } else if (now - lastChange > qint64(m_config.timeoutMs) * kMs) {
            break;
        }
    }
    const qint64 cpu1 = ProcStats::cpuNs(pid);
    out[QStringLiteral("load")] = load.finish();
    const QVector<qint64> &sent = panel->burstTimes();
    const int window = qMax(2, m_config.mediaCount);

    QVector<int> ledIds;
    QVector<qint64> ledNs;
    for (const PtyPanel::LedEvent &e : panel->events()) {
        ledIds << e.id;
        ledNs << e.ns;
    }
    const SequenceCheck ledCheck(ids, ledIds, window);
    LatencyStats ledset;
    for (int k = 0; k < ledIds.size(); ++k) {
        const int j = ledCheck.matches().at(k);
        if (j >= 0 && sent.at(j) >= 0)
            ledset.add(ledNs.at(k) - sent.at(j));
    }

    int lostPlay = 0, reorderedPlay = 0, unexpectedPlay = 0, pairErrors = 0;
    QVector<qint64> lastAt(n, 0);
    QVector<int> got(n, 0);
    qint64 end = 0;
    for (int c = 0; c < clients; ++c) {
        QVector<int> rx;
        for (const WsClientPool::Play &p : pool.plays(c))
            rx << p.id;
        const SequenceCheck check(ids, rx, window);
        lostPlay += check.lost();
        reorderedPlay += check.reordered();
        unexpectedPlay += check.unexpected();
        pairErrors += pool.orderErrors(c);
        for (int k = 0; k < rx.size(); ++k) {
            const int j = check.matches().at(k);
            const qint64 ns = pool.plays(c).at(k).ns;
            end = qMax(end, ns);
            if (j < 0)
                continue;
            lastAt[j] = qMax(lastAt.at(j), ns);
            ++got[j];
        }
    }
    LatencyStats playLast;
    for (int j = 0; j < n; ++j)
        if (got.at(j) == clients && sent.at(j) >= 0)
            playLast.add(lastAt.at(j) - sent.at(j));
    for (qint64 ns : ledNs)
        end = qMax(end, ns);

    QJsonObject lost;
    lost[QStringLiteral("ledset")] = ledCheck.lost();
    lost[QStringLiteral("play")] = lostPlay;
    out[QStringLiteral("lost")] = lost;
    QJsonObject reordered;
    reordered[QStringLiteral("ledset")] = ledCheck.reordered();
    reordered[QStringLiteral("play")] = reorderedPlay;
    reordered[QStringLiteral("stop_play")] = pairErrors;
    out[QStringLiteral("reordered")] = reordered;
    out[QStringLiteral("unexpected")] = ledCheck.unexpected() + unexpectedPlay;
    const qint64 first = sent.value(0, 0);
    qint64 lastWrite = 0;
    for (qint64 t : sent)
        lastWrite = qMax(lastWrite, t);
    out[QStringLiteral("write_ms")] = MonoClock::nsToMs(lastWrite - first);
    out[QStringLiteral("duration_ms")] = MonoClock::nsToMs(qMax<qint64>(0, end - first));
    QJsonObject lat;
    lat[QStringLiteral("ledset")] = ledset.toJson();
    lat[QStringLiteral("play_last")] = playLast.toJson();
    out[QStringLiteral("latency_ms")] = lat;
    QJsonObject mem = memory(pid);
    mem[QStringLiteral("cpu_run_s")] = double(cpu1 - cpu0) / 1e9;
    out[QStringLiteral("gateway")] = mem;

    const int lostAll = ledCheck.lost() + lostPlay;
    const int orderAll = ledCheck.reordered() + reorderedPlay + pairErrors;
    if (lostAll > 0 || orderAll > 0 || ledCheck.unexpected() + unexpectedPlay > 0)
        problem(name, QStringLiteral("lost %1 (LEDSET %2, play %3), reordered %4, unexpected %5")
                          .arg(lostAll).arg(ledCheck.lost()).arg(lostPlay).arg(orderAll)
                          .arg(ledCheck.unexpected() + unexpectedPlay), &out);
    return out;
}

QJsonObject BenchRunner::runIdle()
{
    const QString name = QStringLiteral("idle");
    QJsonObject out;
    GatewaySession session;
    if (!startSession(session, name, 0, &out))
        return out;
    const qint64 pid = session.pid();
    out[QStringLiteral("rss_idle_kb")] = ProcStats::rssKb(pid);
    // One client, like the exhibit's own browser that is always connected.
    WsClientPool pool;
    if (!connectClients(session, pool, 1, name, &out))
        return out;
    // Let start-up work that runs late (first timers, lazy loading) finish.
    EventWait::forMs(1000);
    const qint64 cpu0 = ProcStats::cpuNs(pid);
    const qint64 ticks0 = ProcStats::cpuTicksNs(pid);
    const qint64 cs0 = ProcStats::contextSwitches(pid);
    LoadMonitor load;
    load.start(pid);
    const qint64 t0 = MonoClock::nowNs();
    EventWait::forMs(m_config.idleSeconds * 1000);
    const qint64 t1 = MonoClock::nowNs();
    const qint64 cpu1 = ProcStats::cpuNs(pid);
    const qint64 ticks1 = ProcStats::cpuTicksNs(pid);
    const qint64 cs1 = ProcStats::contextSwitches(pid);
    out[QStringLiteral("load")] = load.finish();
    out[QStringLiteral("idle_s")] = double(t1 - t0) / 1e9;
    out[QStringLiteral("cpu_ms")] = double(cpu1 - cpu0) / 1e6;
    out[QStringLiteral("cpu_ticks_ms")] = double(ticks1 - ticks0) / 1e6;
    out[QStringLiteral("wakeups")] = cs1 - cs0;
    out[QStringLiteral("rss_client_kb")] = ProcStats::rssKb(pid);
    out[QStringLiteral("gateway")] = memory(pid);
    if (!session.isRunning())
        problem(name, QStringLiteral("gateway %1").arg(session.gateway()->exitDescription()), &out);
    return out;
}

QJsonObject BenchRunner::runDownload()
{
    const QString name = QStringLiteral("download");
    const qint64 size = qint64(m_config.downloadMb) * 1024 * 1024;
    const int clients = m_config.downloadClients;
    QJsonObject out;
    out[QStringLiteral("clients")] = clients;
    out[QStringLiteral("file_bytes")] = size;
    GatewaySession session;
    if (!startSession(session, name, size, &out))
        return out;
    const qint64 pid = session.pid();
    const qint64 rssIdle = ProcStats::rssKb(pid);
    const qint64 cpu0 = ProcStats::cpuNs(pid);
    qint64 rssPeak = rssIdle;
    int samples = 0;
    QTimer sampler;
    sampler.setTimerType(Qt::PreciseTimer);
    connect(&sampler, &QTimer::timeout, this, [&] {
        rssPeak = qMax(rssPeak, ProcStats::rssKb(pid));
        ++samples;
    });
    sampler.start(5);

    const QByteArray path = "/media/" + MediaFolder::fileName(m_config.firstId, QStringLiteral("mp3")).toUtf8();
    HttpDownloader dl(session.port(), path, clients);
    LoadMonitor load;
    load.start(pid);
    dl.start();
    qint64 seen = -1;
    qint64 lastChange = MonoClock::nowNs();
    const auto finished = [&] { return dl.doneCount() >= clients || !session.isRunning(); };
    while (!finished()) {
        EventWait::until(finished, 100, {&dl, &session});
        qint64 bytes = 0;
        for (const HttpDownloader::Result &r : dl.results())
            bytes += r.bodyBytes;
        const qint64 now = MonoClock::nowNs();
        if (bytes != seen) {
            seen = bytes;
            lastChange = now;
        } else if (now - lastChange > qMax<qint64>(10000, m_config.timeoutMs) * kMs) {
            dl.abortAll();
        }
    }
    sampler.stop();
    out[QStringLiteral("load")] = load.finish();
    rssPeak = qMax(rssPeak, ProcStats::rssKb(pid));
    const qint64 cpu1 = ProcStats::cpuNs(pid);

    int ok = 0;
    qint64 total = 0;
    QStringList errors;
    for (const HttpDownloader::Result &r : dl.results()) {
        total += r.bodyBytes;
        if (r.status == 200 && r.complete && r.bodyBytes == size)
            ++ok;
        else if (errors.size() < 3)
            errors << QStringLiteral("status %1, %2 of %3 bytes%4")
                          .arg(r.status).arg(r.bodyBytes).arg(size)
                          .arg(r.error.isEmpty() ? QString() : QStringLiteral(", ") + r.error);
    }
    const double seconds = double(dl.endNs() - dl.startNs()) / 1e9;
    out[QStringLiteral("ok")] = ok;
    out[QStringLiteral("failed")] = clients - ok;
    out[QStringLiteral("bytes_total")] = total;
    out[QStringLiteral("duration_ms")] = seconds * 1e3;
    out[QStringLiteral("mb_per_s")] = seconds > 0 ? double(total) / (1024 * 1024) / seconds : 0.0;
    out[QStringLiteral("rss_idle_kb")] = rssIdle;
    out[QStringLiteral("rss_peak_sampled_kb")] = rssPeak;
    out[QStringLiteral("rss_samples")] = samples;
    QJsonObject mem = memory(pid);
    mem[QStringLiteral("cpu_run_s")] = double(cpu1 - cpu0) / 1e9;
    out[QStringLiteral("gateway")] = mem;
    if (ok == 0 && m_lenient)
        unavailable(name, QStringLiteral("no download complete: %1")
                              .arg(errors.join(QStringLiteral("; "))), &out);
    else if (ok < clients)
        problem(name, QStringLiteral("%1 of %2 downloads incomplete: %3")
                          .arg(clients - ok).arg(clients).arg(errors.join(QStringLiteral("; "))), &out);
    return out;
}
