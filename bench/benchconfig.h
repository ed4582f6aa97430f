#ifndef BENCHCONFIG_H
#define BENCHCONFIG_H

#include <QJsonObject>
#include <QString>
#include <QStringList>

// Everything a run can be told on the command line.
class BenchConfig
{
public:
    enum ParseResult { Ok, Exit, Error };

    // Fills the config from the arguments; Exit after --help/--version.
    ParseResult parse(const QStringList &arguments, QString *message);
    bool wants(const QString &scenario) const { return scenarios.contains(scenario); }
    QJsonObject toJson() const;

    // What "all" runs; the soak runs only when named.
    static QStringList allScenarios();

    QString serverTemplate;
    QString compareTemplate;   // --compare: a second gateway, run alternately
    QStringList scenarios;
    QString jsonPath;
    QString logDir;   // keep each gateway's output here
    int presses = 2000;
    int intervalMs = 20;
    int manyClients = 100;
    int largeClients = 1000;
    int largeIntervalMs = 50;
    int largeQuietSeconds = 30;   // one keep-alive round of the gateway
    int listenerClients = 500;    // phones of listeners500, beside one screen
    int listenerIntervalMs = 50;
    int burstPresses = 1000;
    int burstClients = 20;
    int idleSeconds = 10;
    int startupRuns = 10;
    int mediaCount = 100;
    int firstId = 0;
    int downloadMb = 50;
    int downloadClients = 20;
    int baselineIterations = 500;
    int timeoutMs = 2000;
    int repeat = 1;
    int soakMinutes = 60;
    bool quick = false;
    // WebSocket messages timed by their arrival in the client's socket (the
    // kernel's receive time stamp), not by when the bench read them.
    bool arrival = false;
};

#endif // BENCHCONFIG_H
