#include "gatewayprocess.h"

#include "monoclock.h"
#include "signalwait.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QHostAddress>
#include <QTcpServer>

#include <unistd.h>

GatewayProcess::GatewayProcess(QObject *parent) : QObject(parent)
{
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    m_process.setStandardOutputFile(QProcess::nullDevice());
    m_process.setStandardInputFile(QProcess::nullDevice());
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // Log lines must reach our pipe in the program's own format, not journald or a user's pattern.
    environment.insert(QStringLiteral("QT_FORCE_STDERR_LOGGING"), QStringLiteral("1"));
    environment.remove(QStringLiteral("QT_MESSAGE_PATTERN"));
    environment.remove(QStringLiteral("QT_LOGGING_RULES"));
    environment.remove(QStringLiteral("NOTIFY_SOCKET"));
    m_process.setProcessEnvironment(environment);
    connect(&m_process, &QProcess::readyReadStandardError, this, &GatewayProcess::readLog);
    connect(&m_process, &QProcess::finished, this, &GatewayProcess::finished);
}

GatewayProcess::~GatewayProcess()
{
    stop();
}

quint16 GatewayProcess::freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

void GatewayProcess::setLogFile(const QString &path)
{
    m_logFile = path;
    // A file, not a pipe: the child writes without us reading anything.
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(path);
}

void GatewayProcess::setEnvironment(const QProcessEnvironment &environment)
{
    m_process.setProcessEnvironment(environment);
}

bool GatewayProcess::start(const QStringList &arguments, const QString &configFile)
{
    // The free port is only free when probed; another program may take it
    // before the gateway listens, which the gateway reports and exits on.
    for (int attempt = 0; attempt < 3; ++attempt) {
        if (startOnce(arguments, configFile))
            return true;
        if (m_process.state() != QProcess::NotRunning || m_process.exitCode() != 1
            || countLog(QStringLiteral("cannot listen")) == 0)
            return false;
    }
    return false;
}

bool GatewayProcess::startOnce(const QStringList &arguments, const QString &configFile)
{
    stop();
    m_port = freePort();
    QStringList defaults { QStringLiteral("--http-host"), QStringLiteral("127.0.0.1"),
                           QStringLiteral("--http-port"), QString::number(m_port),
                           QStringLiteral("--config"), configFile };
    // No play records in the user's home unless the test asks for a file.
    if (!givesStatsDb(arguments, configFile))
        defaults << QStringLiteral("--stats-db") << QStringLiteral("none");
    if (!run(QStringLiteral(PANEL_GATEWAY_BINARY), defaults + arguments))
        return false;
    const QString listening = QStringLiteral("panel.http: listening on 127.0.0.1:%1").arg(m_port);
    if (waitForLog(listening, 0, 10000) < 0) {
        m_error = QStringLiteral("no '%1' line; log:\n%2").arg(listening, m_log.join(QLatin1Char('\n')));
        return false;
    }
    return true;
}

bool GatewayProcess::givesStatsDb(const QStringList &arguments, const QString &configFile)
{
    for (const QString &argument : arguments) {
        if (argument == QLatin1String("--stats-db") || argument.startsWith(QLatin1String("--stats-db=")))
            return true;
    }
    QFile file(configFile);
    return file.open(QIODevice::ReadOnly) && file.readAll().contains("stats_db");
}

bool GatewayProcess::startCommand(const QStringList &command)
{
    stop();
    if (command.isEmpty()) {
        m_error = QStringLiteral("empty command");
        return false;
    }
    return run(command.first(), command.mid(1));
}

bool GatewayProcess::run(const QString &program, const QStringList &arguments)
{
    m_log.clear();
    m_partial.clear();
    m_process.setProgram(program);
    m_process.setArguments(arguments);
    m_startNs = MonoClock::nowNs();
    m_process.start();
    if (!m_process.waitForStarted(5000)) {
        m_error = QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    return true;
}

void GatewayProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

QString GatewayProcess::commandLine() const
{
    return (QStringList(m_process.program()) + m_process.arguments()).join(QLatin1Char(' '));
}

QString GatewayProcess::exitDescription() const
{
    if (m_process.state() != QProcess::NotRunning)
        return QStringLiteral("running");
    if (m_process.exitStatus() == QProcess::CrashExit)
        return QStringLiteral("crashed");
    return QStringLiteral("exited with status %1").arg(m_process.exitCode());
}

int GatewayProcess::waitForLog(const QString &text, int from, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        for (int i = from; i < m_log.size(); ++i) {
            if (m_log.at(i).contains(text))
                return i;
        }
        from = qMax(from, int(m_log.size()));
        const qint64 left = deadline.remainingTime();
        if (left <= 0 || m_process.state() == QProcess::NotRunning
            || !SignalWait::wait(this, &GatewayProcess::logged, int(left)))
            break;
    }
    readLog();
    for (int i = from; i < m_log.size(); ++i) {
        if (m_log.at(i).contains(text))
            return i;
    }
    return -1;
}

int GatewayProcess::countLog(const QString &text, int from) const
{
    int count = 0;
    for (int i = from; i < m_log.size(); ++i) {
        if (m_log.at(i).contains(text))
            ++count;
    }
    return count;
}

int GatewayProcess::countProblems() const
{
    int count = 0;
    for (const QString &bad : { QStringLiteral("QIODevice::"), QStringLiteral("ERROR: AddressSanitizer"),
                                QStringLiteral("ERROR: LeakSanitizer"), QStringLiteral("runtime error:") })
        count += countLog(bad);
    return count;
}

QString GatewayProcess::logTail(int lines) const
{
    if (m_logFile.isEmpty())
        return m_log.mid(qMax(0, int(m_log.size()) - lines)).join(QLatin1Char('\n'));
    QFile file(m_logFile);
    if (!file.open(QIODevice::ReadOnly))
        return QString();
    const QList<QByteArray> all = file.readAll().split('\n');
    QStringList tail;
    for (int i = qMax(0, int(all.size()) - lines - 1); i < all.size(); ++i) {
        if (!all.at(i).isEmpty())
            tail << QString::fromLocal8Bit(all.at(i));
    }
    return tail.join(QLatin1Char('\n'));
}

double GatewayProcess::cpuSeconds() const
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(m_process.processId()));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    // Fields after the command name, which may itself hold spaces and parentheses.
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    // utime and stime: fields 14 and 15 of the whole line, 11 and 12 counted from the state field.
    if (fields.size() < 13)
        return -1;
    const double ticks = fields.at(11).toDouble() + fields.at(12).toDouble();
    return ticks / double(::sysconf(_SC_CLK_TCK));
}

void GatewayProcess::readLog()
{
    m_partial.append(m_process.readAllStandardError());
    bool any = false;
    qsizetype newline;
    while ((newline = m_partial.indexOf('\n')) >= 0) {
        m_log.append(QString::fromUtf8(m_partial.left(newline)));
        m_partial.remove(0, newline + 1);
        any = true;
    }
    if (any)
        Q_EMIT logged();
}
