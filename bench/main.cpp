#include "benchconfig.h"
#include "benchreport.h"
#include "benchrunner.h"
#include "comparereport.h"
#include "gatewaysession.h"
#include "soakrunner.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QProcessEnvironment>

#include <csignal>
#include <cstdio>

#include <sys/resource.h>

namespace {

// A thousand WebSocket clients take a thousand descriptors, more than the
// soft limit of 1024 most sessions start with; the hard limit is ours to
// take. The gateways started from here inherit it, so a gateway that does
// not raise its own limit is measured on its handling of the clients, not
// on the shell's limit.
void raiseOpenFileLimit()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max)
        return;
    limit.rlim_cur = limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &limit) != 0)
        std::perror("panel-bench: cannot raise the limit on open files");
}

bool writeJson(const QString &path, const QJsonObject &json)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || f.write(QJsonDocument(json).toJson()) < 0) {
        std::fprintf(stderr, "panel-bench: cannot write %s: %s\n", qPrintable(path),
                     qPrintable(f.errorString()));
        return false;
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    // The gateway gets the environment we were given; the bench itself uses
    // Qt's own event dispatcher, which costs fewer system calls per event
    // than the GLib one (see the loopback baseline).
    const QProcessEnvironment childEnvironment = QProcessEnvironment::systemEnvironment();
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    GatewaySession::setChildEnvironment(childEnvironment);
    QCoreApplication::setApplicationName(QStringLiteral("panel-bench"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PANEL_BENCH_VERSION));
    // A gateway that dies mid-write must not take the bench with it.
    std::signal(SIGPIPE, SIG_IGN);
    raiseOpenFileLimit();

    BenchConfig config;
    QString message;
    switch (config.parse(app.arguments(), &message)) {
    case BenchConfig::Exit:
        std::printf("%s\n", qPrintable(message));
        return 0;
    case BenchConfig::Error:
        std::fprintf(stderr, "panel-bench: %s\n", qPrintable(message));
        return 2;
    case BenchConfig::Ok:
        break;
    }

    if (config.wants(QStringLiteral("soak"))) {
        // A day's wear on one gateway: its own figures, its own report.
        SoakRunner soak(config);
        const QJsonObject figures = soak.run();
        const QByteArray json = QJsonDocument(figures).toJson();
        std::printf("%s", json.constData());
        if (!config.jsonPath.isEmpty()) {
            QFile f(config.jsonPath);
            if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate) || f.write(json) < 0)
                std::fprintf(stderr, "panel-bench: cannot write %s\n", qPrintable(config.jsonPath));
        }
        for (const QString &problem : soak.problems())
            std::fprintf(stderr, "panel-bench: %s\n", qPrintable(problem));
        config.scenarios.removeAll(QStringLiteral("soak"));
        if (config.scenarios.isEmpty())
            return soak.problems().isEmpty() ? 0 : 1;
    }

    if (!config.compareTemplate.isEmpty()) {
        // A and B take turns scenario by scenario, so that both meet the
        // machine in the same state. The baseline measures the bench alone:
        // once per pair, with A.
        BenchRunner a(config, config.serverTemplate, QStringLiteral("A"), false);
        BenchRunner b(config, config.compareTemplate, QStringLiteral("B"), true);
        QList<QJsonObject> runsA, runsB;
        for (int r = 0; r < config.repeat; ++r) {
            if (config.repeat > 1)
                std::fprintf(stderr, "panel-bench: pair %d of %d\n", r + 1, config.repeat);
            QJsonObject runA, runB;
            for (const QString &s : config.scenarios) {
                runA[s] = a.runScenario(s);
                if (s != QLatin1String("baseline"))
                    runB[s] = b.runScenario(s);
            }
            runsA << runA;
            runsB << runB;
        }
        const QStringList problems = a.problems() + b.problems();
        const CompareReport report(config, runsA, runsB, problems);
        std::printf("%s", qPrintable(report.table()));
        std::fflush(stdout);
        if (!config.jsonPath.isEmpty() && !writeJson(config.jsonPath, report.toJson()))
            return 1;
        return problems.isEmpty() ? 0 : 1;
    }

    BenchRunner runner(config);
    QList<QJsonObject> runs;
    for (int r = 0; r < config.repeat; ++r) {
        if (config.repeat > 1)
            std::fprintf(stderr, "panel-bench: run %d of %d\n", r + 1, config.repeat);
        runs << runner.runOnce();
    }

    const BenchReport report(config, runs, runner.problems());
    std::printf("%s", qPrintable(report.table()));
    std::fflush(stdout);
    if (!config.jsonPath.isEmpty() && !writeJson(config.jsonPath, report.toJson()))
        return 1;
    // Timing figures never fail a run; lost or reordered messages and a
    // gateway that would not start or answer do.
    return runner.problems().isEmpty() ? 0 : 1;
}
