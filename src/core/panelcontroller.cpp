#include "core/panelcontroller.h"

#include "media/medialibrary.h"
#include "system/logging.h"

using namespace std::chrono_literals;

namespace {
constexpr int rejectionBurst = 5;
constexpr auto rejectionSummaryInterval = 60s;
} // namespace

PanelController::PanelController(const MediaLibrary *media, QObject *parent)
    : QObject(parent),
      m_media(media),
      m_rejectionLog(rejectionBurst, rejectionSummaryInterval, [this](quint64 heldBack) {
          qCWarning(lcController, "%llu more presses ignored in the last %lld s: not valid IDs (%llu rejected so far)",
                    static_cast<unsigned long long>(heldBack), static_cast<long long>(rejectionSummaryInterval.count()),
                    static_cast<unsigned long long>(m_rejectedPresses));
      })
{
}

bool PanelController::press(int id)
{
    if (!m_media->contains(id)) {
        ++m_rejectedPresses;
        if (m_rejectionLog.allow()) {
            qCWarning(lcController, "press %d ignored: valid IDs are %d to %d (%llu rejected so far)", id,
                      m_media->firstId(), m_media->firstId() + m_media->count() - 1,
                      static_cast<unsigned long long>(m_rejectedPresses));
        }
        return false;
    }
    // A new press always preempts, the same ID included: it restarts.
    m_current = id;
    qCDebug(lcController, "press %03d", id);
    Q_EMIT ledSetRequested(id);
    Q_EMIT playbackStarted(id);
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
    Q_EMIT playbackStopped();
    Q_EMIT ledClearRequested();
}

void PanelController::panelReady()
{
    if (m_current)
        Q_EMIT ledSetRequested(*m_current);
    else
        Q_EMIT ledClearRequested();
}
