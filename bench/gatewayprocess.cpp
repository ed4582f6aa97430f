#include "gatewayprocess.h"

#include "monoclock.h"

#include <QFile>
#include <QHostAddress>
#include <QTcpServer>

namespace {
QProcessEnvironment &childEnvironment()
{
    static QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    return environment;
}
} // namespace

void GatewayProcess::setChildEnvironment(const QProcessEnvironment &environment)
{
    childEnvironment() = environment;
}

GatewayProcess::GatewayProcess(QObject *parent)
    : ProgressSource(parent)
{
    connect(&m_process, &QProcess::finished, this, &GatewayProcess::progress);
}

GatewayProcess::~GatewayProcess()
{
    stop();
}

QStringList GatewayProcess::expand(const QString &commandTemplate, const Fill &fill)
{
    QStringList args = QProcess::splitCommand(commandTemplate);
    for (QString &a : args) {
        a.replace(QLatin1String("{pty}"), fill.pty);
        a.replace(QLatin1String("{port}"), QString::number(fill.port));
        a.replace(QLatin1String("{media}"), fill.media);
        a.replace(QLatin1String("{count}"), QString::number(fill.count));
        a.replace(QLatin1String("{first}"), QString::number(fill.firstId));
    }
    return args;
}

quint16 GatewayProcess::freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

bool GatewayProcess::start(const QString &commandTemplate, const Fill &fill,
                           const QString &logPath, QString *error)
{
    QStringList args = expand(commandTemplate, fill);
    if (args.isEmpty()) {
        *error = QStringLiteral("empty server command");
        return false;
    }
    m_commandLine = args.join(QLatin1Char(' '));
    const QString program = args.takeFirst();
    m_logPath = logPath;
    // A file, not a pipe: reading the gateway's log must cost the bench nothing.
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(logPath);
    m_process.setStandardInputFile(QProcess::nullDevice());
    m_process.setProcessEnvironment(childEnvironment());
    m_startNs = MonoClock::nowNs();
    m_process.start(program, args);
    if (!m_process.waitForStarted(5000)) {
        *error = QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    return true;
}

void GatewayProcess::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate();
    if (!m_process.waitForFinished(3000)) {
        m_process.kill();
        m_process.waitForFinished(3000);
    }
}

QString GatewayProcess::logTail(int lines) const
{
    QFile f(m_logPath);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    const QList<QByteArray> all = f.readAll().split('\n');
    QStringList tail;
    for (int i = qMax(0, int(all.size()) - lines - 1); i < all.size(); ++i)
        if (!all.at(i).isEmpty())
            tail << QString::fromLocal8Bit(all.at(i));
    return tail.join(QLatin1Char('\n'));
}

QString GatewayProcess::exitDescription() const
{
    if (m_process.state() != QProcess::NotRunning)
        return QStringLiteral("running");
    if (m_process.exitStatus() == QProcess::CrashExit)
        return QStringLiteral("crashed");
    return QStringLiteral("exited with status %1").arg(m_process.exitCode());
}
