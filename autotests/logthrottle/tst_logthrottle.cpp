#include "system/logthrottle.h"

#include <QTest>

using namespace std::chrono_literals;

// The rate limit for per-event log lines: a few at once, then one summary
// per interval with the exact number held back, and afresh after a quiet spell.
class tst_LogThrottle : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burst_data();
    void burst();
    void summaryCountsWhatWasHeldBack();
    void quietIntervalStartsAfresh();
    void noSummaryWithoutHeldBack();
};

void tst_LogThrottle::burst_data()
{
    QTest::addColumn<int>("burst");
    QTest::addColumn<int>("events");
    QTest::addColumn<int>("allowed");

    QTest::newRow("fewer than the burst") << 5 << 3 << 3;
    QTest::newRow("exactly the burst") << 5 << 5 << 5;
    QTest::newRow("a flood") << 5 << 100000 << 5;
    QTest::newRow("burst of 1") << 1 << 10 << 1;
}

void tst_LogThrottle::burst()
{
    QFETCH(int, burst);
    QFETCH(int, events);
    QFETCH(int, allowed);

    QList<quint64> summaries;
    LogThrottle throttle(burst, 1h, [&](quint64 heldBack) { summaries.append(heldBack); });
    int logged = 0;
    for (int i = 0; i < events; ++i)
        logged += throttle.allow();
    QCOMPARE(logged, allowed);
    QVERIFY(summaries.isEmpty()); // not before the interval ends
}

void tst_LogThrottle::summaryCountsWhatWasHeldBack()
{
    // Intervals long enough that a loaded machine cannot split a loop across two.
    QList<quint64> summaries;
    LogThrottle throttle(2, 500ms, [&](quint64 heldBack) { summaries.append(heldBack); });
    for (int i = 0; i < 10; ++i)
        throttle.allow();
    QTRY_COMPARE(summaries, QList<quint64> { 8 });

    // Still flooding: the burst stays used up, each interval gets its own summary.
    for (int i = 0; i < 7; ++i)
        QVERIFY(!throttle.allow());
    QTRY_COMPARE(summaries, (QList<quint64> { 8, 7 }));
}

void tst_LogThrottle::quietIntervalStartsAfresh()
{
    QList<quint64> summaries;
    LogThrottle throttle(2, 500ms, [&](quint64 heldBack) { summaries.append(heldBack); });
    QVERIFY(throttle.allow());
    QVERIFY(throttle.allow());
    QVERIFY(!throttle.allow());
    QTRY_COMPARE(summaries.size(), 1);
    // One interval with nothing held back, then the next event is logged again.
    QTRY_VERIFY(throttle.isIdle());
    QVERIFY(throttle.allow());
    QVERIFY(throttle.allow());
    QVERIFY(!throttle.allow());
    QCOMPARE(summaries, QList<quint64> { 1 });
}

void tst_LogThrottle::noSummaryWithoutHeldBack()
{
    int summaries = 0;
    LogThrottle throttle(3, 20ms, [&](quint64) { ++summaries; });
    QVERIFY(throttle.allow());
    QVERIFY(throttle.allow());
    QVERIFY(!throttle.isIdle());
    // The interval ends without a summary: nothing was held back.
    QTRY_VERIFY(throttle.isIdle());
    QCOMPARE(summaries, 0);
}

QTEST_GUILESS_MAIN(tst_LogThrottle)
#include "tst_logthrottle.moc"
