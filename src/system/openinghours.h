#ifndef OPENINGHOURS_H
#define OPENINGHOURS_H

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>

#include <array>

// When the exhibit is open (README.md, "Opening hours"): weekly hours such as
// `Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00` and closed dates such as
// `2026-12-24, 2026-12-25`, in one time zone. Empty texts mean always open.
// A pure value: no timers, no clock of its own; the caller says what time it
// is. Times are wall-clock times of the zone: a span opens at the first
// instant the clock there reads its start or later (so a start in the hour
// skipped in spring opens at the jump) and closes likewise at its end.
class OpeningHours
{
public:
    // Always open, in the system's time zone.
    OpeningHours();
    // Both keys at once; a text that does not parse counts as empty (check it
    // first with setHours/setClosedDates, as the configuration does).
    OpeningHours(const QString &hours, const QString &closedDates, const QTimeZone &zone = QTimeZone::systemTimeZone());

    // Each returns why the text is not valid (naming the bad part), or an
    // empty string; an invalid text changes nothing.
    QString setHours(const QString &text);
    QString setClosedDates(const QString &text);
    void setTimeZone(const QTimeZone &zone) { m_zone = zone; }

    QString hoursText() const { return m_hoursText; }
    QString closedDatesText() const { return m_datesText; }
    QTimeZone timeZone() const { return m_zone; }
    bool isAlwaysOpen() const { return m_hoursText.isEmpty() && m_closed.isEmpty(); }

    bool isOpen(const QDateTime &when) const;
    // The first instant after `when` at which isOpen() says otherwise, in
    // this zone; invalid when there is none (always open, or no change within
    // ten years).
    QDateTime nextChange(const QDateTime &when) const;

    bool operator==(const OpeningHours &other) const
    {
        return m_hoursText == other.m_hoursText && m_datesText == other.m_datesText && m_zone == other.m_zone;
    }
    bool operator!=(const OpeningHours &other) const { return !(*this == other); }

private:
    struct Span // minutes of the day, [start, end); end up to 1440
    {
        int start;
        int end;
    };
    struct DateRange // inclusive
    {
        QDate first;
        QDate last;
    };

    QList<Span> spansOf(const QDate &date) const;
    bool isClosedDate(const QDate &date) const;
    qint64 offsetMsAt(qint64 utcMs) const;
    qint64 instantOf(const QDate &date, int minute) const;
    QDate localDate(qint64 utcMs) const;

    QString m_hoursText;
    QString m_datesText;
    std::array<QList<Span>, 7> m_week; // Monday first; sorted, merged
    QList<DateRange> m_closed;
    QTimeZone m_zone;
};

#endif // OPENINGHOURS_H
