#include "web/browserchannel.h"

#include "media/medialibrary.h"
#include "web/browserprotocol.h"
#include "web/gatewaystatus.h"
#include "web/websockethub.h"

using namespace BrowserProtocol;

BrowserChannel::BrowserChannel(const GatewayStatus *status, const MediaLibrary *media, WebSocketHub *hub,
                               QObject *parent)
    : QObject(parent), m_status(status), m_media(media), m_hub(hub)
{
}

void BrowserChannel::greet(WebSocketConnection *client)
{
    m_hub->send(client, encode(state(m_status->snapshot())));
}

void BrowserChannel::playbackStarted(int id)
{
    // Stop first: a browser must never play two sounds at once. Both in
    // one write: a second small segment could wait for the first's ACK.
    m_hub->broadcast(QStringList { encode(stop()), encode(play(m_media->item(id), m_status->language())) });
}

void BrowserChannel::playbackStopped()
{
    m_hub->broadcast(encode(stop()));
}

void BrowserChannel::panelStateChanged(PanelLink::State state)
{
    if (state == PanelLink::State::Disabled)
        return;
    const bool connected = state == PanelLink::State::Connected || state == PanelLink::State::Silent;
    m_hub->broadcast(encode(panel(connected, state == PanelLink::State::Connected)));
}

void BrowserChannel::openChanged(bool open)
{
    m_hub->broadcast(encode(openingChanged(open)));
}

void BrowserChannel::volumeChanged(int level)
{
    m_hub->broadcast(encode(volume(level)));
}

void BrowserChannel::attractChanged(bool attracting)
{
    if (attracting)
        m_hub->broadcast(encode(attract()));
}

void BrowserChannel::languageChanged(const QString &chosen)
{
    m_hub->broadcast(encode(language(chosen)));
}

void BrowserChannel::mediaChanged()
{
    m_hub->broadcast(encode(media(m_status->snapshot())));
}
