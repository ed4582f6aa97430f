#include "gatewaysession.h"

#include "eventwait.h"
#include "httpprobe.h"

#include <QFile>

namespace {

QProcessEnvironment &childEnvironment()
{
    static QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    return environment;
}

struct Fill
{
    QString pty;
    quint16 port = 0;
    QString media;
    int count = 0;
    int firstId = 0;
};

QStringList expand(const QString &commandTemplate, const Fill &fill)
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

} // namespace

void GatewaySession::setChildEnvironment(const QProcessEnvironment &environment)
{
    childEnvironment() = environment;
}

GatewaySession::GatewaySession(QObject *parent)
    : ProgressSource(parent)
{
    connect(&m_gateway, &GatewayProcess::finished, this, &GatewaySession::progress);
}

GatewaySession::~GatewaySession()
{
    stop();
}

QUrl GatewaySession::wsUrl() const
{
    return QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(m_port));
}

bool GatewaySession::start(const Options &options)
{
    if (!m_media.create(options.mediaCount, options.firstId, options.bigAudioBytes)) {
        m_error = m_media.errorString();
        return false;
    }
    if (!m_panel.open(&m_error))
        return false;
    m_port = GatewayProcess::freePort();
    if (m_port == 0) {
        m_error = QStringLiteral("no free TCP port");
        return false;
    }
    Fill fill;
    fill.pty = m_panel.slavePath();
    if (options.panelLink) {
        m_panelLink = m_logDir.filePath(QStringLiteral("panel"));
        QFile::remove(m_panelLink);
        if (!QFile::link(m_panel.slavePath(), m_panelLink)) {
            m_error = QStringLiteral("cannot link %1 to %2").arg(m_panelLink, m_panel.slavePath());
            return false;
        }
        fill.pty = m_panelLink;
    }
    fill.port = m_port;
    fill.media = m_media.path();
    fill.count = options.mediaCount;
    fill.firstId = options.firstId;
    const QStringList command = expand(options.commandTemplate, fill);
    if (command.isEmpty()) {
        m_error = QStringLiteral("empty server command");
        return false;
    }
    m_gateway.setLogFile(options.logPath.isEmpty()
                             ? m_logDir.filePath(QStringLiteral("gateway.log"))
                             : options.logPath);
    // The gateway's default records file goes into the state directory:
    // here the session's own folder, so a run writes records as an exhibit
    // does and leaves nothing in the user's home.
    QProcessEnvironment environment = childEnvironment();
    if (!environment.contains(QStringLiteral("STATE_DIRECTORY")))
        environment.insert(QStringLiteral("STATE_DIRECTORY"), m_logDir.path());
    m_gateway.setEnvironment(environment);
    if (!m_gateway.startCommand(command)) {
        m_error = m_gateway.errorString();
        return false;
    }

    HttpProbe probe(m_port, QStringLiteral("/health"));
    probe.start();
    const bool healthy = EventWait::until(
        [&] { return probe.succeeded() || !m_gateway.isRunning(); }, options.healthTimeoutMs,
        {&probe, this});
    probe.stop();
    if (!healthy || !probe.succeeded()) {
        m_error = m_gateway.isRunning()
            ? QStringLiteral("no 200 from /health within %1 ms (last status %2)")
                  .arg(options.healthTimeoutMs)
                  .arg(probe.lastStatus())
            : QStringLiteral("gateway %1 before it was healthy").arg(m_gateway.exitDescription());
        m_error += QStringLiteral("\n  command: %1\n  log:\n%2")
                       .arg(m_gateway.commandLine(), logTail());
        return false;
    }
    m_startupNs = probe.okNs() - m_gateway.startNs();
    return true;
}

void GatewaySession::stop()
{
    m_gateway.stop();
}

bool GatewaySession::replugPanel()
{
    if (m_panelLink.isEmpty())
        return false;
    m_panel.close();
    QFile::remove(m_panelLink);
    if (!m_panel.open(&m_error))
        return false;
    return QFile::link(m_panel.slavePath(), m_panelLink);
}
