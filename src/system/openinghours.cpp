#include "system/openinghours.h"

#include <QRegularExpression>

#include <algorithm>
#include <optional>

namespace {

constexpr qint64 dayMs = 86400000;
constexpr qint64 minuteMs = 60000;
constexpr int dayMinutes = 1440;
constexpr qint64 unixEpochJulianDay = 2440588;
constexpr int horizonDays = 3660; // nextChange looks this far ahead

const QStringList dayNames = { QStringLiteral("Mon"), QStringLiteral("Tue"), QStringLiteral("Wed"),
                               QStringLiteral("Thu"), QStringLiteral("Fri"), QStringLiteral("Sat"),
                               QStringLiteral("Sun") };

// Mon = 0 … Sun = 6; three letters or OpenStreetMap's two (Mo, Tu, …).
std::optional<int> dayIndex(const QString &name)
{
    for (int i = 0; i < dayNames.size(); ++i) {
        const QString &day = dayNames.at(i);
        if (name.compare(day, Qt::CaseInsensitive) == 0 || name.compare(day.left(2), Qt::CaseInsensitive) == 0)
            return i;
    }
    return std::nullopt;
}

qint64 floorDiv(qint64 a, qint64 b)
{
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)) ? 1 : 0);
}

} // namespace

OpeningHours::OpeningHours() : m_zone(QTimeZone::systemTimeZone()) { }

OpeningHours::OpeningHours(const QString &hours, const QString &closedDates, const QTimeZone &zone) : m_zone(zone)
{
    setHours(hours);
    setClosedDates(closedDates);
}

QString OpeningHours::setHours(const QString &text)
{
    static const QRegularExpression spanPattern(QStringLiteral("^(\\d{1,2}):(\\d{2})\\s*-\\s*(\\d{1,2}):(\\d{2})$"));
    const QString example = QStringLiteral("e.g. Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00");
    std::array<QList<Span>, 7> week;
    const QStringList rules = text.split(QLatin1Char(';'));
    for (const QString &untrimmed : rules) {
        const QString rule = untrimmed.trimmed();
        if (rule.isEmpty())
            continue;
        const auto firstDigit = std::find_if(rule.cbegin(), rule.cend(), [](QChar c) { return c.isDigit(); });
        if (firstDigit == rule.cend())
            return QStringLiteral("'%1' has no times (%2)").arg(rule, example);
        const QString daysPart = rule.left(firstDigit - rule.cbegin()).trimmed();
        if (daysPart.isEmpty())
            return QStringLiteral("'%1' names no days (%2)").arg(rule, example);

        QList<int> days;
        for (const QString &item : daysPart.split(QLatin1Char(','))) {
            const QStringList ends = item.split(QLatin1Char('-'));
            std::optional<int> from = ends.size() <= 2 ? dayIndex(ends.first().trimmed()) : std::nullopt;
            std::optional<int> to = ends.size() == 2 ? dayIndex(ends.last().trimmed()) : from;
            if (!from || !to) {
                // Name the word that is wrong, where one of two is.
                const QString bad = ends.size() == 2 ? (from ? ends.last() : ends.first()).trimmed() : item.trimmed();
                return QStringLiteral("'%1' is not a day or a range of days (%2)")
                        .arg(bad, dayNames.join(QStringLiteral(", ")));
            }
            // A range may wrap round the week end: Sat-Mon is Sat, Sun, Mon.
            for (int day = *from;; day = (day + 1) % 7) {
                days.append(day);
                if (day == *to)
                    break;
            }
        }

        for (const QString &item : rule.mid(firstDigit - rule.cbegin()).split(QLatin1Char(','))) {
            const QString spanText = item.trimmed();
            const QRegularExpressionMatch match = spanPattern.match(spanText);
            if (!match.hasMatch())
                return QStringLiteral("'%1' is not a time span HH:MM-HH:MM (%2)").arg(spanText, example);
            const int startHour = match.captured(1).toInt();
            const int startMinute = match.captured(2).toInt();
            const int endHour = match.captured(3).toInt();
            const int endMinute = match.captured(4).toInt();
            if (startHour > 23 || startMinute > 59 || endHour > 24 || endMinute > 59 || (endHour == 24 && endMinute != 0))
                return QStringLiteral("'%1' is not a time span: hours 00 to 23 (24:00 as an end), minutes 00 to 59").arg(spanText);
            const Span span { startHour * 60 + startMinute, endHour * 60 + endMinute };
            if (span.end <= span.start) {
                return QStringLiteral("'%1' does not end after it starts (past midnight is two spans: "
                                      "Fri 22:00-24:00; Sat 00:00-02:00)")
                        .arg(spanText);
            }
            for (int day : std::as_const(days))
                week[day].append(span);
        }
    }

    // Spans named twice or touching become one: a day's spans are sorted and disjoint.
    for (QList<Span> &spans : week) {
        std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) { return a.start < b.start; });
        QList<Span> merged;
        for (const Span &span : std::as_const(spans)) {
            if (!merged.isEmpty() && span.start <= merged.last().end)
                merged.last().end = std::max(merged.last().end, span.end);
            else
                merged.append(span);
        }
        spans = merged;
    }
    m_week = week;
    m_hoursText = text.trimmed();
    return {};
}

QString OpeningHours::setClosedDates(const QString &text)
{
    static const QRegularExpression datePattern(QStringLiteral("^(\\d{4})-(\\d{2})-(\\d{2})$"));
    const auto toDate = [](const QString &item) {
        const QRegularExpressionMatch match = datePattern.match(item.trimmed());
        return match.hasMatch() ? QDate(match.captured(1).toInt(), match.captured(2).toInt(), match.captured(3).toInt())
                                : QDate();
    };
    QList<DateRange> closed;
    for (const QString &untrimmed : text.split(QLatin1Char(','))) {
        const QString item = untrimmed.trimmed();
        if (item.isEmpty())
            continue;
        const QStringList ends = item.split(QStringLiteral(".."));
        const QDate first = ends.size() <= 2 ? toDate(ends.first()) : QDate();
        const QDate last = ends.size() == 2 ? toDate(ends.last()) : first;
        if (!first.isValid() || !last.isValid())
            return QStringLiteral("'%1' is not a date YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD").arg(item);
        if (last < first)
            return QStringLiteral("'%1' ends before it starts").arg(item);
        closed.append({ first, last });
    }
    m_closed = closed;
    m_datesText = text.trimmed();
    return {};
}

QList<OpeningHours::Span> OpeningHours::spansOf(const QDate &date) const
{
    if (isClosedDate(date))
        return {};
    if (m_hoursText.isEmpty())
        return { Span { 0, dayMinutes } };
    return m_week.at(date.dayOfWeek() - 1);
}

bool OpeningHours::isClosedDate(const QDate &date) const
{
    return std::any_of(m_closed.cbegin(), m_closed.cend(),
                       [&](const DateRange &range) { return range.first <= date && date <= range.last; });
}

// Only the zone's offset at an instant is asked of Qt, which answers the same
// in Qt 6.4 and 6.8; local times are worked out here (docs/qt-versions.md).
qint64 OpeningHours::offsetMsAt(qint64 utcMs) const
{
    return qint64(m_zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc()))) * 1000;
}

QDate OpeningHours::localDate(qint64 utcMs) const
{
    return QDate::fromJulianDay(floorDiv(utcMs + offsetMsAt(utcMs), dayMs) + unixEpochJulianDay);
}

// The first instant at which the zone's clock reads `minute` on `date` or
// later: the earlier of the two in the hour repeated in autumn, the moment
// of the jump for a time in the hour skipped in spring.
qint64 OpeningHours::instantOf(const QDate &date, int minute) const
{
    const qint64 wall = (date.toJulianDay() - unixEpochJulianDay) * dayMs + minute * minuteMs;
    // A zone changes its offset at most once within a day either side.
    const qint64 before = offsetMsAt(wall - dayMs);
    const qint64 after = offsetMsAt(wall + dayMs);
    std::optional<qint64> found;
    for (const qint64 offset : { before, after }) {
        const qint64 candidate = wall - offset;
        if (offsetMsAt(candidate) == offset && (!found || candidate < *found))
            found = candidate;
    }
    if (found)
        return *found;
    // In a gap: the clock jumps over `minute`; find the jump between the two readings.
    qint64 low = wall - std::max(before, after); // before the jump
    qint64 high = wall - std::min(before, after); // after it
    while (high - low > 1) {
        const qint64 middle = low + (high - low) / 2;
        if (offsetMsAt(middle) == offsetMsAt(low))
            low = middle;
        else
            high = middle;
    }
    return high;
}

bool OpeningHours::isOpen(const QDateTime &when) const
{
    if (isAlwaysOpen())
        return true;
    const qint64 now = when.toMSecsSinceEpoch();
    const QDate today = localDate(now);
    // Yesterday and tomorrow too: where a clock goes back over midnight, an
    // instant of one date can read as the other.
    for (QDate date = today.addDays(-1); date <= today.addDays(1); date = date.addDays(1)) {
        for (const Span &span : spansOf(date)) {
            if (instantOf(date, span.start) <= now && now < instantOf(date, span.end))
                return true;
        }
    }
    return false;
}

QDateTime OpeningHours::nextChange(const QDateTime &when) const
{
    if (isAlwaysOpen())
        return {};
    const qint64 now = when.toMSecsSinceEpoch();
    const QDate today = localDate(now);
    const auto at = [this](qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, m_zone); };

    if (!isOpen(when)) {
        for (QDate date = today.addDays(-1); date <= today.addDays(horizonDays); date = date.addDays(1)) {
            for (const Span &span : spansOf(date)) {
                const qint64 start = instantOf(date, span.start);
                if (start > now && instantOf(date, span.end) > start)
                    return at(start);
            }
        }
        return {};
    }

    // Open: find the span that holds `now`, then follow the spans that touch
    // it, in wall-clock terms, to the first gap.
    std::optional<QDate> endDate;
    int endMinute = 0;
    for (QDate date = today.addDays(-1); date <= today.addDays(horizonDays); date = date.addDays(1)) {
        for (const Span &span : spansOf(date)) {
            if (!endDate) {
                if (date <= today.addDays(1) && instantOf(date, span.start) <= now && now < instantOf(date, span.end)) {
                    endDate = date;
                    endMinute = span.end;
                }
                continue;
            }
            // Touching on the clock face, or only in time: a span that
            // ends in the skipped hour meets one that starts after it.
            const bool touches = (date == *endDate && span.start <= endMinute)
                    || (date == endDate->addDays(1) && endMinute == dayMinutes && span.start == 0)
                    || instantOf(date, span.start) <= instantOf(*endDate, endMinute);
            if (!touches)
                return at(instantOf(*endDate, endMinute));
            endDate = date;
            endMinute = span.end;
        }
        if (endDate && date > *endDate)
            return at(instantOf(*endDate, endMinute)); // a day without spans
    }
    return {};
}
