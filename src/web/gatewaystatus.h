#ifndef GATEWAYSTATUS_H
#define GATEWAYSTATUS_H

#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>

class MediaLibrary;
class PanelController;
class PanelLink;
class WebSocketHub;

// What /status and /health report (CONTRACT.md §4), read from the objects
// that own each piece of state.
class GatewayStatus
{
public:
    GatewayStatus(const QString &mode, const PanelController &controller, const PanelLink &link,
                  const WebSocketHub &hub, const MediaLibrary &media);

    QJsonObject status() const;
    QJsonObject health() const;
    bool isHealthy() const;

private:
    QString m_mode;
    const PanelController &m_controller;
    const PanelLink &m_link;
    const WebSocketHub &m_hub;
    const MediaLibrary &m_media;
    QElapsedTimer m_uptime;
};

#endif // GATEWAYSTATUS_H
