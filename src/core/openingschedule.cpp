#include "core/openingschedule.h"

#include "core/clock.h"
#include "system/logging.h"

#include <algorithm>

namespace {
// However far off the next change, the wall clock is looked at this often.
constexpr qint64 recheckMs = 60000;

QString timeText(const QDateTime &when)
{
    return when.isValid() ? when.toString(QStringLiteral("yyyy-MM-dd HH:mm")) : QStringLiteral("(no change within ten years)");
}
} // namespace

OpeningSchedule::OpeningSchedule(Clock *clock, std::function<void(bool open)> changed)
    : m_clock(clock), m_changed(std::move(changed)), m_alarm(clock->createAlarm([this] { refresh(); }))
{
}

OpeningSchedule::~OpeningSchedule() = default;

void OpeningSchedule::setHours(const OpeningHours &hours)
{
    const bool hadHours = !m_hours.isAlwaysOpen();
    m_hours = hours;
    const bool wasOpen = m_open;
    refresh();
    if (m_hours.isAlwaysOpen()) {
        if (hadHours) // a start without opening hours stays quiet, as before they existed
            qCInfo(lcController) << "no opening hours any more: always open";
    } else if (m_open == wasOpen) { // a change was logged by refresh()
        qCInfo(lcController).noquote() << (m_open ? "open now, closes at" : "closed now, opens at")
                                       << timeText(m_nextChange);
    }
}

bool OpeningSchedule::refresh()
{
    const QDateTime now = QDateTime::fromMSecsSinceEpoch(m_clock->wallMs(), QTimeZone::utc());
    const bool open = m_hours.isOpen(now);
    m_nextChange = m_hours.nextChange(now);
    if (m_hours.isAlwaysOpen()) {
        m_alarm->cancel();
    } else {
        const qint64 untilChange = m_nextChange.isValid() ? now.msecsTo(m_nextChange) : recheckMs;
        m_alarm->start(std::clamp<qint64>(untilChange, 1, recheckMs));
    }
    if (open != m_open) {
        m_open = open;
        qCInfo(lcController).noquote() << (open ? "open now (opening_hours), closes at" : "closed now (opening_hours), opens at")
                                       << timeText(m_nextChange);
        m_changed(open);
    }
    return m_open;
}
