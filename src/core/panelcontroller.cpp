#include "core/panelcontroller.h"

#include "system/logging.h"
#include "media/medialibrary.h"

namespace {
QJsonObject message(const char *type)
{
    return { { QStringLiteral("type"), QLatin1String(type) } };
}
} // namespace

PanelController::PanelController(const MediaLibrary *media, const QString &version, QObject *parent)
    : QObject(parent), m_media(media), m_version(version)
{
}

QJsonObject PanelController::stateMessage() const
{
    QJsonObject state = message("state");
    state.insert(QStringLiteral("current"), m_current ? QJsonValue(*m_current) : QJsonValue());
    state.insert(QStringLiteral("first_id"), m_media->firstId());
    state.insert(QStringLiteral("media_count"), m_media->count());
    state.insert(QStringLiteral("version"), m_version);
    state.insert(QStringLiteral("serial_connected"), m_panelConnected);
    state.insert(QStringLiteral("serial_enabled"), m_panelExpected);
    state.insert(QStringLiteral("media_complete"), m_media->isComplete());
    state.insert(QStringLiteral("items"), m_media->items());
    return state;
}

bool PanelController::press(int id)
{
    if (!m_media->contains(id)) {
        ++m_rejectedPresses;
        qCWarning(lcController, "press %d ignored: valid IDs are %d to %d (%llu rejected so far)", id,
                  m_media->firstId(), m_media->firstId() + m_media->count() - 1,
                  static_cast<unsigned long long>(m_rejectedPresses));
        return false;
    }
    // A new press always preempts, the same ID included: it restarts.
    m_current = id;
    qCDebug(lcController, "press %03d", id);
    Q_EMIT ledSetRequested(id);
    Q_EMIT broadcastRequested(message("stop"));
    QJsonObject play = m_media->item(id);
    play.insert(QStringLiteral("type"), QStringLiteral("play"));
    Q_EMIT broadcastRequested(play);
    return true;
}

void PanelController::ended(int id)
{
    if (m_current != id) {
        qCDebug(lcController, "stale ended %d ignored (current %d)", id, m_current.value_or(-1));
        return;
    }
    qCDebug(lcController, "ended %03d", id);
    m_current.reset();
    Q_EMIT ledClearRequested();
}

void PanelController::stop()
{
    m_current.reset();
    Q_EMIT broadcastRequested(message("stop"));
    Q_EMIT ledClearRequested();
}

void PanelController::panelReady()
{
    if (m_current)
        Q_EMIT ledSetRequested(*m_current);
    else
        Q_EMIT ledClearRequested();
}

void PanelController::setPanelConnected(bool connected)
{
    if (connected == m_panelConnected)
        return;
    m_panelConnected = connected;
    QJsonObject panel = message("panel");
    panel.insert(QStringLiteral("connected"), connected);
    Q_EMIT broadcastRequested(panel);
    if (connected)
        panelReady();
}

void PanelController::mediaChanged()
{
    QJsonObject media = message("media");
    media.insert(QStringLiteral("first_id"), m_media->firstId());
    media.insert(QStringLiteral("media_count"), m_media->count());
    media.insert(QStringLiteral("media_complete"), m_media->isComplete());
    media.insert(QStringLiteral("items"), m_media->items());
    Q_EMIT broadcastRequested(media);
}
