#include "core/pressgate.h"
#include "media/medialibrary.h"
#include "system/presspolicy.h"

#include "messagecounter.h"
#include "virtualclock.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

// Which presses count, in the gate's own terms; what the controller does
// with them is tst_panelcontroller's.
class tst_PressGate : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void verdicts_data();
    void verdicts();
    void ignoredPressesLogFewLines();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<MediaLibrary> m_media;
};

// A folder of IDs 1 to 10, each a picture and a sound of one byte.
void tst_PressGate::initTestCase()
{
    QVERIFY(m_dir.isValid());
    for (int id = 1; id <= 10; ++id) {
        for (const char *suffix : { ".jpg", ".mp3" }) {
            QFile file(m_dir.filePath(MediaLibrary::baseName(id) + QLatin1String(suffix)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            QCOMPARE(file.write("x"), 1);
        }
    }
    m_media = std::make_unique<MediaLibrary>(m_dir.path(), 1, 10);
}

void tst_PressGate::verdicts_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("cooldownMs");
    // "press N", "playing N" (a press while something plays), "wait MS".
    QTest::addColumn<QStringList>("steps");
    // What each press became: "counts", "ignored" or "rejected".
    QTest::addColumn<QStringList>("verdicts");

    const QString preempt = QStringLiteral("preempt");
    QTest::newRow("valid IDs count") << preempt << 0 << QStringList{ "press 1", "press 10" }
                                     << QStringList{ "counts", "counts" };
    QTest::newRow("outside the folder") << preempt << 0 << QStringList{ "press 0", "press 11", "press -5" }
                                        << QStringList{ "rejected", "rejected", "rejected" };
    QTest::newRow("preempt: while playing") << preempt << 0 << QStringList{ "press 3", "playing 4" }
                                            << QStringList{ "counts", "counts" };
    QTest::newRow("ignore: while playing") << QStringLiteral("ignore") << 0 << QStringList{ "press 3", "playing 4" }
                                           << QStringList{ "counts", "ignored" };
    QTest::newRow("cool-down") << preempt << 500 << QStringList{ "press 3", "wait 499", "press 4", "wait 1", "press 5" }
                               << QStringList{ "counts", "ignored", "counts" };
    // An ignored press does not start the cool-down again.
    QTest::newRow("cool-down from the last that counted")
            << preempt << 500 << QStringList{ "press 3", "wait 300", "press 4", "wait 200", "press 5" }
            << QStringList{ "counts", "ignored", "counts" };
    QTest::newRow("a rejected press starts no cool-down")
            << preempt << 500 << QStringList{ "press 99", "press 3" } << QStringList{ "rejected", "counts" };
    // The eleventh press of one button within 2 s: a stuck button.
    QStringList stuck, stuckVerdicts;
    for (int i = 0; i < 12; ++i) {
        stuck << QStringLiteral("press 7") << QStringLiteral("wait 100");
        stuckVerdicts << QString::fromLatin1(i < 10 ? "counts" : "ignored");
    }
    QTest::newRow("quarantine") << preempt << 0 << stuck << stuckVerdicts;
}

void tst_PressGate::verdicts()
{
    QFETCH(QString, mode);
    QFETCH(int, cooldownMs);
    QFETCH(QStringList, steps);
    QFETCH(QStringList, verdicts);

    PressPolicy policy;
    policy.mode = mode == QLatin1String("ignore") ? PressPolicy::Mode::Ignore : PressPolicy::Mode::Preempt;
    policy.cooldownMs = cooldownMs;
    VirtualClock clock;
    PressGate gate(m_media.get(), &clock, &policy);

    QStringList seen;
    for (const QString &step : std::as_const(steps)) {
        const QStringList words = step.split(QLatin1Char(' '));
        const int n = words.at(1).toInt();
        if (words.first() == QLatin1String("wait")) {
            clock.advance(n);
            continue;
        }
        const bool playing = words.first() == QLatin1String("playing");
        if (!gate.isValid(n))
            seen << QStringLiteral("rejected");
        else
            seen << QString::fromLatin1(gate.admit(n, playing) ? "counts" : "ignored");
    }
    QCOMPARE(seen, verdicts);
    QCOMPARE(gate.rejected(), quint64(verdicts.count(QStringLiteral("rejected"))));
    QCOMPARE(gate.ignored(), quint64(verdicts.count(QStringLiteral("ignored"))));
    QCOMPARE(gate.closed(), quint64(0));
}

// A button held down, or a panel repeating itself, leaves a few lines and
// then one summary a minute; every press is still counted.
void tst_PressGate::ignoredPressesLogFewLines()
{
    PressPolicy policy;
    policy.mode = PressPolicy::Mode::Ignore;
    policy.stuckPresses = 0; // the same press, again and again: no quarantine here
    VirtualClock clock;
    PressGate gate(m_media.get(), &clock, &policy);
    QVERIFY(gate.admit(2, false));

    const MessageCounter lines(QStringLiteral("ignored: something plays"), QtInfoMsg);
    const MessageCounter closedLines(QStringLiteral("ignored: closed"), QtInfoMsg);
    for (int i = 0; i < 100; ++i)
        QVERIFY(!gate.admit(3, true));
    gate.ignore(QStringLiteral("press 003 ignored: closed (opening_hours)"), true);
    QCOMPARE(gate.ignored(), quint64(101));
    QCOMPARE(gate.closed(), quint64(1));
    QCOMPARE(lines.count(), 5);
    QCOMPARE(closedLines.count(), 0); // within the same burst's silence
}

QTEST_GUILESS_MAIN(tst_PressGate)
#include "tst_pressgate.moc"
