#ifndef BROWSERCHANNEL_H
#define BROWSERCHANNEL_H

#include "panel/panellink.h"

#include <QObject>

class GatewayStatus;
class MediaLibrary;
class WebSocketConnection;
class WebSocketHub;

// What browsers are told, and when: turns the controller's, the panel link's
// and the media library's signals into BrowserProtocol messages for the hub
// (docs/websocket.md). It holds no state of its own.
class BrowserChannel : public QObject
{
    Q_OBJECT

public:
    BrowserChannel(const GatewayStatus *status, const MediaLibrary *media, WebSocketHub *hub,
                   QObject *parent = nullptr);

public Q_SLOTS:
    // A browser joined: tell it everything it needs to show what plays.
    void greet(WebSocketConnection *client);
    void playbackStarted(int id);
    void playbackStopped();
    void panelStateChanged(PanelLink::State state);
    void mediaChanged();
    void openChanged(bool open);
    void volumeChanged(int level);
    // Attract mode began; its end reaches browsers as `stop`, `play` or
    // `closed` from the controller's other signals.
    void attractChanged(bool attracting);
    // The language button chose a language; empty: back to the default.
    void languageChanged(const QString &language);

private:
    const GatewayStatus *m_status;
    const MediaLibrary *m_media;
    WebSocketHub *m_hub;
};

#endif // BROWSERCHANNEL_H
