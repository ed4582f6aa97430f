#ifndef SOAKRUNNER_H
#define SOAKRUNNER_H

#include "benchconfig.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QStringList>

class GatewaySession;
class QTcpSocket;
class QWebSocket;

// A museum day compressed into --soak-minutes (60 by default), against one
// gateway process: per hour 100,000 presses, 5,000 browser connects and
// disconnects, 100 unplug/replug cycles of the panel, 20 media changes,
// browsers that stop reading, HTTP clients that never send a request and
// slowloris requests, /health polled throughout. The gateway's resident
// memory and open file descriptors are taken at the start, the middle and
// the end, each after a quiet pause in which the churn settles.
class SoakRunner : public QObject
{
    Q_OBJECT

public:
    explicit SoakRunner(const BenchConfig &config, QObject *parent = nullptr);

    QJsonObject run();
    QStringList problems() const { return m_problems; }

private:
    struct Sample
    {
        qint64 seconds = 0;
        qint64 rssKb = -1;
        int fds = -1;
    };

    Sample sample(const GatewaySession &session) const;
    Sample quietSample(GatewaySession &session);
    void press(GatewaySession &session);
    void churnBrowser(GatewaySession &session);
    void openSlowBrowser(GatewaySession &session);
    void openSilentClient(GatewaySession &session, bool slowloris);
    void changeMedia(GatewaySession &session);
    void pollHealth(GatewaySession &session);
    void closeChurn();

    BenchConfig m_config;
    QStringList m_problems;
    qint64 m_startNs = 0;
    bool m_paused = false;
    qint64 m_presses = 0;
    qint64 m_plays = 0;
    qint64 m_connects = 0;
    int m_replugs = 0;
    int m_mediaChanges = 0;
    int m_healthOk = 0;
    int m_healthOther = 0;
    int m_dropped = 0; // slow browsers the gateway let go
    QList<QWebSocket *> m_churn;
    QList<QWebSocket *> m_slow;
    QList<QTcpSocket *> m_silent;
    QJsonArray m_series;
};

#endif // SOAKRUNNER_H
