#include "system/adminpassword.h"

#include <QElapsedTimer>
#include <QTest>

// The stored form of the staff console's password (docs/http.md, "/admin
// and /api/admin"): salted PBKDF2-SHA256 with its iteration count, and
// nothing else accepted.
class tst_AdminPassword : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTrip();
    void salted();
    void storedIterationsCount();
    void malformed_data();
    void malformed();
    void checkTime();
};

void tst_AdminPassword::roundTrip()
{
    const AdminPassword created = AdminPassword::create("Grüße, 1234", 2000);
    QVERIFY(created.isValid());
    const AdminPassword parsed = AdminPassword::parse(created.toLine() + '\n');
    QVERIFY(parsed.isValid());
    QCOMPARE(parsed.toLine(), created.toLine());
    QVERIFY(parsed.verify("Grüße, 1234"));
    QVERIFY(!parsed.verify("Grüße, 1235"));
    QVERIFY(!parsed.verify("Grüße, 123"));
    QVERIFY(!parsed.verify(""));
    QVERIFY(!created.toLine().contains("1234"));
    QVERIFY(!AdminPassword().verify(""));
}

void tst_AdminPassword::salted()
{
    const QByteArray a = AdminPassword::create("same", 1000).toLine();
    const QByteArray b = AdminPassword::create("same", 1000).toLine();
    QVERIFY(a != b);
    QCOMPARE(a.split('$').value(2).size(), b.split('$').value(2).size());
    QVERIFY(a.split('$').value(2) != b.split('$').value(2));
}

// A line written with another count is checked with that count.
void tst_AdminPassword::storedIterationsCount()
{
    const AdminPassword older = AdminPassword::parse(AdminPassword::create("pw", 1500).toLine());
    QCOMPARE(older.iterations(), 1500);
    QVERIFY(older.verify("pw"));
    QCOMPARE(AdminPassword::create("pw").iterations(), AdminPassword::DefaultIterations);
    QVERIFY(AdminPassword::create("pw").toLine().startsWith("pbkdf2-sha256$60000$"));
}

void tst_AdminPassword::malformed_data()
{
    QTest::addColumn<QByteArray>("line");

    const QList<QByteArray> good = AdminPassword::create("pw", 1000).toLine().split('$');
    const auto with = [&good](int field, const QByteArray &value) {
        QList<QByteArray> fields = good;
        fields[field] = value;
        return fields.join('$');
    };
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("plain password") << QByteArray("pw");
    QTest::newRow("other scheme") << with(0, "pbkdf2-sha1");
    QTest::newRow("iterations not a number") << with(1, "many");
    QTest::newRow("too few iterations") << with(1, "999");
    QTest::newRow("too many iterations") << with(1, "10000001");
    QTest::newRow("negative iterations") << with(1, "-60000");
    QTest::newRow("salt not base64") << with(2, "!!!!");
    QTest::newRow("salt too short") << with(2, QByteArray(8, 'x').toBase64());
    QTest::newRow("hash not base64") << with(3, "%%%%");
    QTest::newRow("hash too short") << with(3, QByteArray(16, 'x').toBase64());
    QTest::newRow("hash too long") << with(3, QByteArray(33, 'x').toBase64());
    QTest::newRow("field missing") << QByteArray(good.mid(0, 3).join('$'));
    QTest::newRow("field extra") << QByteArray(good.join('$') + "$x");
}

void tst_AdminPassword::malformed()
{
    QFETCH(QByteArray, line);
    const AdminPassword parsed = AdminPassword::parse(line);
    QVERIFY(!parsed.isValid());
    QVERIFY(!parsed.verify("pw"));
}

// One check at the default count, for the record (docs/http.md, "/admin and
// /api/admin"); only a gross regression fails here.
void tst_AdminPassword::checkTime()
{
    const AdminPassword stored = AdminPassword::create("pw");
    QElapsedTimer timer;
    timer.start();
    QVERIFY(stored.verify("pw"));
    const qint64 ms = timer.elapsed();
    qInfo("one check at %d iterations: %lld ms", AdminPassword::DefaultIterations, ms);
    QVERIFY(ms < 2000);
}

QTEST_GUILESS_MAIN(tst_AdminPassword)
#include "tst_adminpassword.moc"
