#include "system/openinghours.h"

#include <QTest>

// The schedule alone: parsing both keys, and which instants are open, in
// Europe/Berlin, whose clocks skip an hour on 2026-03-29 and repeat one on
// 2026-10-25. Instants are written with their offset, so each is one
// unambiguous moment whatever the machine's own zone.
class tst_OpeningHours : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void parse_data();
    void parse();
    void isOpen_data();
    void isOpen();
    void nextChange_data();
    void nextChange();
    void dayLengthsAcrossDst_data();
    void dayLengthsAcrossDst();
    void nextChangeMatchesAWalk_data();
    void nextChangeMatchesAWalk();
    void invalidTextChangesNothing();

private:
    static QDateTime at(const QString &iso);
    static OpeningHours berlin(const QString &hours, const QString &dates);
};

QDateTime tst_OpeningHours::at(const QString &iso)
{
    const QDateTime when = QDateTime::fromString(iso, Qt::ISODate);
    if (!when.isValid())
        qFatal("bad instant in the test: %s", qPrintable(iso));
    return when;
}

OpeningHours tst_OpeningHours::berlin(const QString &hours, const QString &dates)
{
    OpeningHours schedule;
    schedule.setTimeZone(QTimeZone("Europe/Berlin"));
    if (!schedule.setHours(hours).isEmpty() || !schedule.setClosedDates(dates).isEmpty())
        qFatal("bad schedule in the test: %s / %s", qPrintable(hours), qPrintable(dates));
    return schedule;
}

void tst_OpeningHours::initTestCase()
{
    QVERIFY2(QTimeZone("Europe/Berlin").isValid(), "needs the time zone data (tzdata)");
}

void tst_OpeningHours::parse_data()
{
    QTest::addColumn<bool>("dates"); // closed_dates, else opening_hours
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("error"); // a part of the message; empty: valid

    QTest::newRow("hours empty") << false << "" << "";
    QTest::newRow("hours blank") << false << "   " << "";
    QTest::newRow("hours example") << false << "Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00" << "";
    QTest::newRow("two spans, lower case, short names") << false << "mo-fr 9:00-12:00, 13:00-18:00" << "";
    QTest::newRow("spaces everywhere") << false << " Sa , Su  10:00 - 17:00 ; " << "";
    QTest::newRow("wrapping range, 24:00") << false << "Sat-Mon 10:00-24:00" << "";
    QTest::newRow("whole day") << false << "Mon 00:00-24:00" << "";
    QTest::newRow("unknown day") << false << "Mon-Fry 09:00-18:00" << "'Fry'";
    QTest::newRow("three-day range") << false << "Mon-Tue-Wed 09:00-10:00" << "'Mon-Tue-Wed'";
    QTest::newRow("no times") << false << "Mon-Fri" << "'Mon-Fri' has no times";
    QTest::newRow("no days") << false << "09:00-18:00" << "names no days";
    QTest::newRow("hours only") << false << "Mon 9-18" << "'9-18' is not a time span";
    QTest::newRow("backwards") << false << "Mon 18:00-09:00" << "'18:00-09:00' does not end after it starts";
    QTest::newRow("empty span") << false << "Mon 09:00-09:00" << "does not end after it starts";
    QTest::newRow("past 24:00") << false << "Mon 09:00-24:30" << "'09:00-24:30'";
    QTest::newRow("hour 25") << false << "Mon 25:00-26:00" << "'25:00-26:00'";
    QTest::newRow("minute 60") << false << "Mon 09:60-10:00" << "'09:60-10:00'";
    QTest::newRow("start 24:00") << false << "Mon 24:00-24:00" << "'24:00-24:00'";
    QTest::newRow("missing semicolon") << false << "Mon 09:00-18:00 Tue 10:00-12:00" << "'09:00-18:00 Tue 10:00-12:00'";

    QTest::newRow("dates empty") << true << "" << "";
    QTest::newRow("dates example") << true << "2026-12-24, 2026-12-25" << "";
    QTest::newRow("date range") << true << "2026-12-24..2026-12-26, 2027-01-01" << "";
    QTest::newRow("trailing comma") << true << "2026-12-24," << "";
    QTest::newRow("month 13") << true << "2026-13-01" << "'2026-13-01' is not a date";
    QTest::newRow("30 February") << true << "2026-02-30" << "'2026-02-30'";
    QTest::newRow("German date") << true << "24.12.2026" << "'24.12.2026'";
    QTest::newRow("spaces for commas") << true << "2026-12-24 2026-12-25" << "'2026-12-24 2026-12-25'";
    QTest::newRow("range backwards") << true << "2026-12-26..2026-12-24" << "ends before it starts";
}

void tst_OpeningHours::parse()
{
    QFETCH(bool, dates);
    QFETCH(QString, text);
    QFETCH(QString, error);

    OpeningHours schedule;
    const QString message = dates ? schedule.setClosedDates(text) : schedule.setHours(text);
    if (error.isEmpty()) {
        QCOMPARE(message, QString());
        QCOMPARE(dates ? schedule.closedDatesText() : schedule.hoursText(), text.trimmed());
    } else {
        QVERIFY2(message.contains(error), qPrintable(message));
        QVERIFY(schedule.isAlwaysOpen());
    }
}

void tst_OpeningHours::isOpen_data()
{
    QTest::addColumn<QString>("hours");
    QTest::addColumn<QString>("dates");
    QTest::addColumn<QString>("when");
    QTest::addColumn<bool>("open");

    const QString week = QStringLiteral("Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00");
    QTest::newRow("always") << "" << "" << "2026-03-30T03:00:00+02:00" << true;
    QTest::newRow("Mon 08:59") << week << "" << "2026-03-30T08:59:00+02:00" << false;
    QTest::newRow("Mon 08:59:59.999") << week << "" << "2026-03-30T08:59:59.999+02:00" << false;
    QTest::newRow("Mon 09:00") << week << "" << "2026-03-30T09:00:00+02:00" << true;
    QTest::newRow("Mon 17:59") << week << "" << "2026-03-30T17:59:00+02:00" << true;
    QTest::newRow("Mon 18:00") << week << "" << "2026-03-30T18:00:00+02:00" << false;
    QTest::newRow("Sat 09:30") << week << "" << "2026-04-04T09:30:00+02:00" << false;
    QTest::newRow("Sat 10:00") << week << "" << "2026-04-04T10:00:00+02:00" << true;
    QTest::newRow("Mon 09:00 given in UTC") << week << "" << "2026-03-30T07:00:00Z" << true;
    QTest::newRow("Mon 08:00 given in UTC") << week << "" << "2026-03-30T06:59:00Z" << false;
    QTest::newRow("closed date") << week << "2026-12-24" << "2026-12-24T12:00:00+01:00" << false;
    QTest::newRow("the day before") << week << "2026-12-24" << "2026-12-23T12:00:00+01:00" << true;
    QTest::newRow("dates only, before") << "" << "2026-12-24, 2026-12-25" << "2026-12-23T23:59:00+01:00" << true;
    QTest::newRow("dates only, from midnight") << "" << "2026-12-24, 2026-12-25" << "2026-12-24T00:00:00+01:00" << false;
    QTest::newRow("dates only, second") << "" << "2026-12-24, 2026-12-25" << "2026-12-25T23:59:00+01:00" << false;
    QTest::newRow("dates only, after") << "" << "2026-12-24, 2026-12-25" << "2026-12-26T00:00:00+01:00" << true;
    QTest::newRow("date range") << "" << "2026-12-24..2026-12-26" << "2026-12-25T12:00:00+01:00" << false;
    QTest::newRow("Sat-Mon on Sun") << "Sat-Mon 10:00-12:00" << "" << "2026-04-05T11:00:00+02:00" << true;
    QTest::newRow("Sat-Mon on Mon") << "Sat-Mon 10:00-12:00" << "" << "2026-04-06T11:00:00+02:00" << true;
    QTest::newRow("Sat-Mon on Tue") << "Sat-Mon 10:00-12:00" << "" << "2026-04-07T11:00:00+02:00" << false;
    QTest::newRow("Sat-Mon on Fri") << "Sat-Mon 10:00-12:00" << "" << "2026-04-03T11:00:00+02:00" << false;
    QTest::newRow("lunch break") << "Mon 09:00-12:00, 13:00-18:00" << "" << "2026-03-30T12:30:00+02:00" << false;
    QTest::newRow("after lunch") << "Mon 09:00-12:00, 13:00-18:00" << "" << "2026-03-30T13:00:00+02:00" << true;
    // 2026-03-29: 02:00 CET is followed by 03:00 CEST.
    QTest::newRow("spring: before the skipped hour") << "Sun 02:30-05:00" << "" << "2026-03-29T01:59:00+01:00" << false;
    QTest::newRow("spring: a start in the skipped hour opens at the jump") << "Sun 02:30-05:00" << ""
                                                                          << "2026-03-29T03:00:00+02:00" << true;
    QTest::newRow("spring: 04:59") << "Sun 02:30-05:00" << "" << "2026-03-29T04:59:00+02:00" << true;
    QTest::newRow("spring: 05:00") << "Sun 02:30-05:00" << "" << "2026-03-29T05:00:00+02:00" << false;
    // 2026-10-25: 03:00 CEST is followed by 02:00 CET; 02:xx happens twice.
    QTest::newRow("autumn: first 02:15") << "Sun 01:00-02:30" << "" << "2026-10-25T02:15:00+02:00" << true;
    QTest::newRow("autumn: closed at the first 02:30, not again") << "Sun 01:00-02:30" << ""
                                                                  << "2026-10-25T02:15:00+01:00" << false;
    QTest::newRow("autumn: open through the repeated hour") << "Sun 02:30-04:00" << ""
                                                            << "2026-10-25T02:15:00+01:00" << true;
    QTest::newRow("autumn: before the first 02:30") << "Sun 02:30-04:00" << "" << "2026-10-25T02:15:00+02:00" << false;
}

void tst_OpeningHours::isOpen()
{
    QFETCH(QString, hours);
    QFETCH(QString, dates);
    QFETCH(QString, when);
    QFETCH(bool, open);

    QCOMPARE(berlin(hours, dates).isOpen(at(when)), open);
}

void tst_OpeningHours::nextChange_data()
{
    QTest::addColumn<QString>("hours");
    QTest::addColumn<QString>("dates");
    QTest::addColumn<QString>("when");
    QTest::addColumn<QString>("change"); // empty: none

    const QString weekdays = QStringLiteral("Mon-Fri 09:00-18:00");
    QTest::newRow("always open") << "" << "" << "2026-03-30T12:00:00+02:00" << "";
    QTest::newRow("every day all day") << "Mon-Sun 00:00-24:00" << "" << "2026-03-30T12:00:00+02:00" << "";
    QTest::newRow("08:59 -> 09:00") << weekdays << "" << "2026-03-30T08:59:00+02:00" << "2026-03-30T09:00:00+02:00";
    QTest::newRow("09:00 -> 18:00") << weekdays << "" << "2026-03-30T09:00:00+02:00" << "2026-03-30T18:00:00+02:00";
    QTest::newRow("Fri evening -> Mon, across spring DST") << weekdays << "" << "2026-03-27T18:00:00+01:00"
                                                           << "2026-03-30T09:00:00+02:00";
    QTest::newRow("Fri evening -> Mon, across autumn DST") << weekdays << "" << "2026-10-23T18:30:00+02:00"
                                                           << "2026-10-26T09:00:00+01:00";
    QTest::newRow("closed dates skipped") << weekdays << "2026-12-24..2026-12-26" << "2026-12-23T18:00:00+01:00"
                                          << "2026-12-28T09:00:00+01:00";
    QTest::newRow("closing for a closed date") << "" << "2026-12-24, 2026-12-25" << "2026-12-20T12:00:00+01:00"
                                               << "2026-12-24T00:00:00+01:00";
    QTest::newRow("reopening after two closed dates") << "" << "2026-12-24, 2026-12-25" << "2026-12-24T05:00:00+01:00"
                                                      << "2026-12-26T00:00:00+01:00";
    QTest::newRow("past midnight is one opening") << "Fri 20:00-24:00; Sat 00:00-02:00" << ""
                                                  << "2026-04-03T21:00:00+02:00" << "2026-04-04T02:00:00+02:00";
    QTest::newRow("spring: opens at the jump") << "Sun 02:30-05:00" << "" << "2026-03-29T01:00:00+01:00"
                                               << "2026-03-29T03:00:00+02:00";
    QTest::newRow("spring: closes at 05:00 CEST") << "Sun 02:30-05:00" << "" << "2026-03-29T03:00:00+02:00"
                                                  << "2026-03-29T05:00:00+02:00";
    QTest::newRow("autumn: closes at the first 02:30") << "Sun 01:00-02:30" << "" << "2026-10-25T02:00:00+02:00"
                                                       << "2026-10-25T02:30:00+02:00";
    QTest::newRow("autumn: then opens a week later") << "Sun 01:00-02:30" << "" << "2026-10-25T02:15:00+01:00"
                                                     << "2026-11-01T01:00:00+01:00";
    QTest::newRow("autumn: closes after the repeated hour") << "Sun 02:30-04:00" << "" << "2026-10-25T02:45:00+02:00"
                                                            << "2026-10-25T04:00:00+01:00";
    QTest::newRow("Sat-Mon -> Tue 00:00") << "Sat-Mon 00:00-24:00" << "" << "2026-04-04T12:00:00+02:00"
                                          << "2026-04-07T00:00:00+02:00";
    QTest::newRow("never open") << "Mon 09:00-10:00" << "2026-01-01..2040-12-31" << "2026-03-30T09:30:00+02:00" << "";
}

void tst_OpeningHours::nextChange()
{
    QFETCH(QString, hours);
    QFETCH(QString, dates);
    QFETCH(QString, when);
    QFETCH(QString, change);

    const OpeningHours schedule = berlin(hours, dates);
    const QDateTime next = schedule.nextChange(at(when));
    if (change.isEmpty()) {
        QVERIFY2(!next.isValid(), qPrintable(next.toString(Qt::ISODate)));
        return;
    }
    QVERIFY(next.isValid());
    QCOMPARE(next.toMSecsSinceEpoch(), at(change).toMSecsSinceEpoch());
    QCOMPARE(next.timeZone(), QTimeZone("Europe/Berlin"));
    // A change is a change: the state differs there and not just before.
    QCOMPARE(schedule.isOpen(next), !schedule.isOpen(at(when)));
    QCOMPARE(schedule.isOpen(next.addMSecs(-1)), schedule.isOpen(at(when)));
}

void tst_OpeningHours::dayLengthsAcrossDst_data()
{
    QTest::addColumn<QString>("day"); // a Sunday, open all day
    QTest::addColumn<QString>("before");
    QTest::addColumn<int>("hours");

    QTest::newRow("spring, 23 hours") << "Sun 00:00-24:00" << "2026-03-28T12:00:00+01:00" << 23;
    QTest::newRow("autumn, 25 hours") << "Sun 00:00-24:00" << "2026-10-24T12:00:00+02:00" << 25;
    QTest::newRow("an ordinary Sunday") << "Sun 00:00-24:00" << "2026-04-04T12:00:00+02:00" << 24;
}

void tst_OpeningHours::dayLengthsAcrossDst()
{
    QFETCH(QString, day);
    QFETCH(QString, before);
    QFETCH(int, hours);

    const OpeningHours schedule = berlin(day, QString());
    const QDateTime opens = schedule.nextChange(at(before));
    const QDateTime closes = schedule.nextChange(opens);
    QVERIFY(opens.isValid() && closes.isValid());
    QCOMPARE(opens.time(), QTime(0, 0));
    QCOMPARE(closes.time(), QTime(0, 0));
    QCOMPARE(opens.secsTo(closes), qint64(hours) * 3600);
}

void tst_OpeningHours::nextChangeMatchesAWalk_data()
{
    QTest::addColumn<QString>("hours");
    QTest::addColumn<QString>("dates");
    QTest::addColumn<QString>("from");

    const QStringList schedules = {
        QStringLiteral("Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00"),
        QStringLiteral("Sun 01:00-02:30, 02:45-03:15; Sat 22:00-24:00; Mon 00:00-01:00"),
        QStringLiteral("Fri-Mon 02:00-02:59, 03:00-24:00"),
        QString(),
    };
    for (const QString &hours : schedules) {
        for (const char *from : { "2026-03-27T00:00:00Z", "2026-10-23T00:00:00Z" }) {
            QTest::addRow("%s from %s", qPrintable(hours), from) << hours << "" << from;
            QTest::addRow("%s from %s, closed Sunday", qPrintable(hours), from)
                    << hours << "2026-03-29, 2026-10-25" << from;
        }
    }
}

// Minute by minute through a week with a DST change: each change found is
// the one nextChange() named, and nothing changes in between.
void tst_OpeningHours::nextChangeMatchesAWalk()
{
    QFETCH(QString, hours);
    QFETCH(QString, dates);
    QFETCH(QString, from);

    const OpeningHours schedule = berlin(hours, dates);
    QDateTime at = this->at(from);
    const QDateTime end = at.addDays(6);
    int changes = 0;
    while (at < end) {
        const bool open = schedule.isOpen(at);
        const QDateTime next = schedule.nextChange(at);
        QDateTime walk = at.addSecs(60);
        while (walk <= end && schedule.isOpen(walk) == open)
            walk = walk.addSecs(60);
        if (walk > end) {
            QVERIFY2(!next.isValid() || next > end, qPrintable(next.toString(Qt::ISODate)));
            break;
        }
        QVERIFY2(next.isValid(), qPrintable(walk.toString(Qt::ISODate)));
        QCOMPARE(next.toMSecsSinceEpoch(), walk.toMSecsSinceEpoch());
        at = walk;
        ++changes;
    }
    QCOMPARE(changes > 0, !schedule.isAlwaysOpen());
}

void tst_OpeningHours::invalidTextChangesNothing()
{
    OpeningHours schedule = berlin(QStringLiteral("Mon 09:00-10:00"), QStringLiteral("2026-12-28"));
    QVERIFY(!schedule.setHours(QStringLiteral("Mon 10:00-09:00")).isEmpty());
    QVERIFY(!schedule.setClosedDates(QStringLiteral("tomorrow")).isEmpty());
    QCOMPARE(schedule.hoursText(), QStringLiteral("Mon 09:00-10:00"));
    QCOMPARE(schedule.closedDatesText(), QStringLiteral("2026-12-28"));
    QVERIFY(schedule.isOpen(at(QStringLiteral("2026-12-21T09:30:00+01:00"))));
    QVERIFY(!schedule.isOpen(at(QStringLiteral("2026-12-28T09:30:00+01:00"))));

    // Both keys at once: a text that does not parse counts as empty.
    const OpeningHours lenient(QStringLiteral("Mon 10:00-09:00"), QStringLiteral("2026-12-24"), QTimeZone("Europe/Berlin"));
    QCOMPARE(lenient.hoursText(), QString());
    QVERIFY(!lenient.isAlwaysOpen());
}

QTEST_GUILESS_MAIN(tst_OpeningHours)
#include "tst_openinghours.moc"
