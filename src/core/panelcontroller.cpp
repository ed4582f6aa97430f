#include "core/panelcontroller.h"

#include "core/clock.h"
#include "media/medialibrary.h"
#include "system/logging.h"

#include <algorithm>

using namespace std::chrono_literals;

namespace {
constexpr int logBurst = 5;
constexpr auto logSummaryInterval = 60s;
constexpr long long logSummaryS = std::chrono::seconds(logSummaryInterval).count();

QString idText(int id)
{
    return QString::number(id).rightJustified(3, u'0');
}
} // namespace

PanelController::PanelController(const MediaLibrary *media, Clock *clock, const PressPolicy &policy, QObject *parent)
    : QObject(parent),
      m_media(media),
      m_clock(clock),
      m_policy(policy),
      m_endAlarm(clock->createAlarm([this] { onEndDue(); })),
      m_rejectionLog(logBurst, logSummaryInterval,
                     [this](quint64 heldBack) {
                         qCWarning(lcController, "%llu more presses rejected in the last %lld s: not valid IDs (%llu rejected so far)",
                                   static_cast<unsigned long long>(heldBack), logSummaryS,
                                   static_cast<unsigned long long>(m_rejectedPresses));
                     }),
      m_ignoreLog(logBurst, logSummaryInterval, [this](quint64 heldBack) {
          qCInfo(lcController, "%llu more presses ignored in the last %lld s by the press policy (%llu so far)",
                 static_cast<unsigned long long>(heldBack), logSummaryS,
                 static_cast<unsigned long long>(m_ignoredPresses));
      }),
      m_schedule(clock, [this](bool open) { onOpenChanged(open); })
{
}

PanelController::~PanelController() = default;

std::optional<qint64> PanelController::elapsedMs() const
{
    if (!m_current)
        return std::nullopt;
    return m_clock->nowMs() - m_startedMs;
}

std::optional<qint64> PanelController::remainingMs() const
{
    if (!m_current || !m_durationMs)
        return std::nullopt;
    return std::max<qint64>(0, *m_durationMs - *elapsedMs());
}

QList<int> PanelController::quarantined() const
{
    const qint64 now = m_clock->nowMs();
    QList<int> ids;
    for (auto it = m_quarantinedUntil.cbegin(); it != m_quarantinedUntil.cend(); ++it) {
        if (it.value() > now)
            ids.append(it.key());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

PanelController::Outcome PanelController::press(int id)
{
    const Outcome outcome = decide(id);
    Q_EMIT pressHandled(id, outcome);
    return outcome;
}

PanelController::Outcome PanelController::decide(int id)
{
    if (!m_media->contains(id)) {
        ++m_rejectedPresses;
        if (m_rejectionLog.allow()) {
            qCWarning(lcController, "press %d rejected: valid IDs are %d to %d (%llu rejected so far)", id,
                      m_media->firstId(), m_media->firstId() + m_media->count() - 1,
                      static_cast<unsigned long long>(m_rejectedPresses));
        }
        return Outcome::Rejected;
    }
    if (!m_schedule.refresh()) {
        ++m_ignoredPresses;
        ++m_closedPresses;
        if (m_ignoreLog.allow())
            qCInfo(lcController).noquote() << "press" << idText(id) << "ignored: closed (opening_hours)";
        return Outcome::Ignored;
    }
    if (const char *reason = ignoreReason(id)) {
        ++m_ignoredPresses;
        if (m_ignoreLog.allow())
            qCInfo(lcController).noquote() << "press" << idText(id) << "ignored:" << reason;
        return Outcome::Ignored;
    }
    m_lastAcceptedMs = m_clock->nowMs();
    if (m_policy.mode == PressPolicy::Mode::Toggle && m_current == id) {
        qCDebug(lcController).noquote() << "press" << idText(id) << "stops it";
        ++m_stoppingPresses;
        stop();
        return Outcome::Stopped;
    }
    ++m_playedPresses;
    play(id);
    return Outcome::Played;
}

quint64 PanelController::presses(Outcome outcome) const
{
    switch (outcome) {
    case Outcome::Played:
        return m_playedPresses;
    case Outcome::Stopped:
        return m_stoppingPresses;
    case Outcome::Ignored:
        return m_ignoredPresses;
    case Outcome::Rejected:
        return m_rejectedPresses;
    }
    return 0;
}

quint64 PanelController::endedBy(Ending how) const
{
    const auto it = m_endings.find(how);
    return it == m_endings.end() ? 0 : it->second;
}

// Why a press of a valid ID changes nothing, or nullptr when it counts.
const char *PanelController::ignoreReason(int id)
{
    // Every press of a bouncing button counts towards its quarantine, even
    // those the cool-down or the policy would ignore anyway.
    if (isQuarantined(id))
        return "the button is quarantined";
    if (looksStuck(id))
        return "the button is quarantined";
    const qint64 now = m_clock->nowMs();
    if (m_policy.cooldownMs > 0 && m_lastAcceptedMs && now - *m_lastAcceptedMs < m_policy.cooldownMs)
        return "too soon after the last press (press_cooldown_ms)";
    if (m_policy.mode == PressPolicy::Mode::Ignore && m_current)
        return "something plays (press_policy ignore)";
    return nullptr;
}

bool PanelController::isQuarantined(int id)
{
    const auto it = m_quarantinedUntil.find(id);
    if (it == m_quarantinedUntil.end())
        return false;
    if (it.value() > m_clock->nowMs())
        return true;
    m_quarantinedUntil.erase(it);
    m_recentPresses.remove(id);
    qCInfo(lcController).noquote() << "button" << idText(id) << "is out of quarantine";
    return false;
}

bool PanelController::looksStuck(int id)
{
    if (m_policy.stuckPresses <= 0)
        return false;
    const qint64 now = m_clock->nowMs();
    QList<qint64> &times = m_recentPresses[id];
    times.removeIf([&](qint64 t) { return now - t >= m_policy.stuckWindowMs; });
    times.append(now);
    if (times.size() <= m_policy.stuckPresses)
        return false;
    m_quarantinedUntil.insert(id, now + m_policy.quarantineMs);
    times.clear();
    qCWarning(lcController).noquote()
            << QStringLiteral("button %1 pressed more than %2 times within %3 s: stuck or bouncing? Its presses are "
                              "ignored for %4 s")
                       .arg(idText(id))
                       .arg(m_policy.stuckPresses)
                       .arg(double(m_policy.stuckWindowMs) / 1000)
                       .arg(double(m_policy.quarantineMs) / 1000);
    return true;
}

void PanelController::play(int id)
{
    // A new press preempts, the same ID included: it restarts.
    if (m_current)
        endPlayback(Ending::Preempted);
    m_current = id;
    m_startedMs = m_clock->nowMs();
    m_durationMs = m_media->durationMs(id);
    m_endAlarm->start(m_durationMs ? *m_durationMs + m_policy.endGraceMs : m_policy.maxPlayMs);
    qCDebug(lcController, "press %03d", id);
    Q_EMIT ledSetRequested(id);
    Q_EMIT playbackStarted(id);
}

// Counts the current playback's end and tells how long it played; the
// caller then clears or replaces it.
void PanelController::endPlayback(Ending how)
{
    ++m_endings[how];
    Q_EMIT playbackEnded(*m_current, how, m_clock->nowMs() - m_startedMs);
}

void PanelController::finish()
{
    m_current.reset();
    m_durationMs.reset();
    m_endAlarm->cancel();
}

void PanelController::ended(int id)
{
    if (m_current != id) {
        qCDebug(lcController, "stale ended %d ignored (current %d)", id, m_current.value_or(-1));
        return;
    }
    qCDebug(lcController, "ended %03d", id);
    endPlayback(Ending::Completed);
    finish();
    Q_EMIT ledClearRequested();
}

void PanelController::onEndDue()
{
    if (!m_current)
        return;
    endPlayback(Ending::Timer);
    // No browser said the sound ended: none is connected, a tablet sleeps, or
    // autoplay is blocked. The LED must still go out.
    qCInfo(lcController).noquote() << QStringLiteral("%1 ended by timer after %2 s: no browser reported its end")
                                              .arg(idText(*m_current))
                                              .arg(double(m_clock->nowMs() - m_startedMs) / 1000, 0, 'f', 1);
    finish();
    Q_EMIT ledClearRequested();
}

void PanelController::stop()
{
    if (m_current)
        endPlayback(Ending::Stopped);
    finish();
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

void PanelController::onOpenChanged(bool open)
{
    if (!open) {
        // Closing time: whatever plays stops, and the panel goes dark once.
        const bool playing = m_current.has_value();
        if (playing)
            endPlayback(Ending::Closed);
        finish();
        Q_EMIT ledClearRequested();
        if (playing)
            Q_EMIT playbackStopped();
    }
    Q_EMIT openChanged(open);
}

void PanelController::startAttract()
{
    qCInfo(lcController) << "attract mode is not built yet";
}

void PanelController::runLedSelfTest()
{
    qCInfo(lcController) << "the LED self-test is not built yet";
}
