#include "web/gatewaystatus.h"

#include "media/medialibrary.h"
#include "core/panelcontroller.h"
#include "panel/panellink.h"
#include "web/websockethub.h"

#include <QCoreApplication>
#include <QJsonArray>

GatewayStatus::GatewayStatus(const QString &mode, const PanelController &controller, const PanelLink &link,
                             const WebSocketHub &hub, const MediaLibrary &media)
    : m_mode(mode), m_controller(controller), m_link(link), m_hub(hub), m_media(media)
{
    m_uptime.start();
}

QJsonObject GatewayStatus::status() const
{
    const std::optional<int> current = m_controller.current();
    const QStringList missing = m_media.missingFiles();
    return {
        { QStringLiteral("version"), QCoreApplication::applicationVersion() },
        { QStringLiteral("mode"), m_mode },
        { QStringLiteral("num_media"), m_media.count() },
        { QStringLiteral("first_id"), m_media.firstId() },
        { QStringLiteral("current_button"), current ? QJsonValue(*current) : QJsonValue() },
        { QStringLiteral("ws_clients"), m_hub.clientCount() },
        { QStringLiteral("serial_connected"), m_link.isConnected() },
        { QStringLiteral("serial_port"), m_link.isEnabled() ? QJsonValue(m_link.portName()) : QJsonValue() },
        { QStringLiteral("serial_firmware"), m_link.firmware().isEmpty() ? QJsonValue() : QJsonValue(m_link.firmware()) },
        { QStringLiteral("media_dir"), m_media.folder() },
        { QStringLiteral("media_complete"), m_media.isComplete() },
        { QStringLiteral("media_missing"), int(missing.size()) },
        { QStringLiteral("missing_files"), QJsonArray::fromStringList(missing.mid(0, 10)) },
        { QStringLiteral("rejected_presses"), qint64(m_controller.rejectedPresses()) },
        { QStringLiteral("rejected_ws_messages"), qint64(m_hub.rejectedMessages()) },
        { QStringLiteral("dropped_serial_lines"), qint64(m_link.droppedLines()) },
        { QStringLiteral("uptime_s"), m_uptime.elapsed() / 1000 },
    };
}

bool GatewayStatus::isHealthy() const
{
    // Without a panel configured (--serial-port none) the serial link cannot fail.
    return m_media.isComplete() && (m_link.isConnected() || !m_link.isEnabled());
}

QJsonObject GatewayStatus::health() const
{
    return {
        { QStringLiteral("status"), isHealthy() ? QStringLiteral("healthy") : QStringLiteral("degraded") },
        { QStringLiteral("serial"), m_link.isConnected() },
        { QStringLiteral("media_complete"), m_media.isComplete() },
    };
}
