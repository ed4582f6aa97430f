#ifndef GATEWAYPROCESS_H
#define GATEWAYPROCESS_H

#include <QObject>
#include <QProcess>
#include <QStringList>

// A gateway as a child process. Its log is read line by line, so that tests
// can wait for and count lines, or with setLogFile() written to a file, so
// that reading it costs the caller nothing (panel-bench). stop() asks the
// process to terminate and kills it when it does not.
class GatewayProcess : public QObject
{
    Q_OBJECT

public:
    explicit GatewayProcess(QObject *parent = nullptr);
    ~GatewayProcess() override;

    // A port nobody listens on right now (bound and released again).
    static quint16 freePort();

    // Both output channels go to this file instead of logLines().
    void setLogFile(const QString &path);
    // Replaces the default: ours, minus what would divert or reformat the log.
    void setEnvironment(const QProcessEnvironment &environment);

    // Starts the selection-panel built in this tree with `arguments` plus
    // host, port and config options, and `--stats-db none` unless the
    // arguments or the config file name a records file; returns once it
    // logs that it listens (false on exit or timeout).
    bool start(const QStringList &arguments, const QString &configFile);
    // Starts any command, program first; returns once it runs.
    bool startCommand(const QStringList &command);
    void stop();

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    quint16 port() const { return m_port; } // the one start() chose
    qint64 pid() const { return m_process.processId(); }
    qint64 startNs() const { return m_startNs; } // MonoClock, right before exec
    QProcess *process() { return &m_process; }
    QString commandLine() const;
    QString errorString() const { return m_error; }
    QString exitDescription() const;

    QStringList logLines() const { return m_log; }
    // Waits until a log line from index `from` on contains `text`; its index or -1.
    int waitForLog(const QString &text, int from = 0, int timeoutMs = 5000);
    int countLog(const QString &text, int from = 0) const;
    // Log lines that mean a bug whatever the test: Qt's own warnings (a socket
    // used after it closed, say) and any sanitizer report (build/asan).
    int countProblems() const;
    // The last `lines` lines of the log, from the file when there is one.
    QString logTail(int lines) const;

    // User plus system CPU time the process has used so far, in seconds.
    double cpuSeconds() const;

Q_SIGNALS:
    void logged();
    void finished();

private:
    bool startOnce(const QStringList &arguments, const QString &configFile);
    static bool givesStatsDb(const QStringList &arguments, const QString &configFile);
    bool run(const QString &program, const QStringList &arguments);
    void readLog();

    QProcess m_process;
    QString m_logFile;
    quint16 m_port = 0;
    qint64 m_startNs = 0;
    QByteArray m_partial;
    QStringList m_log;
    QString m_error;
};

#endif // GATEWAYPROCESS_H
