#include "system/gatewaysettings.h"

#include "system/gatewayconfig.h"
#include "system/openinghours.h"

#include <QHostAddress>
#include <QRegularExpression>
#include <QUrl>

namespace {

struct Setting
{
    QString name;
    QString description;
    QString valueName;
};

// One row per setting, in the order of the help text.
const QList<Setting> &settings()
{
    static const QList<Setting> table = {
        { QStringLiteral("serial-port"), QStringLiteral("The panel's device, auto or none (default: auto)."), QStringLiteral("path") },
        { QStringLiteral("baud"), QStringLiteral("Serial line speed (default: 115200)."), QStringLiteral("n") },
        { QStringLiteral("http-host"), QStringLiteral("Address to listen on (default: 0.0.0.0)."), QStringLiteral("addr") },
        { QStringLiteral("http-port"), QStringLiteral("Port for HTTP and WebSocket (default: 8080)."), QStringLiteral("n") },
        { QStringLiteral("media-dir"), QStringLiteral("The media folder (default: %1)."), QStringLiteral("dir") },
        { QStringLiteral("mode"), QStringLiteral("prototype (10 media) or production (100) (default: prototype)."), QStringLiteral("mode") },
        { QStringLiteral("media-count"), QStringLiteral("Any other number of media."), QStringLiteral("n") },
        { QStringLiteral("first-id"), QStringLiteral("Number of the first button and media file, 0 or 1 (default: 0)."), QStringLiteral("0|1") },
        { QStringLiteral("max-connections"), QStringLiteral("HTTP and WebSocket connections at once; the last 16 serve only /health, /status and /metrics (default: 1024)."), QStringLiteral("n") },
        { QStringLiteral("http-timeout-s"), QStringLiteral("Seconds a client has to send a whole request, and an idle connection is kept (default: 10)."), QStringLiteral("s") },
        { QStringLiteral("ping-interval-s"), QStringLiteral("Seconds of panel silence before the gateway sends PING; 0: off (default: 5)."), QStringLiteral("s") },
        { QStringLiteral("end-grace-ms"), QStringLiteral("After a sound's length, how long the gateway waits for a browser's ended before it ends the sound itself (default: 2000)."), QStringLiteral("ms") },
        { QStringLiteral("max-play-s"), QStringLiteral("When a sound of unknown length is ended by the gateway (default: 600)."), QStringLiteral("s") },
        { QStringLiteral("press-policy"), QStringLiteral("A press while something plays: preempt (it plays), ignore, or toggle (the playing button stops it) (default: preempt)."), QStringLiteral("policy") },
        { QStringLiteral("press-cooldown-ms"), QStringLiteral("A press this soon after the last accepted one is ignored (default: 0)."), QStringLiteral("ms") },
        { QStringLiteral("stuck-presses"), QStringLiteral("One button pressed more often than this within 2 s is ignored for 60 s; 0: off (default: 10)."), QStringLiteral("n") },
        { QStringLiteral("metrics"), QStringLiteral("GET /metrics for Prometheus: on or off (default: on)."), QStringLiteral("on|off") },
        { QStringLiteral("opening-hours"), QStringLiteral("When presses play, in local time, e.g. 'Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00' (default: always)."), QStringLiteral("hours") },
        { QStringLiteral("closed-dates"), QStringLiteral("Dates closed all day, e.g. '2026-12-24, 2026-12-31..2027-01-01' (default: none)."), QStringLiteral("dates") },
        { QStringLiteral("volume"), QStringLiteral("Browsers' volume, 0 to 100 (default: 100)."), QStringLiteral("n") },
        { QStringLiteral("attract-after-s"), QStringLiteral("Seconds without a press, while open and silent, before attract mode: an LED chase and the dashboard's slideshow; 0: off (default: 0)."), QStringLiteral("s") },
        { QStringLiteral("attract-step-ms"), QStringLiteral("Milliseconds each LED of the attract chase and of the LED self-test stays lit, 50 to 10000 (default: 300)."), QStringLiteral("ms") },
        { QStringLiteral("stats-db"), QStringLiteral("SQLite file of the play records, or none (default: stats.sqlite in $STATE_DIRECTORY, else in ~/.local/share/selection-panel)."), QStringLiteral("file") },
        { QStringLiteral("captions"), QStringLiteral("Show NNN.vtt captions with the sounds: on or off (default: on)."), QStringLiteral("on|off") },
        { QStringLiteral("languages"), QStringLiteral("Languages of the sound variants (NNN.de.mp3), the default first, e.g. 'de,en' (default: none)."), QStringLiteral("list") },
        { QStringLiteral("language-button"), QStringLiteral("The panel ID that chooses the next language instead of playing (default: none)."), QStringLiteral("id") },
        { QStringLiteral("max-listeners"), QStringLiteral("Visitors' phones that may follow the exhibit on /listen at once; 0: none (default: 500)."), QStringLiteral("n") },
        { QStringLiteral("listen-url"), QStringLiteral("The address the dashboard's QR code shows (default: http://<first non-loopback IPv4 address>:<port>/listen)."), QStringLiteral("url") },
    };
    return table;
}

const Setting *find(const QString &name)
{
    for (const Setting &setting : settings()) {
        if (setting.name == name)
            return &setting;
    }
    return nullptr;
}

std::optional<qint64> toInteger(const QString &text, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 value = text.trimmed().toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

} // namespace

QStringList GatewaySettings::names()
{
    QStringList names;
    for (const Setting &setting : settings())
        names.append(setting.name);
    return names;
}

QString GatewaySettings::description(const QString &name, const QString &defaultMediaDir)
{
    const Setting *setting = find(name);
    if (!setting)
        return {};
    if (name == QLatin1String("media-dir"))
        return setting->description.arg(defaultMediaDir);
    return setting->description;
}

QString GatewaySettings::valueName(const QString &name)
{
    const Setting *setting = find(name);
    return setting ? setting->valueName : QString();
}

QString GatewaySettings::apply(GatewayConfig &config, const QString &name, const QString &value,
                               std::optional<int> &explicitCount)
{
    const auto invalid = [&](const char *expected) {
        return QStringLiteral("invalid --%1 '%2': expected %3").arg(name, value, QLatin1String(expected));
    };
    if (name == QLatin1String("serial-port")) {
        if (value.trimmed().isEmpty())
            return invalid("a device path, auto or none");
        config.serialPort = value.trimmed();
    } else if (name == QLatin1String("baud")) {
        const auto baud = toInteger(value, 50, 4000000);
        if (!baud)
            return invalid("a line speed from 50 to 4000000");
        config.baudRate = qint32(*baud);
    } else if (name == QLatin1String("http-host")) {
        const QString host = value.trimmed();
        QHostAddress address;
        if (host == QLatin1String("localhost"))
            address = QHostAddress(QHostAddress::LocalHost);
        else if (!address.setAddress(host))
            return invalid("an IP address such as 0.0.0.0 or 127.0.0.1");
        config.httpHost = address;
    } else if (name == QLatin1String("http-port")) {
        const auto port = toInteger(value, 0, 65535);
        if (!port)
            return invalid("a port from 1 to 65535 (0: any free port)");
        config.httpPort = quint16(*port);
    } else if (name == QLatin1String("media-dir")) {
        if (value.trimmed().isEmpty())
            return invalid("a folder");
        config.mediaDir = value.trimmed();
    } else if (name == QLatin1String("mode")) {
        const QString mode = value.trimmed();
        if (mode != QLatin1String("prototype") && mode != QLatin1String("production"))
            return invalid("prototype or production");
        config.mode = mode;
        config.mediaCount = mode == QLatin1String("prototype") ? 10 : 100;
        explicitCount.reset(); // a --mode on the command line overrides media_count from the file
    } else if (name == QLatin1String("media-count")) {
        const auto count = toInteger(value, 1, 999);
        if (!count)
            return invalid("a number of media from 1 to 999");
        explicitCount = int(*count);
    } else if (name == QLatin1String("first-id")) {
        const auto first = toInteger(value, 0, 1);
        if (!first)
            return invalid("0 or 1");
        config.firstId = int(*first);
    } else if (name == QLatin1String("max-connections")) {
        const auto count = toInteger(value, 32, 100000);
        if (!count)
            return invalid("a number of connections from 32 to 100000");
        config.maxConnections = int(*count);
    } else if (name == QLatin1String("http-timeout-s")) {
        const auto seconds = toInteger(value, 1, 3600);
        if (!seconds)
            return invalid("a number of seconds from 1 to 3600");
        config.httpTimeoutS = int(*seconds);
    } else if (name == QLatin1String("ping-interval-s")) {
        const auto seconds = toInteger(value, 0, 3600);
        if (!seconds)
            return invalid("a number of seconds from 0 (off) to 3600");
        config.pingIntervalS = int(*seconds);
    } else if (name == QLatin1String("end-grace-ms")) {
        const auto ms = toInteger(value, 0, 600000);
        if (!ms)
            return invalid("a number of milliseconds from 0 to 600000");
        config.pressPolicy.endGraceMs = *ms;
    } else if (name == QLatin1String("max-play-s")) {
        const auto seconds = toInteger(value, 1, 86400);
        if (!seconds)
            return invalid("a number of seconds from 1 to 86400");
        config.pressPolicy.maxPlayMs = *seconds * 1000;
    } else if (name == QLatin1String("press-policy")) {
        const QString policy = value.trimmed();
        if (policy == QLatin1String("preempt"))
            config.pressPolicy.mode = PressPolicy::Mode::Preempt;
        else if (policy == QLatin1String("ignore"))
            config.pressPolicy.mode = PressPolicy::Mode::Ignore;
        else if (policy == QLatin1String("toggle"))
            config.pressPolicy.mode = PressPolicy::Mode::Toggle;
        else
            return invalid("preempt, ignore or toggle");
    } else if (name == QLatin1String("press-cooldown-ms")) {
        const auto ms = toInteger(value, 0, 600000);
        if (!ms)
            return invalid("a number of milliseconds from 0 to 600000");
        config.pressPolicy.cooldownMs = *ms;
    } else if (name == QLatin1String("stuck-presses")) {
        const auto count = toInteger(value, 0, 1000);
        if (!count)
            return invalid("a number of presses from 0 (off) to 1000");
        config.pressPolicy.stuckPresses = int(*count);
    } else if (name == QLatin1String("metrics")) {
        const QString onOff = value.trimmed();
        if (onOff != QLatin1String("on") && onOff != QLatin1String("off"))
            return invalid("on or off");
        config.metrics = onOff == QLatin1String("on");
    } else if (name == QLatin1String("opening-hours") || name == QLatin1String("closed-dates")) {
        // Checked here so that a bad schedule stops the start (exit 2); the
        // controller parses the same text again.
        OpeningHours check;
        const bool hours = name == QLatin1String("opening-hours");
        const QString error = hours ? check.setHours(value) : check.setClosedDates(value);
        if (!error.isEmpty())
            return QStringLiteral("invalid --%1 '%2': %3").arg(name, value, error);
        (hours ? config.openingHours : config.closedDates) = value.trimmed();
    } else if (name == QLatin1String("volume")) {
        const auto level = toInteger(value, 0, 100);
        if (!level)
            return invalid("a volume from 0 (silent) to 100 (full)");
        config.volume = int(*level);
    } else if (name == QLatin1String("attract-after-s")) {
        const auto seconds = toInteger(value, 0, 86400);
        if (!seconds)
            return invalid("a number of seconds from 0 (off) to 86400");
        config.pressPolicy.attractAfterMs = *seconds * 1000;
    } else if (name == QLatin1String("attract-step-ms")) {
        const auto ms = toInteger(value, 50, 10000);
        if (!ms)
            return invalid("a number of milliseconds from 50 to 10000");
        config.pressPolicy.attractStepMs = *ms;
    } else if (name == QLatin1String("stats-db")) {
        if (value.trimmed().isEmpty())
            return invalid("a file path, or none");
        config.statsDb = value.trimmed() == QLatin1String("none") ? QString() : value.trimmed();
    } else if (name == QLatin1String("captions")) {
        const QString onOff = value.trimmed();
        if (onOff != QLatin1String("on") && onOff != QLatin1String("off"))
            return invalid("on or off");
        config.captions = onOff == QLatin1String("on");
    } else if (name == QLatin1String("languages")) {
        // Lower-case codes as in the file names: de, en, pt-br.
        static const QRegularExpression code(QStringLiteral("^[a-z]{2,3}(-[a-z0-9]{2,8})?$"));
        QStringList languages;
        const QStringList parts = value.split(QLatin1Char(','));
        for (const QString &part : parts) {
            const QString language = part.trimmed();
            if (language.isEmpty() && parts.size() == 1)
                break; // none
            if (!code.match(language).hasMatch() || languages.contains(language))
                return invalid("distinct lower-case language codes separated by commas, e.g. de,en");
            languages.append(language);
        }
        config.languages = languages;
    } else if (name == QLatin1String("language-button")) {
        const QString text = value.trimmed();
        const auto id = toInteger(text, 0, 999);
        if (text != QLatin1String("none") && !id)
            return invalid("a panel ID from 0 to 999, or none");
        config.languageButton = id ? int(*id) : -1;
    } else if (name == QLatin1String("max-listeners")) {
        const auto count = toInteger(value, 0, 100000);
        if (!count)
            return invalid("a number of listeners from 0 (none) to 100000");
        config.maxListeners = int(*count);
    } else if (name == QLatin1String("listen-url")) {
        const QUrl url(value.trimmed(), QUrl::StrictMode);
        if (!value.trimmed().isEmpty()
            && (!url.isValid() || url.host().isEmpty()
                || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))))
            return invalid("an http:// or https:// URL, e.g. http://exhibit.local:8080/listen");
        config.listenUrl = value.trimmed();
    }
    return {};
}
