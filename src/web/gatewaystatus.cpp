#include "web/gatewaystatus.h"

#include "core/panelcontroller.h"
#include "media/medialibrary.h"
#include "panel/panellink.h"
#include "web/websockethub.h"

#include <QCoreApplication>

namespace {
QJsonValue orNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue() : QJsonValue(text);
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
    s.firstId = m_media.firstId();
    s.mediaCount = m_media.count();
    s.panelEnabled = m_link.isEnabled();
    s.panelConnected = m_link.isConnected();
    s.panelPort = m_link.isEnabled() ? m_link.portName() : QString();
    s.panelFirmware = m_link.firmware();
    s.mediaDir = m_media.folder();
    s.mediaComplete = m_media.isComplete();
    s.missingFiles = m_media.missingFiles();
    s.items = m_media.items();
    s.browsers = m_hub.clientCount();
    s.rejectedPresses = m_controller.rejectedPresses();
    s.rejectedMessages = m_hub.rejectedMessages();
    s.droppedSerialLines = quint64(m_link.droppedLines());
    s.uptimeS = m_uptime.elapsed() / 1000;
    return s;
}

QJsonObject GatewayStatus::status() const
{
    const GatewaySnapshot s = snapshot();
    return {
        { QStringLiteral("version"), s.version },
        { QStringLiteral("mode"), s.mode },
        { QStringLiteral("num_media"), s.mediaCount },
        { QStringLiteral("first_id"), s.firstId },
        { QStringLiteral("current_button"), s.current ? QJsonValue(*s.current) : QJsonValue() },
        { QStringLiteral("ws_clients"), s.browsers },
        { QStringLiteral("serial_connected"), s.panelConnected },
        // Null without a panel configured, but "" while `auto` finds none.
        { QStringLiteral("serial_port"), s.panelEnabled ? QJsonValue(s.panelPort) : QJsonValue() },
        { QStringLiteral("serial_firmware"), orNull(s.panelFirmware) },
        { QStringLiteral("media_dir"), s.mediaDir },
        { QStringLiteral("media_complete"), s.mediaComplete },
        { QStringLiteral("media_missing"), int(s.missingFiles.size()) },
        { QStringLiteral("missing_files"), QJsonArray::fromStringList(s.missingFiles.mid(0, 10)) },
        { QStringLiteral("rejected_presses"), qint64(s.rejectedPresses) },
        { QStringLiteral("rejected_ws_messages"), qint64(s.rejectedMessages) },
        { QStringLiteral("dropped_serial_lines"), qint64(s.droppedSerialLines) },
        { QStringLiteral("uptime_s"), s.uptimeS },
    };
}

bool GatewayStatus::isHealthy(const GatewaySnapshot &snapshot)
{
    // Without a panel configured (--serial-port none) the serial link cannot fail.
    return snapshot.mediaComplete && (snapshot.panelConnected || !snapshot.panelEnabled);
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
        { QStringLiteral("serial"), s.panelConnected },
        { QStringLiteral("media_complete"), s.mediaComplete },
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
    // One pass over the pattern: the panel's firmware text may hold a '%'.
    return QStringLiteral("current %1, %2, %3 %4, %5, %6 rejected presses, %7 rejected browser messages, "
                          "%8 dropped serial lines, up %9 s")
            .arg(s.current ? id(*s.current) : QStringLiteral("none"), panel, number(s.browsers),
                 s.browsers == 1 ? QStringLiteral("browser") : QStringLiteral("browsers"), media,
                 number(s.rejectedPresses), number(s.rejectedMessages), number(s.droppedSerialLines),
                 number(s.uptimeS));
}
