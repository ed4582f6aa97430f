#include "web/adminsessions.h"

#include "virtualclock.h"

#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

// Sessions and the wrong-password throttle of the staff console
// (docs/http.md, "/admin and /api/admin"), in virtual time.
class tst_AdminSessions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokens();
    void expiry();
    void sessionsBounded();
    void throttleGrows_data();
    void throttleGrows();
    void waitRunsDown();
    void rightPasswordResets();
    void addressesApart_data();
    void addressesApart();
    void quietAddressStartsAfresh();
    void addressesBounded();
};

void tst_AdminSessions::tokens()
{
    VirtualClock clock;
    AdminSessions sessions(&clock);
    QSet<QByteArray> seen;
    for (int i = 0; i < 20; ++i) {
        const QByteArray token = sessions.open();
        // 256 bits in base64url without padding: 43 characters.
        QCOMPARE(token.size(), 43);
        QVERIFY2(QByteArray::fromBase64Encoding(token, QByteArray::Base64UrlEncoding
                                                                | QByteArray::AbortOnBase64DecodingErrors).decoded.size()
                         == 32,
                 token.constData());
        QVERIFY(!seen.contains(token));
        seen.insert(token);
        QVERIFY(sessions.isValid(token));
    }
    QCOMPARE(sessions.sessionCount(), 20);
    const QByteArray token = *seen.cbegin();
    sessions.close(token);
    QVERIFY(!sessions.isValid(token));
    QCOMPARE(sessions.sessionCount(), 19);
    QVERIFY(!sessions.isValid(QByteArray()));
    QVERIFY(!sessions.isValid(QByteArray(43, 'A')));
}

void tst_AdminSessions::expiry()
{
    VirtualClock clock;
    AdminSessions sessions(&clock);
    const QByteArray token = sessions.open();
    clock.advance(AdminSessions::LifetimeMs - 1);
    const QByteArray later = sessions.open();
    QVERIFY(sessions.isValid(token));
    clock.advance(1);
    QVERIFY(!sessions.isValid(token));
    QVERIFY(sessions.isValid(later));
    QCOMPARE(sessions.sessionCount(), 1); // the expired one is forgotten
    QCOMPARE(AdminSessions::LifetimeMs, 12 * 3600 * 1000);
}

// More logins than sessions kept: the ones that end soonest make room.
void tst_AdminSessions::sessionsBounded()
{
    VirtualClock clock;
    AdminSessions sessions(&clock);
    QList<QByteArray> tokens;
    for (int i = 0; i < AdminSessions::MaxSessions + 10; ++i) {
        tokens.append(sessions.open());
        clock.advance(1);
    }
    QCOMPARE(sessions.sessionCount(), AdminSessions::MaxSessions);
    for (int i = 0; i < 10; ++i)
        QVERIFY(!sessions.isValid(tokens.at(i)));
    for (qsizetype i = 10; i < tokens.size(); ++i)
        QVERIFY(sessions.isValid(tokens.at(i)));
}

void tst_AdminSessions::throttleGrows_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<qint64>("waitMs"); // after the last of them

    QTest::newRow("1") << 1 << qint64(0);
    QTest::newRow("4") << 4 << qint64(0);
    QTest::newRow("5") << 5 << qint64(1000);
    QTest::newRow("6") << 6 << qint64(2000);
    QTest::newRow("7") << 7 << qint64(4000);
    QTest::newRow("13") << 13 << qint64(256000);
    QTest::newRow("14: capped") << 14 << qint64(300000);
    QTest::newRow("100: capped") << 100 << qint64(300000);
}

// Each wrong password is tried once the wait before it is over.
void tst_AdminSessions::throttleGrows()
{
    QFETCH(int, failures);
    QFETCH(qint64, waitMs);
    VirtualClock clock;
    AdminSessions sessions(&clock);
    const QHostAddress address(u"192.0.2.7"_s);
    qint64 last = -1;
    for (int i = 0; i < failures; ++i) {
        clock.advance(sessions.waitMs(address));
        QCOMPARE(sessions.waitMs(address), 0);
        last = sessions.failed(address);
    }
    QCOMPARE(last, waitMs);
    QCOMPARE(sessions.waitMs(address), waitMs);
}

void tst_AdminSessions::waitRunsDown()
{
    VirtualClock clock;
    AdminSessions sessions(&clock);
    const QHostAddress address(u"192.0.2.7"_s);
    for (int i = 0; i < 5; ++i)
        sessions.failed(address);
    QCOMPARE(sessions.waitMs(address), 1000);
    clock.advance(400);
    QCOMPARE(sessions.waitMs(address), 600);
    clock.advance(600);
    QCOMPARE(sessions.waitMs(address), 0);
}

void tst_AdminSessions::rightPasswordResets()
{
    VirtualClock clock;
    AdminSessions sessions(&clock);
    const QHostAddress address(u"192.0.2.7"_s);
    for (int i = 0; i < 6; ++i)
        sessions.failed(address);
    QVERIFY(sessions.waitMs(address) > 0);
    sessions.succeeded(address);
    QCOMPARE(sessions.waitMs(address), 0);
    QCOMPARE(sessions.trackedAddresses(), 0);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(sessions.failed(address), 0);
    QCOMPARE(sessions.failed(address), 1000);
}

void tst_AdminSessions::addressesApart_data()
{
    QTest::addColumn<QString>("guesser");
    QTest::addColumn<QString>("other");
    QTest::addColumn<bool>("shared");

    QTest::newRow("two IPv4") << u"192.0.2.7"_s << u"192.0.2.8"_s << false;
    QTest::newRow("IPv4 and its mapped form") << u"192.0.2.7"_s << u"::ffff:192.0.2.7"_s << true;
    QTest::newRow("one IPv6 /64") << u"2001:db8:1:2::1"_s << u"2001:db8:1:2:ffff::9"_s << true;
    QTest::newRow("two IPv6 /64") << u"2001:db8:1:2::1"_s << u"2001:db8:1:3::1"_s << false;
}

void tst_AdminSessions::addressesApart()
{
    QFETCH(QString, guesser);
    QFETCH(QString, other);
    QFETCH(bool, shared);
    VirtualClock clock;
    AdminSessions sessions(&clock);
    for (int i = 0; i < 5; ++i)
        sessions.failed(QHostAddress(guesser));
    QCOMPARE(sessions.waitMs(QHostAddress(guesser)), 1000);
    QCOMPARE(sessions.waitMs(QHostAddress(other)), shared ? 1000 : 0);
}

void tst_AdminSessions::quietAddressStartsAfresh()
{
    VirtualClock clock;
    AdminSessions sessions(&clock);
    const QHostAddress address(u"192.0.2.7"_s);
    for (int i = 0; i < 5; ++i)
        sessions.failed(address);
    clock.advance(AdminSessions::ForgetAfterMs + 1);
    QCOMPARE(sessions.failed(address), 0);
}

// A flood of addresses cannot grow the table; the latest guesser is kept.
void tst_AdminSessions::addressesBounded()
{
    VirtualClock clock;
    AdminSessions sessions(&clock);
    const int count = AdminSessions::MaxAddresses + 500;
    for (int i = 0; i < count; ++i) {
        sessions.failed(QHostAddress(quint32(0x0a000000 + i)));
        clock.advance(1);
    }
    QCOMPARE(sessions.trackedAddresses(), AdminSessions::MaxAddresses);
    const QHostAddress latest(quint32(0x0a000000 + count - 1));
    for (int i = 0; i < 4; ++i)
        sessions.failed(latest);
    QCOMPARE(sessions.waitMs(latest), 1000);
    QCOMPARE(sessions.trackedAddresses(), AdminSessions::MaxAddresses);
}

QTEST_GUILESS_MAIN(tst_AdminSessions)
#include "tst_adminsessions.moc"
