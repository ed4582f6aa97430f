#ifndef GATEWAYPROCESS_H
#define GATEWAYPROCESS_H

#include <QObject>
#include <QProcess>
#include <QStringList>

// The real selection-panel program as a child process: started on a free
// loopback port, its log lines collected so tests can wait for and count them.
class GatewayProcess : public QObject
{
    Q_OBJECT

public:
    explicit GatewayProcess(QObject *parent = nullptr);
    ~GatewayProcess() override;

    // Starts the gateway with `arguments` plus host, port and config options;
    // returns once it logs that it listens (false on exit or timeout).
    bool start(const QStringList &arguments, const QString &configFile);
    void stop();

    quint16 port() const { return m_port; }
    qint64 pid() const { return m_process.processId(); }
    QProcess *process() { return &m_process; }
    QString errorString() const { return m_error; }

    QStringList logLines() const { return m_log; }
    // Waits until a log line from index `from` on contains `text`; its index or -1.
    int waitForLog(const QString &text, int from = 0, int timeoutMs = 5000);
    int countLog(const QString &text, int from = 0) const;

    // User plus system CPU time the process has used so far, in seconds.
    double cpuSeconds() const;

    static quint16 freePort();

Q_SIGNALS:
    void logged();

private:
    bool startOnce(const QStringList &arguments, const QString &configFile);
    void readLog();

    QProcess m_process;
    quint16 m_port = 0;
    QByteArray m_partial;
    QStringList m_log;
    QString m_error;
};

#endif // GATEWAYPROCESS_H
