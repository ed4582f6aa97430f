#ifndef GATEWAYSTATUS_H
#define GATEWAYSTATUS_H

#include "core/gatewaysnapshot.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QString>

class MediaLibrary;
class PanelController;
class PanelLink;
class PlayRecorder;
class WebSocketHub;

// Gathers the facts of the whole gateway from the objects that own them into
// one GatewaySnapshot, and writes /status and /health from it (docs/http.md).
class GatewayStatus
{
public:
    GatewayStatus(const QString &mode, const PanelController &controller, const PanelLink &link,
                  const WebSocketHub &hub, const MediaLibrary &media);

    GatewaySnapshot snapshot() const;

    QJsonObject status() const;
    QJsonObject health() const;
    bool isHealthy() const;
    // One log line with the main facts of /status (SIGUSR1, README.md).
    QString summary() const;
    // The browsers' volume, 0 to 100: from the configuration, not owned by
    // any of the objects above.
    void setVolume(int level) { m_volume = level; }
    // The language the panel's language button chose; empty: none.
    QString language() const;
    // The play records' state for /status (`records`); none: recording off.
    void setRecorder(const PlayRecorder *recorder) { m_recorder = recorder; }
    // The address of the /listen page that visitors' phones are shown
    // (ListenUrl); empty while the gateway knows none of its own.
    void setListenUrl(const QString &url) { m_listenUrl = url; }

private:
    static bool isHealthy(const GatewaySnapshot &snapshot);
    static bool isPanelHealthy(const GatewaySnapshot &snapshot);

    QString m_mode;
    const PanelController &m_controller;
    const PanelLink &m_link;
    const WebSocketHub &m_hub;
    const MediaLibrary &m_media;
    QElapsedTimer m_uptime;
    int m_volume = 100;
    const PlayRecorder *m_recorder = nullptr;
    QString m_listenUrl;
};

#endif // GATEWAYSTATUS_H
