#pragma once

#include "progresssource.h"

#include <QProcess>
#include <QString>
#include <QStringList>

// The gateway under test as a black box: a child process started from a
// command template whose {pty}, {port}, {media}, {count} and {first}
// placeholders are filled in after the template was split like a shell does.
class GatewayProcess : public ProgressSource
{
    Q_OBJECT

public:
    struct Fill
    {
        QString pty;
        quint16 port = 0;
        QString media;
        int count = 0;
        int firstId = 0;
    };

    explicit GatewayProcess(QObject *parent = nullptr);
    ~GatewayProcess() override;

    static QStringList expand(const QString &commandTemplate, const Fill &fill);
    // The environment every gateway gets: the one the bench was started
    // with, before the bench changed its own.
    static void setChildEnvironment(const QProcessEnvironment &environment);

    // A port nobody listens on right now (bound and released again).
    static quint16 freePort();

    // Starts the command with its output going to logPath.
    bool start(const QString &commandTemplate, const Fill &fill, const QString &logPath,
               QString *error);
    void stop();

    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }
    qint64 pid() const { return m_process.processId(); }
    qint64 startNs() const { return m_startNs; }   // taken right before exec
    QString commandLine() const { return m_commandLine; }
    QString logTail(int lines) const;
    QString exitDescription() const;

Q_SIGNALS:

private:
    QProcess m_process;
    QString m_logPath;
    QString m_commandLine;
    qint64 m_startNs = 0;
};
