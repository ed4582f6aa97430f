#include "system/configreloader.h"

#include "system/logging.h"

ConfigReloader::ConfigReloader(const QStringList &arguments, const GatewayConfig::Defaults &defaults,
                               const GatewayConfig &running, QObject *parent)
    : QObject(parent), m_arguments(arguments), m_defaults(defaults), m_running(running)
{
}

void ConfigReloader::reload()
{
    const GatewayConfig::Result parsed = GatewayConfig::parse(m_arguments, m_defaults);
    if (parsed.outcome != GatewayConfig::Outcome::Run) {
        qCWarning(lcConfig).noquote() << "configuration not reloaded, still running as before:" << parsed.message;
        return;
    }
    const GatewayConfig &next = parsed.config;
    const QString source = next.configFile.isEmpty() ? QStringLiteral("the configuration") : next.configFile;

    nameRestartOnly(next, source);
    m_running.configFile = next.configFile;
    if (next.serialPort != m_running.serialPort || next.baudRate != m_running.baudRate) {
        m_running.serialPort = next.serialPort;
        m_running.baudRate = next.baudRate;
        Q_EMIT serialPortChanged(next.serialPort, next.baudRate);
    }
    if (next.pingIntervalS != m_running.pingIntervalS) {
        m_running.pingIntervalS = next.pingIntervalS;
        qCInfo(lcConfig) << "ping_interval_s now" << next.pingIntervalS;
        Q_EMIT pingIntervalChanged(next.pingIntervalS * 1000);
    }
    if (next.pressPolicy != m_running.pressPolicy) {
        m_running.pressPolicy = next.pressPolicy;
        qCInfo(lcConfig) << "press policy reloaded";
        Q_EMIT pressPolicyChanged(next.pressPolicy);
    }
    if (next.openingHours != m_running.openingHours || next.closedDates != m_running.closedDates) {
        m_running.openingHours = next.openingHours;
        m_running.closedDates = next.closedDates;
        qCInfo(lcConfig) << "opening hours reloaded";
        Q_EMIT openingHoursChanged(next.openingHours, next.closedDates);
    }
    if (next.volume != m_running.volume) {
        m_running.volume = next.volume;
        qCInfo(lcConfig) << "volume now" << next.volume;
        Q_EMIT volumeChanged(next.volume);
    }
    if (next.configFile.isEmpty())
        qCInfo(lcConfig) << "configuration reloaded (no config file)";
    else
        qCInfo(lcConfig).noquote() << "configuration reloaded from" << next.configFile;
}

namespace {
QString onOff(bool on)
{
    return on ? QStringLiteral("on") : QStringLiteral("off");
}
QString noneIfEmpty(const QString &path)
{
    return path.isEmpty() ? QStringLiteral("none") : path;
}

QString idOrNone(int id)
{
    return id < 0 ? QStringLiteral("none") : QString::number(id);
}
} // namespace

void ConfigReloader::nameRestartOnly(const GatewayConfig &next, const QString &source)
{
    struct Change
    {
        QString key; // as in the config file
        QString running;
        QString next;
    };
    QList<Change> changes = {
        { QStringLiteral("http_host"), m_running.httpHost.toString(), next.httpHost.toString() },
        { QStringLiteral("http_port"), QString::number(m_running.httpPort), QString::number(next.httpPort) },
        { QStringLiteral("media_dir"), m_running.mediaDir, next.mediaDir },
        { QStringLiteral("first_id"), QString::number(m_running.firstId), QString::number(next.firstId) },
        { QStringLiteral("max_connections"), QString::number(m_running.maxConnections),
          QString::number(next.maxConnections) },
        { QStringLiteral("http_timeout_s"), QString::number(m_running.httpTimeoutS), QString::number(next.httpTimeoutS) },
        { QStringLiteral("metrics"), onOff(m_running.metrics), onOff(next.metrics) },
        { QStringLiteral("stats_db"), noneIfEmpty(m_running.statsDb), noneIfEmpty(next.statsDb) },
        { QStringLiteral("captions"), onOff(m_running.captions), onOff(next.captions) },
        { QStringLiteral("languages"), m_running.languages.join(u','), next.languages.join(u',') },
        { QStringLiteral("language_button"), idOrNone(m_running.languageButton), idOrNone(next.languageButton) },
        { QStringLiteral("max_listeners"), QString::number(m_running.maxListeners), QString::number(next.maxListeners) },
        { QStringLiteral("listen_url"), m_running.listenUrl, next.listenUrl },
    };
    // A preset mode implies its count: name the one the file sets.
    if (next.mode == QLatin1String("custom"))
        changes.append({ QStringLiteral("media_count"), QString::number(m_running.mediaCount), QString::number(next.mediaCount) });
    else
        changes.append({ QStringLiteral("mode"), m_running.mode, next.mode });

    for (const Change &change : std::as_const(changes)) {
        if (change.next == change.running) {
            m_named.remove(change.key);
            continue;
        }
        const auto named = m_named.constFind(change.key);
        if (named != m_named.cend() && *named == change.next)
            continue; // said at an earlier reload
        m_named.insert(change.key, change.next);
        qCWarning(lcConfig).noquote() << QStringLiteral("%1 is %2 in %3 but %4 while running: takes effect after a restart")
                                                 .arg(change.key, change.next, source, change.running);
    }
}
