#include "core/pressgate.h"

#include "core/clock.h"
#include "media/medialibrary.h"
#include "system/logging.h"
#include "system/presspolicy.h"

using namespace std::chrono_literals;

namespace {
constexpr int logBurst = 5;
constexpr auto logSummaryInterval = 60s;
constexpr long long logSummaryS = std::chrono::seconds(logSummaryInterval).count();
} // namespace

PressGate::PressGate(const MediaLibrary *media, const Clock *clock, const PressPolicy *policy)
    : m_media(media),
      m_clock(clock),
      m_policy(policy),
      m_quarantine(clock, policy),
      m_rejectionLog(logBurst, logSummaryInterval,
                     [this](quint64 heldBack) {
                         qCWarning(lcController, "%llu more presses rejected in the last %lld s: not valid IDs (%llu rejected so far)",
                                   static_cast<unsigned long long>(heldBack), logSummaryS,
                                   static_cast<unsigned long long>(m_rejected));
                     }),
      m_ignoreLog(logBurst, logSummaryInterval, [this](quint64 heldBack) {
          qCInfo(lcController, "%llu more presses ignored in the last %lld s by the press policy (%llu so far)",
                 static_cast<unsigned long long>(heldBack), logSummaryS, static_cast<unsigned long long>(m_ignored));
      })
{
}

bool PressGate::isValid(int id)
{
    if (m_media->contains(id))
        return true;
    ++m_rejected;
    if (m_rejectionLog.allow()) {
        qCWarning(lcController, "press %d rejected: valid IDs are %d to %d (%llu rejected so far)", id,
                  m_media->firstId(), m_media->firstId() + m_media->count() - 1,
                  static_cast<unsigned long long>(m_rejected));
    }
    return false;
}

bool PressGate::admit(int id, bool playing)
{
    if (const char *reason = ignoreReason(id, playing)) {
        ignore(QStringLiteral("press %1 ignored: %2").arg(id, 3, 10, QLatin1Char('0')).arg(QLatin1String(reason)),
               false);
        return false;
    }
    m_lastAcceptedMs = m_clock->nowMs();
    return true;
}

void PressGate::ignore(const QString &what, bool closed)
{
    ++m_ignored;
    m_closed += closed;
    if (m_ignoreLog.allow())
        qCInfo(lcController).noquote() << what;
}

// Why a press of a valid ID changes nothing, or nullptr when it counts.
const char *PressGate::ignoreReason(int id, bool playing)
{
    if (m_quarantine.holds(id))
        return "the button is quarantined";
    const qint64 now = m_clock->nowMs();
    if (m_policy->cooldownMs > 0 && m_lastAcceptedMs && now - *m_lastAcceptedMs < m_policy->cooldownMs)
        return "too soon after the last press (press_cooldown_ms)";
    if (m_policy->mode == PressPolicy::Mode::Ignore && playing)
        return "something plays (press_policy ignore)";
    return nullptr;
}
