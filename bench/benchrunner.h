#ifndef BENCHRUNNER_H
#define BENCHRUNNER_H

#include "benchconfig.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QUrl>

class GatewaySession;
class WsClientPool;

// Runs the selected scenarios against fresh gateway processes and returns
// their raw figures as JSON; anything lost, reordered or failed is noted as
// a problem.
class BenchRunner : public QObject
{
    Q_OBJECT

public:
    // Runs the gateway of config.serverTemplate.
    explicit BenchRunner(const BenchConfig &config, QObject *parent = nullptr);
    // Runs the gateway of serverTemplate as one side of a comparison: label
    // names it in notes and problems. On the side being compared with
    // (lenient), a scenario the gateway cannot do (it does not start, take
    // the clients or serve the file) is marked "unavailable" instead of
    // failing the run; what it loses or reorders is still a problem.
    BenchRunner(const BenchConfig &config, const QString &serverTemplate, const QString &label,
                bool lenient, QObject *parent = nullptr);

    QJsonObject runOnce();
    QJsonObject runScenario(const QString &name);
    QStringList problems() const { return m_problems; }

private:
    QJsonObject runBaseline();
    QJsonObject runStartup();
    // `listeners` more clients connect as visitors' phones (/ws?role=listener)
    // and are timed apart from the `clients` screens.
    QJsonObject runLatency(const QString &name, int clients, int intervalMs, int quietSeconds,
                           int listeners = 0);
    QJsonObject runBurst();
    QJsonObject runIdle();
    QJsonObject runDownload();

    bool startSession(GatewaySession &session, const QString &scenario, qint64 bigAudioBytes,
                      QJsonObject *out);
    bool connectClients(GatewaySession &session, WsClientPool &pool, int count,
                        const QString &scenario, QJsonObject *out);
    bool connectClients(GatewaySession &session, WsClientPool &pool, int count,
                        const QString &scenario, const QUrl &url, QJsonObject *out);
    void problem(const QString &scenario, const QString &text, QJsonObject *out = nullptr);
    // What this gateway cannot do: a problem, or "unavailable" when lenient.
    void unavailable(const QString &scenario, const QString &text, QJsonObject *out);
    void note(const QString &text) const;

    BenchConfig m_config;
    QString m_serverTemplate;
    QString m_label;
    bool m_lenient = false;
    QStringList m_problems;
    int m_sessions = 0;
};

#endif // BENCHRUNNER_H
