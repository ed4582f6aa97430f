#include "core/buttonquarantine.h"

#include "core/clock.h"
#include "system/logging.h"
#include "system/presspolicy.h"

#include <algorithm>

ButtonQuarantine::ButtonQuarantine(const Clock *clock, const PressPolicy *policy) : m_clock(clock), m_policy(policy)
{
}

bool ButtonQuarantine::holds(int id)
{
    // Every press of a bouncing button counts towards its quarantine, even
    // those the cool-down or the policy would ignore anyway.
    return isHeld(id) || looksStuck(id);
}

QList<int> ButtonQuarantine::held() const
{
    const qint64 now = m_clock->nowMs();
    QList<int> ids;
    for (auto it = m_heldUntil.cbegin(); it != m_heldUntil.cend(); ++it) {
        if (it.value() > now)
            ids.append(it.key());
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

bool ButtonQuarantine::isHeld(int id)
{
    const auto it = m_heldUntil.find(id);
    if (it == m_heldUntil.end())
        return false;
    if (it.value() > m_clock->nowMs())
        return true;
    m_heldUntil.erase(it);
    m_recentPresses.remove(id);
    qCInfo(lcController, "button %03d is out of quarantine", id);
    return false;
}

bool ButtonQuarantine::looksStuck(int id)
{
    if (m_policy->stuckPresses <= 0)
        return false;
    const qint64 now = m_clock->nowMs();
    QList<qint64> &times = m_recentPresses[id];
    times.removeIf([&](qint64 t) { return now - t >= m_policy->stuckWindowMs; });
    times.append(now);
    if (times.size() <= m_policy->stuckPresses)
        return false;
    m_heldUntil.insert(id, now + m_policy->quarantineMs);
    times.clear();
    qCWarning(lcController).noquote()
            << QStringLiteral("button %1 pressed more than %2 times within %3 s: stuck or bouncing? Its presses are "
                              "ignored for %4 s")
                       .arg(id, 3, 10, QLatin1Char('0'))
                       .arg(m_policy->stuckPresses)
                       .arg(double(m_policy->stuckWindowMs) / 1000)
                       .arg(double(m_policy->quarantineMs) / 1000);
    return true;
}
