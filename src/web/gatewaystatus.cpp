#include "web/gatewaystatus.h"

#include "core/panelcontroller.h"
#include "media/medialibrary.h"
#include "panel/panellink.h"
#include "records/playrecorder.h"
#include "web/websockethub.h"

#include <QCoreApplication>
#include <QMetaEnum>

namespace {
QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
}

QJsonValue orNull(std::optional<qint64> value)
{
    return value ? QJsonValue(*value) : QJsonValue();
}

// ISO 8601 with the offset in effect then, e.g. 2026-03-30T09:00:00+02:00.
QJsonValue orNull(const QDateTime &when)
{
    return when.isValid() ? QJsonValue(when.toOffsetFromUtc(when.offsetFromUtc()).toString(Qt::ISODate)) : QJsonValue();
}

QString stateName(PanelLink::State state)
{
    switch (state) {
    case PanelLink::State::Disabled:
        return QStringLiteral("disabled");
    case PanelLink::State::Disconnected:
        return QStringLiteral("disconnected");
    case PanelLink::State::Connected:
        return QStringLiteral("connected");
    case PanelLink::State::Silent:
        return QStringLiteral("silent");
    }
    return {};
}

// Every value of `Enum`, by its name in lower case, with its count.
template<typename Enum, typename CountOf>
GatewaySnapshot::Counts countsByName(CountOf countOf)
{
    const QMetaEnum meta = QMetaEnum::fromType<Enum>();
    GatewaySnapshot::Counts counts;
    for (int i = 0; i < meta.keyCount(); ++i)
        counts.append({ PanelController::nameOf(Enum(meta.value(i))), countOf(Enum(meta.value(i))) });
    return counts;
}
} // namespace

GatewayStatus::GatewayStatus(const QString &mode, const PanelController &controller, const PanelLink &link,
                             const WebSocketHub &hub, const MediaLibrary &media)
    : m_mode(mode), m_controller(controller), m_link(link), m_hub(hub), m_media(media)
{
    m_uptime.start();
}

GatewaySnapshot GatewayStatus::snapshot() const
{
    GatewaySnapshot s;
    s.version = QCoreApplication::applicationVersion();
    s.mode = m_mode;
    s.current = m_controller.current();
    s.currentElapsedMs = m_controller.elapsedMs();
    s.currentRemainingMs = m_controller.remainingMs();
    s.firstId = m_media.firstId();
    s.mediaCount = m_media.count();
    s.panelEnabled = m_link.isEnabled();
    s.panelConnected = m_link.isConnected();
    s.panelResponding = m_link.state() == PanelLink::State::Connected;
    s.panelState = stateName(m_link.state());
    s.panelLastLineMs = m_link.lastLineAgeMs();
    s.panelPort = m_link.isEnabled() ? m_link.portName() : QString();
    s.panelFirmware = m_link.firmware();
    s.mediaDir = m_media.folder();
    s.mediaComplete = m_media.isComplete();
    s.missingFiles = m_media.missingFiles();
    s.items = m_media.items();
    s.browsers = m_hub.clientCount();
    s.rejectedPresses = m_controller.rejectedPresses();
    s.ignoredPresses = m_controller.ignoredPresses();
    s.endedByTimer = m_controller.endedByTimer();
    s.quarantined = m_controller.quarantined();
    s.rejectedMessages = m_hub.rejectedMessages();
    s.droppedSerialLines = quint64(m_link.droppedLines());
    s.uptimeS = m_uptime.elapsed() / 1000;
    s.pressesByOutcome = countsByName<PanelController::Outcome>(
            [this](PanelController::Outcome outcome) { return m_controller.presses(outcome); });
    s.playbacksEndedByHow = countsByName<PanelController::Ending>(
            [this](PanelController::Ending how) { return m_controller.endedBy(how); });
    s.panelReconnects = m_link.reconnects();
    s.qtVersion = QString::fromLatin1(qVersion());
    s.open = m_controller.isOpen();
    s.nextOpeningChange = m_controller.nextOpeningChange();
    s.closedPresses = m_controller.closedPresses();
    s.volume = m_volume;
    s.attract = m_controller.isAttracting();
    s.attractVideo = m_media.attractVideoUrl();
    s.languages = m_media.languages();
    s.language = m_controller.language();
    s.captionsInvalid = m_media.invalidCaptions();
    s.languagesMissing = m_media.languagesMissing();
    if (m_recorder && m_recorder->isEnabled()) {
        s.recordsEnabled = true;
        s.recordsWritten = m_recorder->written();
        s.recordsFailed = m_recorder->failed();
        s.recordsError = m_recorder->errorString();
    }
    s.listeners = m_hub.listenerCount();
    s.maxListeners = m_hub.maxListeners();
    s.listenUrl = m_listenUrl;
    return s;
}

QJsonObject GatewayStatus::status() const
{
    const GatewaySnapshot s = snapshot();
    QJsonArray quarantinedJson;
    for (int id : s.quarantined)
        quarantinedJson.append(id);
    QJsonObject status {
        { QStringLiteral("version"), s.version },
        { QStringLiteral("mode"), s.mode },
        { QStringLiteral("num_media"), s.mediaCount },
        { QStringLiteral("first_id"), s.firstId },
        { QStringLiteral("current_button"), s.current ? QJsonValue(*s.current) : QJsonValue() },
        { QStringLiteral("current_elapsed_ms"), orNull(s.currentElapsedMs) },
        { QStringLiteral("current_remaining_ms"), orNull(s.currentRemainingMs) },
        { QStringLiteral("ws_clients"), s.browsers },
        { QStringLiteral("serial_connected"), s.panelConnected },
        // Null without a panel configured, but "" while `auto` finds none.
        { QStringLiteral("serial_port"), s.panelEnabled ? QJsonValue(s.panelPort) : QJsonValue() },
        { QStringLiteral("serial_firmware"), orNull(s.panelFirmware) },
        { QStringLiteral("serial_state"), s.panelState },
        { QStringLiteral("serial_last_line_s"),
          s.panelLastLineMs ? QJsonValue(double(*s.panelLastLineMs) / 1000) : QJsonValue() },
        { QStringLiteral("media_dir"), s.mediaDir },
        { QStringLiteral("media_complete"), s.mediaComplete },
        { QStringLiteral("media_missing"), int(s.missingFiles.size()) },
        { QStringLiteral("missing_files"), QJsonArray::fromStringList(s.missingFiles.mid(0, 10)) },
        { QStringLiteral("rejected_presses"), qint64(s.rejectedPresses) },
        { QStringLiteral("ignored_presses"), qint64(s.ignoredPresses) },
        { QStringLiteral("ended_by_timer"), qint64(s.endedByTimer) },
        { QStringLiteral("quarantined"), quarantinedJson },
        { QStringLiteral("rejected_ws_messages"), qint64(s.rejectedMessages) },
        { QStringLiteral("dropped_serial_lines"), qint64(s.droppedSerialLines) },
        { QStringLiteral("uptime_s"), s.uptimeS },
    };
    status.insert(QStringLiteral("open"), s.open);
    status.insert(QStringLiteral("next_change"), orNull(s.nextOpeningChange));
    status.insert(QStringLiteral("closed_presses"), qint64(s.closedPresses));
    status.insert(QStringLiteral("volume"), s.volume);
    status.insert(QStringLiteral("attract"), s.attract);
    status.insert(QStringLiteral("records"),
                  QJsonObject { { QStringLiteral("enabled"), s.recordsEnabled },
                                { QStringLiteral("written"), qint64(s.recordsWritten) },
                                { QStringLiteral("failed"), qint64(s.recordsFailed) },
                                { QStringLiteral("error"), orNull(s.recordsError) } });
    status.insert(QStringLiteral("languages"), QJsonArray::fromStringList(s.languages));
    status.insert(QStringLiteral("language"), orNull(s.language));
    status.insert(QStringLiteral("captions_invalid"), QJsonArray::fromStringList(s.captionsInvalid));
    QJsonObject missingLanguages;
    for (const auto &[language, ids] : std::as_const(s.languagesMissing)) {
        QJsonArray list;
        for (int id : ids)
            list.append(id);
        missingLanguages.insert(language, list);
    }
    status.insert(QStringLiteral("languages_missing"), missingLanguages);
    status.insert(QStringLiteral("listeners"), s.listeners);
    status.insert(QStringLiteral("max_listeners"), s.maxListeners);
    status.insert(QStringLiteral("listen_url"), orNull(s.listenUrl));
    return status;
}

QString GatewayStatus::language() const
{
    return m_controller.language();
}

bool GatewayStatus::isHealthy(const GatewaySnapshot &snapshot)
{
    // Without a panel configured (--serial-port none) the serial link cannot
    // fail; a connected panel that stopped answering has failed.
    return snapshot.mediaComplete && isPanelHealthy(snapshot);
}

bool GatewayStatus::isPanelHealthy(const GatewaySnapshot &snapshot)
{
    return !snapshot.panelEnabled || (snapshot.panelConnected && snapshot.panelResponding);
}

bool GatewayStatus::isHealthy() const
{
    return isHealthy(snapshot());
}

QJsonObject GatewayStatus::health() const
{
    const GatewaySnapshot s = snapshot();
    return {
        { QStringLiteral("status"), isHealthy(s) ? QStringLiteral("healthy") : QStringLiteral("degraded") },
        { QStringLiteral("serial"), s.panelConnected && s.panelResponding },
        { QStringLiteral("serial_state"), s.panelState },
        { QStringLiteral("media_complete"), s.mediaComplete },
        // Screens only: visitors' phones (listeners) do not show the exhibit.
        { QStringLiteral("screens"), s.browsers - s.listeners },
    };
}

QString GatewayStatus::summary() const
{
    const GatewaySnapshot s = snapshot();
    const auto id = [](int value) { return QString::number(value).rightJustified(3, u'0'); };
    const auto number = [](auto value) { return QString::number(value); };
    QString panel;
    if (!s.panelEnabled)
        panel = QStringLiteral("no panel configured");
    else if (s.panelConnected && !s.panelResponding)
        panel = QStringLiteral("panel silent on ") + s.panelPort;
    else if (s.panelConnected)
        panel = QStringLiteral("panel connected on ") + s.panelPort;
    else
        panel = QStringLiteral("panel not connected (") + (s.panelPort.isEmpty() ? QStringLiteral("none found") : s.panelPort)
                + u')';
    if (!s.panelFirmware.isEmpty())
        panel += QStringLiteral(", firmware ") + s.panelFirmware;
    QString media;
    if (s.mediaComplete) {
        media = QStringLiteral("media complete (IDs %1 to %2)").arg(id(s.firstId), id(s.firstId + s.mediaCount - 1));
    } else {
        media = QStringLiteral("media incomplete: %1 files missing (%2%3)")
                        .arg(number(s.missingFiles.size()), s.missingFiles.mid(0, 3).join(QStringLiteral(", ")),
                             s.missingFiles.size() > 3 ? QStringLiteral(", ...") : QString());
    }
    // Pieces joined, not one pattern: the panel's firmware text may hold a '%'.
    const QStringList parts = {
        QStringLiteral("current ") + (s.current ? id(*s.current) : QStringLiteral("none")),
        s.open ? QStringLiteral("open") : QStringLiteral("closed"),
        panel,
        number(s.browsers) + (s.browsers == 1 ? QStringLiteral(" browser") : QStringLiteral(" browsers")),
        media,
        number(s.rejectedPresses) + QStringLiteral(" rejected presses"),
        number(s.ignoredPresses) + QStringLiteral(" ignored presses"),
        number(s.endedByTimer) + QStringLiteral(" ended by timer"),
        number(s.rejectedMessages) + QStringLiteral(" rejected browser messages"),
        number(s.droppedSerialLines) + QStringLiteral(" dropped serial lines"),
        QStringLiteral("up ") + number(s.uptimeS) + QStringLiteral(" s"),
    };
    return parts.join(QStringLiteral(", "));
}
