#ifndef BENCHRUNNER_H
#define BENCHRUNNER_H

#include "benchconfig.h"

#include <QJsonObject>
#include <QObject>
#include <QStringList>

class GatewaySession;
class WsClientPool;

// Runs the selected scenarios against fresh gateway processes and returns
// their raw figures as JSON; anything lost, reordered or failed is noted as
// a problem.
class BenchRunner : public QObject
{
    Q_OBJECT

public:
    explicit BenchRunner(const BenchConfig &config, QObject *parent = nullptr);

    QJsonObject runOnce();
    QJsonObject runScenario(const QString &name);
    QStringList problems() const { return m_problems; }

private:
    QJsonObject runBaseline();
    QJsonObject runStartup();
    QJsonObject runLatency(const QString &name, int clients, int intervalMs, int quietSeconds);
    QJsonObject runBurst();
    QJsonObject runIdle();
    QJsonObject runDownload();

    bool startSession(GatewaySession &session, const QString &scenario, qint64 bigAudioBytes,
                      QJsonObject *out);
    bool connectClients(GatewaySession &session, WsClientPool &pool, int count,
                        const QString &scenario, QJsonObject *out);
    void problem(const QString &scenario, const QString &text, QJsonObject *out = nullptr);
    void note(const QString &text) const;

    BenchConfig m_config;
    QStringList m_problems;
    int m_sessions = 0;
};

#endif // BENCHRUNNER_H
