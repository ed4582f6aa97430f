#include "benchconfig.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QProcess>

QStringList BenchConfig::allScenarios()
{
    return {QStringLiteral("baseline"), QStringLiteral("startup"), QStringLiteral("latency1"),
            QStringLiteral("latency100"), QStringLiteral("latency1000"), QStringLiteral("burst"),
            QStringLiteral("idle"), QStringLiteral("download"), QStringLiteral("listeners500")};
}

namespace {
QString defaultGateway()
{
    const QDir here(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {here.filePath(QStringLiteral("selection-panel")),
                                     here.filePath(QStringLiteral("../selection-panel"))}) {
        if (QFileInfo(candidate).isExecutable())
            return QDir::cleanPath(candidate);
    }
    return QStringLiteral("selection-panel");
}

QString quoted(const QString &path)
{
    QString p = path;
    p.replace(QLatin1Char('"'), QLatin1String("\"\"\""));
    return QLatin1Char('"') + p + QLatin1Char('"');
}
} // namespace

BenchConfig::ParseResult BenchConfig::parse(const QStringList &arguments, QString *message)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Measures a selection-panel gateway from outside: a pty plays the button panel, "
        "WebSocket clients play the browsers."));
    p.addHelpOption();
    p.addVersionOption();
    const QCommandLineOption serverOpt(QStringLiteral("server"),
        QStringLiteral("Gateway command template; {pty}, {port}, {media}, {count} and {first} "
                       "are filled in. Default: the selection-panel beside this program with "
                       "--serial-port {pty} --http-host 127.0.0.1 --http-port {port} "
                       "--media-dir {media} --media-count {count} --stuck-presses 0 (the "
                       "benchmark presses each button faster than a visitor could)."),
        QStringLiteral("template"));
    const QCommandLineOption gatewayOpt(QStringLiteral("gateway"),
        QStringLiteral("Gateway program for the default template."), QStringLiteral("path"));
    const QCommandLineOption scenarioOpt(QStringLiteral("scenario"),
        QStringLiteral("Comma-separated scenarios, or all: %1; soak only when named.").arg(allScenarios().join(QLatin1Char(','))),
        QStringLiteral("list"), QStringLiteral("all"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
        QStringLiteral("Also write the figures as JSON to this file."), QStringLiteral("file"));
    const QCommandLineOption logDirOpt(QStringLiteral("log-dir"),
        QStringLiteral("Keep each gateway's output in this folder (default: thrown away)."),
        QStringLiteral("dir"));
    const QCommandLineOption pressesOpt(QStringLiteral("presses"),
        QStringLiteral("Presses in each latency scenario (default 2000)."), QStringLiteral("n"));
    const QCommandLineOption intervalOpt(QStringLiteral("interval"),
        QStringLiteral("Milliseconds between presses (default 20)."), QStringLiteral("ms"));
    const QCommandLineOption clientsOpt(QStringLiteral("clients"),
        QStringLiteral("Clients of latency100 (default 100)."), QStringLiteral("n"));
    const QCommandLineOption largeClientsOpt(QStringLiteral("clients-large"),
        QStringLiteral("Clients of latency1000 (default 1000; 200 with --quick)."), QStringLiteral("n"));
    const QCommandLineOption largeIntervalOpt(QStringLiteral("interval-large"),
        QStringLiteral("Milliseconds between presses in latency1000 (default 50; 20 with --quick); "
                       "--interval leaves it alone."),
        QStringLiteral("ms"));
    const QCommandLineOption largeQuietOpt(QStringLiteral("quiet-large"),
        QStringLiteral("Seconds of quiet after the presses of latency1000 over which the gateway's "
                       "CPU with all clients connected is measured (default 30, one keep-alive "
                       "round; 1 with --quick)."),
        QStringLiteral("s"));
    const QCommandLineOption listenersOpt(QStringLiteral("listeners"),
        QStringLiteral("Listener clients (/ws?role=listener, visitors' phones) of listeners500, "
                       "beside its one screen (default 500; 100 with --quick)."),
        QStringLiteral("n"));
    const QCommandLineOption listenerIntervalOpt(QStringLiteral("interval-listeners"),
        QStringLiteral("Milliseconds between presses in listeners500 (default 50)."), QStringLiteral("ms"));
    const QCommandLineOption compareOpt(QStringLiteral("compare"),
        QStringLiteral("A second gateway command template, with the same placeholders as --server. "
                       "Every scenario but the soak runs for both gateways, alternately, --repeat "
                       "pairs, and the report puts the figures side by side with their ratio A/B. "
                       "What the second gateway cannot do is n/a, not a failure."),
        QStringLiteral("template"));
    const QCommandLineOption burstOpt(QStringLiteral("burst"),
        QStringLiteral("Presses in the burst (default 1000)."), QStringLiteral("n"));
    const QCommandLineOption burstClientsOpt(QStringLiteral("burst-clients"),
        QStringLiteral("Clients during the burst (default 20)."), QStringLiteral("n"));
    const QCommandLineOption idleOpt(QStringLiteral("idle"),
        QStringLiteral("Seconds of the idle scenario (default 10)."), QStringLiteral("s"));
    const QCommandLineOption startupRunsOpt(QStringLiteral("startup-runs"),
        QStringLiteral("Gateway starts timed by the startup scenario (default 10)."), QStringLiteral("n"));
    const QCommandLineOption mediaOpt(QStringLiteral("media-count"),
        QStringLiteral("Media items the gateway is given (default 100)."), QStringLiteral("n"));
    const QCommandLineOption firstIdOpt(QStringLiteral("first-id"),
        QStringLiteral("Number of the first button, 0 or 1 (default 0)."), QStringLiteral("n"));
    const QCommandLineOption downloadMbOpt(QStringLiteral("download-mb"),
        QStringLiteral("Size of the downloaded file in MB (default 50)."), QStringLiteral("mb"));
    const QCommandLineOption downloadClientsOpt(QStringLiteral("download-clients"),
        QStringLiteral("Concurrent downloads (default 20)."), QStringLiteral("n"));
    const QCommandLineOption baselineOpt(QStringLiteral("baseline-iterations"),
        QStringLiteral("Round trips per loopback baseline (default 500)."), QStringLiteral("n"));
    const QCommandLineOption timeoutOpt(QStringLiteral("timeout"),
        QStringLiteral("Milliseconds to wait for each reply before counting it lost (default 2000)."),
        QStringLiteral("ms"));
    const QCommandLineOption repeatOpt(QStringLiteral("repeat"),
        QStringLiteral("Run everything this many times and report medians (default 1); with "
                       "--compare, this many pairs (default 5; 1 with --quick)."),
        QStringLiteral("n"));
    const QCommandLineOption quickOpt(QStringLiteral("quick"),
        QStringLiteral("Small counts for a smoke run of a few seconds."));
    const QCommandLineOption arrivalOpt(QStringLiteral("arrival"),
        QStringLiteral("Time WebSocket messages by their arrival in the client's socket (the kernel's "
                       "receive time stamp) instead of by when the bench read them: what the gateway "
                       "did, without the bench reading hundreds of sockets on the same CPUs."));
    const QCommandLineOption soakOpt(QStringLiteral("soak-minutes"),
        QStringLiteral("Length of the soak scenario, a museum day compressed (default 60; 1 with --quick)."),
        QStringLiteral("min"));
    p.addOptions({serverOpt, gatewayOpt, scenarioOpt, jsonOpt, logDirOpt, pressesOpt, intervalOpt, clientsOpt, largeClientsOpt, largeIntervalOpt, largeQuietOpt, listenersOpt, listenerIntervalOpt, compareOpt, burstOpt, burstClientsOpt, idleOpt, startupRunsOpt, mediaOpt, firstIdOpt, downloadMbOpt, downloadClientsOpt, baselineOpt, timeoutOpt, repeatOpt, quickOpt, arrivalOpt, soakOpt});

    if (!p.parse(arguments)) {
        *message = p.errorText();
        return Error;
    }
    if (p.isSet(QStringLiteral("help"))) {
        *message = p.helpText();
        return Exit;
    }
    if (p.isSet(QStringLiteral("version"))) {
        *message = QCoreApplication::applicationName() + QLatin1Char(' ')
            + QCoreApplication::applicationVersion();
        return Exit;
    }
    if (!p.positionalArguments().isEmpty()) {
        *message = QStringLiteral("unexpected argument: %1").arg(p.positionalArguments().first());
        return Error;
    }

    quick = p.isSet(quickOpt);
    arrival = p.isSet(arrivalOpt);
    // One pair of runs says little about a tail: five alternating pairs.
    if (p.isSet(compareOpt) && !quick)
        repeat = 5;
    if (quick) {
        presses = 100;
        burstPresses = 200;
        idleSeconds = 1;
        startupRuns = 2;
        downloadMb = 5;
        baselineIterations = 50;
        soakMinutes = 1;
        largeClients = 200;
        largeIntervalMs = 20;
        largeQuietSeconds = 1;
        listenerClients = 100;
    }

    struct IntOpt { const QCommandLineOption &opt; int *value; int min; int max; };
    const IntOpt ints[] = {
        {pressesOpt, &presses, 1, 1000000},
        {intervalOpt, &intervalMs, 0, 10000},
        {clientsOpt, &manyClients, 1, 10000},
        {largeClientsOpt, &largeClients, 1, 100000},
        {largeIntervalOpt, &largeIntervalMs, 0, 10000},
        {largeQuietOpt, &largeQuietSeconds, 0, 3600},
        {listenersOpt, &listenerClients, 1, 100000},
        {listenerIntervalOpt, &listenerIntervalMs, 0, 10000},
        {burstOpt, &burstPresses, 1, 1000000},
        {burstClientsOpt, &burstClients, 1, 10000},
        {idleOpt, &idleSeconds, 1, 3600},
        {startupRunsOpt, &startupRuns, 1, 1000},
        {mediaOpt, &mediaCount, 1, 999},
        {firstIdOpt, &firstId, 0, 1},
        {downloadMbOpt, &downloadMb, 1, 4096},
        {downloadClientsOpt, &downloadClients, 1, 1000},
        {baselineOpt, &baselineIterations, 1, 1000000},
        {timeoutOpt, &timeoutMs, 10, 600000},
        {repeatOpt, &repeat, 1, 100},
        {soakOpt, &soakMinutes, 1, 24 * 60},
    };
    for (const IntOpt &o : ints) {
        if (!p.isSet(o.opt))
            continue;
        bool ok = false;
        const int v = p.value(o.opt).toInt(&ok);
        if (!ok || v < o.min || v > o.max) {
            *message = QStringLiteral("--%1: expected a number from %2 to %3, got '%4'")
                           .arg(o.opt.names().first())
                           .arg(o.min)
                           .arg(o.max)
                           .arg(p.value(o.opt));
            return Error;
        }
        *o.value = v;
    }

    scenarios.clear();
    for (const QString &s : p.value(scenarioOpt).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString name = s.trimmed();
        if (name == QLatin1String("all")) {
            scenarios = allScenarios();
        } else if (allScenarios().contains(name) || name == QLatin1String("soak")) {
            if (!scenarios.contains(name))
                scenarios << name;
        } else {
            *message = QStringLiteral("--scenario: unknown scenario '%1' (known: all,%2,soak)")
                           .arg(name, allScenarios().join(QLatin1Char(',')));
            return Error;
        }
    }
    if (scenarios.isEmpty()) {
        *message = QStringLiteral("--scenario: nothing to run");
        return Error;
    }

    if (p.isSet(serverOpt)) {
        serverTemplate = p.value(serverOpt);
    } else {
        const QString program = p.isSet(gatewayOpt) ? p.value(gatewayOpt) : defaultGateway();
        serverTemplate = quoted(program)
            + QStringLiteral(" --serial-port {pty} --http-host 127.0.0.1 --http-port {port}"
                             " --media-dir {media} --media-count {count}"
                             // Up to five presses of one button a second: no quarantine.
                             " --stuck-presses 0");
        if (firstId != 0)
            serverTemplate += QStringLiteral(" --first-id {first}");
    }
    compareTemplate = p.value(compareOpt);
    if (p.isSet(compareOpt) && QProcess::splitCommand(compareTemplate).isEmpty()) {
        *message = QStringLiteral("--compare: empty command");
        return Error;
    }
    jsonPath = p.value(jsonOpt);
    logDir = p.value(logDirOpt);
    return Ok;
}

QJsonObject BenchConfig::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("server")] = serverTemplate;
    if (!compareTemplate.isEmpty())
        o[QStringLiteral("compare")] = compareTemplate;
    o[QStringLiteral("scenarios")] = QJsonArray::fromStringList(scenarios);
    o[QStringLiteral("presses")] = presses;
    o[QStringLiteral("interval_ms")] = intervalMs;
    o[QStringLiteral("clients")] = manyClients;
    o[QStringLiteral("clients_large")] = largeClients;
    o[QStringLiteral("interval_large_ms")] = largeIntervalMs;
    o[QStringLiteral("quiet_large_s")] = largeQuietSeconds;
    o[QStringLiteral("listeners")] = listenerClients;
    o[QStringLiteral("interval_listeners_ms")] = listenerIntervalMs;
    o[QStringLiteral("burst_presses")] = burstPresses;
    o[QStringLiteral("burst_clients")] = burstClients;
    o[QStringLiteral("idle_s")] = idleSeconds;
    o[QStringLiteral("startup_runs")] = startupRuns;
    o[QStringLiteral("media_count")] = mediaCount;
    o[QStringLiteral("first_id")] = firstId;
    o[QStringLiteral("download_mb")] = downloadMb;
    o[QStringLiteral("download_clients")] = downloadClients;
    o[QStringLiteral("baseline_iterations")] = baselineIterations;
    o[QStringLiteral("timeout_ms")] = timeoutMs;
    o[QStringLiteral("repeat")] = repeat;
    o[QStringLiteral("quick")] = quick;
    o[QStringLiteral("arrival")] = arrival;
    return o;
}
