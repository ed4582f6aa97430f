#include "system/openinghours.h"
#include "core/panelcontroller.h"
#include "media/medialibrary.h"

#include "messagecounter.h"
#include "virtualclock.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// A controller in virtual time on a media folder of tiny files, with
// everything it emits recorded in one ordered log ("ledset 42", "play 42",
// "stop", "ledclr"). The sounds of `timed` IDs are real one-second mp3 files
// from the demo media; the others are of unknown length.
class Rig
{
public:
    explicit Rig(int firstId, int count, const PressPolicy &policy = {}, const QList<int> &timed = {})
    {
        QVERIFY(m_dir.isValid());
        for (int id = firstId; id < firstId + count; ++id) {
            write(MediaLibrary::baseName(id) + QStringLiteral(".jpg"), "x");
            const QString sound = MediaLibrary::baseName(id) + QStringLiteral(".mp3");
            if (timed.contains(id))
                QVERIFY(QFile::copy(QStringLiteral(PANEL_SOURCE_MEDIA_DIR "/000.mp3"), m_dir.filePath(sound)));
            else
                write(sound, "x");
        }
        media = std::make_unique<MediaLibrary>(m_dir.path(), firstId, count);
        controller = std::make_unique<PanelController>(media.get(), &clock, policy);
        QObject::connect(controller.get(), &PanelController::ledSetRequested, controller.get(),
                         [this](int id) { log.append(QStringLiteral("ledset %1").arg(id)); });
        QObject::connect(controller.get(), &PanelController::ledClearRequested, controller.get(),
                         [this] { log.append(QStringLiteral("ledclr")); });
        QObject::connect(controller.get(), &PanelController::playbackStarted, controller.get(),
                         [this](int id) { log.append(QStringLiteral("play %1").arg(id)); });
        QObject::connect(controller.get(), &PanelController::playbackStopped, controller.get(),
                         [this] { log.append(QStringLiteral("stop")); });
        QObject::connect(controller.get(), &PanelController::attractChanged, controller.get(), [this](bool on) {
            log.append(on ? QStringLiteral("attract on") : QStringLiteral("attract off"));
        });
        QObject::connect(controller.get(), &PanelController::languageChanged, controller.get(),
                         [this](const QString &language) {
                             log.append(QStringLiteral("language ") + (language.isEmpty() ? QStringLiteral("default") : language));
                         });
    }

    void write(const QString &name, const QByteArray &content)
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }

    // Runs a script such as {"press 3", "wait 500", "ended 3", "stop", "ready"}.
    void run(const QStringList &actions)
    {
        for (const QString &action : actions) {
            const QStringList words = action.split(QLatin1Char(' '));
            const QString verb = words.first();
            const int id = words.size() > 1 ? words.at(1).toInt() : -1;
            if (verb == QLatin1String("press"))
                controller->press(id);
            else if (verb == QLatin1String("ended"))
                controller->ended(id);
            else if (verb == QLatin1String("stop"))
                controller->stop();
            else if (verb == QLatin1String("ready"))
                controller->panelReady();
            else if (verb == QLatin1String("wait"))
                clock.advance(id);
            else if (verb == QLatin1String("attract"))
                controller->startAttract();
            else if (verb == QLatin1String("selftest"))
                controller->runLedSelfTest();
            else
                QFAIL(qPrintable(QStringLiteral("unknown action ") + action));
        }
    }

    VirtualClock clock;
    std::unique_ptr<MediaLibrary> media;
    std::unique_ptr<PanelController> controller;
    QStringList log;

private:
    QTemporaryDir m_dir;
};

class tst_PanelController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void script_data();
    void script();
    void pressReturnsWhetherAccepted_data();
    void pressReturnsWhetherAccepted();
    void signalsAreDirect();
    void rejectionFloodIsThrottled_data();
    void rejectionFloodIsThrottled();
    void backupEnd_data();
    void backupEnd();
    void elapsedAndRemaining();
    void policy_data();
    void policy();
    void bouncingButtonIsQuarantined();
    void quarantineCanBeOff();
    void policyReload();
    void countsOutcomesAndEndings_data();
    void countsOutcomesAndEndings();
    void openingHours_data();
    void openingHours();
    void wallClockJumps_data();
    void wallClockJumps();
    void openingHoursReload();
    void attract_data();
    void attract();
    void attractAndOpeningHours_data();
    void attractAndOpeningHours();
    void attractReload();
    void languageButton_data();
    void languageButton();
    void languageGoesBackToDefault_data();
    void languageGoesBackToDefault();
};

namespace {
PressPolicy policyOf(const QString &mode, qint64 cooldownMs = 0, int stuckPresses = 10)
{
    PressPolicy policy;
    if (mode == QLatin1String("ignore"))
        policy.mode = PressPolicy::Mode::Ignore;
    else if (mode == QLatin1String("toggle"))
        policy.mode = PressPolicy::Mode::Toggle;
    policy.cooldownMs = cooldownMs;
    policy.stuckPresses = stuckPresses;
    return policy;
}
} // namespace

void tst_PanelController::script_data()
{
    QTest::addColumn<int>("firstId");
    QTest::addColumn<int>("count");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<int>("current"); // -1: none
    QTest::addColumn<int>("rejected");

    const QStringList play3 = { "ledset 3", "play 3" };
    const QStringList play5 = { "ledset 5", "play 5" };

    QTest::newRow("six steps") << 0 << 100 << QStringList{ "press 42", "ended 42" }
                               << QStringList{ "ledset 42", "play 42", "ledclr" } << -1 << 0;
    QTest::newRow("press stays current") << 0 << 10 << QStringList{ "press 3" } << play3 << 3 << 0;
    QTest::newRow("preempt, old ended is stale") << 0 << 10 << QStringList{ "press 3", "press 5", "ended 3" }
                                                 << play3 + play5 << 5 << 0;
    QTest::newRow("preempt, new ended clears") << 0 << 10 << QStringList{ "press 3", "press 5", "ended 3", "ended 5" }
                                               << play3 + play5 + QStringList{ "ledclr" } << -1 << 0;
    QTest::newRow("same ID restarts") << 0 << 10 << QStringList{ "press 3", "press 3" } << play3 + play3 << 3 << 0;
    QTest::newRow("same ID restarts, one ended clears")
            << 0 << 10 << QStringList{ "press 3", "press 3", "ended 3", "ended 3" } << play3 + play3 + QStringList{ "ledclr" }
            << -1 << 0;
    QTest::newRow("first ID") << 0 << 10 << QStringList{ "press 0", "ended 0" }
                              << QStringList{ "ledset 0", "play 0", "ledclr" } << -1 << 0;
    QTest::newRow("last ID") << 0 << 10 << QStringList{ "press 9" }
                             << QStringList{ "ledset 9", "play 9" } << 9 << 0;
    QTest::newRow("at first_id + count") << 0 << 10 << QStringList{ "press 10" } << QStringList{} << -1 << 1;
    QTest::newRow("negative") << 0 << 10 << QStringList{ "press -1" } << QStringList{} << -1 << 1;
    QTest::newRow("far out") << 0 << 10 << QStringList{ "press 1000", "press 999", "press 100" } << QStringList{} << -1
                             << 3;
    QTest::newRow("out of range keeps current") << 0 << 10 << QStringList{ "press 3", "press 10", "press -1", "ended 3" }
                                                << play3 + QStringList{ "ledclr" } << -1 << 2;
    QTest::newRow("first_id 1: 0 rejected") << 1 << 10 << QStringList{ "press 0" } << QStringList{} << -1 << 1;
    QTest::newRow("first_id 1: 1 and 10 accepted")
            << 1 << 10 << QStringList{ "press 1", "press 10" }
            << QStringList{ "ledset 1", "play 1", "ledset 10", "play 10" } << 10 << 0;
    QTest::newRow("first_id 1: 11 rejected") << 1 << 10 << QStringList{ "press 11" } << QStringList{} << -1 << 1;
    QTest::newRow("stale ended, nothing current") << 0 << 10 << QStringList{ "ended 3" } << QStringList{} << -1 << 0;
    QTest::newRow("ended for another ID") << 0 << 10 << QStringList{ "press 3", "ended 4" } << play3 << 3 << 0;
    QTest::newRow("ended out of range") << 0 << 10 << QStringList{ "press 3", "ended -1", "ended 1000" } << play3 << 3
                                        << 0;
    QTest::newRow("stop while playing") << 0 << 10 << QStringList{ "press 3", "stop" }
                                        << play3 + QStringList{ "stop", "ledclr" } << -1 << 0;
    QTest::newRow("ended after stop is stale") << 0 << 10 << QStringList{ "press 3", "stop", "ended 3" }
                                               << play3 + QStringList{ "stop", "ledclr" } << -1 << 0;
    QTest::newRow("stop with nothing current") << 0 << 10 << QStringList{ "stop" } << QStringList{ "stop", "ledclr" }
                                               << -1 << 0;
    QTest::newRow("ready, nothing current") << 0 << 10 << QStringList{ "ready" } << QStringList{ "ledclr" } << -1 << 0;
    QTest::newRow("ready while playing") << 0 << 10 << QStringList{ "press 3", "ready" }
                                         << play3 + QStringList{ "ledset 3" } << 3 << 0;
    QTest::newRow("ready after ended") << 0 << 10 << QStringList{ "press 3", "ended 3", "ready" }
                                       << play3 + QStringList{ "ledclr", "ledclr" } << -1 << 0;
}

void tst_PanelController::script()
{
    QFETCH(int, firstId);
    QFETCH(int, count);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);
    QFETCH(int, current);
    QFETCH(int, rejected);

    Rig rig(firstId, count);
    rig.run(actions);
    QCOMPARE(rig.log, log);
    QCOMPARE(rig.controller->current().has_value(), current >= 0);
    if (current >= 0)
        QCOMPARE(*rig.controller->current(), current);
    QCOMPARE(rig.controller->rejectedPresses(), quint64(rejected));
}

void tst_PanelController::pressReturnsWhetherAccepted_data()
{
    QTest::addColumn<int>("firstId");
    QTest::addColumn<int>("id");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("0 of 0..9") << 0 << 0 << true;
    QTest::newRow("9 of 0..9") << 0 << 9 << true;
    QTest::newRow("10 of 0..9") << 0 << 10 << false;
    QTest::newRow("-1 of 0..9") << 0 << -1 << false;
    QTest::newRow("0 of 1..10") << 1 << 0 << false;
    QTest::newRow("10 of 1..10") << 1 << 10 << true;
}

void tst_PanelController::pressReturnsWhetherAccepted()
{
    QFETCH(int, firstId);
    QFETCH(int, id);
    QFETCH(bool, accepted);

    Rig rig(firstId, 10);
    QCOMPARE(rig.controller->press(id) == PanelController::Outcome::Played, accepted);
    QCOMPARE(rig.controller->rejectedPresses(), quint64(accepted ? 0 : 1));
}

// main() relies on each signal arriving before press() returns, in order.
void tst_PanelController::signalsAreDirect()
{
    Rig rig(0, 10);
    QSignalSpy ledSet(rig.controller.get(), &PanelController::ledSetRequested);
    QSignalSpy started(rig.controller.get(), &PanelController::playbackStarted);
    QCOMPARE(rig.controller->press(6), PanelController::Outcome::Played);
    QCOMPARE(ledSet.size(), 1);
    QCOMPARE(ledSet.first().first().toInt(), 6);
    QCOMPARE(started.size(), 1);
    QCOMPARE(started.first().first().toInt(), 6);
}

void tst_PanelController::rejectionFloodIsThrottled_data()
{
    QTest::addColumn<int>("presses");
    QTest::addColumn<int>("warnings"); // logged at once, one each

    QTest::newRow("one") << 1 << 1;
    QTest::newRow("five") << 5 << 5;
    QTest::newRow("a flood") << 3000 << 5;
}

// A panel sending out-of-range IDs without pause: every one is counted, but
// only the first few are logged one by one (the rest in periodic summaries).
void tst_PanelController::rejectionFloodIsThrottled()
{
    QFETCH(int, presses);
    QFETCH(int, warnings);

    Rig rig(0, 10);
    const MessageCounter ignored(QStringLiteral("rejected: valid IDs"));
    for (int i = 0; i < presses; ++i)
        QCOMPARE(rig.controller->press(1000 + i), PanelController::Outcome::Rejected);
    QCOMPARE(rig.controller->rejectedPresses(), quint64(presses));
    QCOMPARE(ignored.count(), warnings);
    QVERIFY(rig.log.isEmpty());
}

void tst_PanelController::backupEnd_data()
{
    QTest::addColumn<bool>("timed");      // a sound of known length (1 s), or of unknown length
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<int>("endedByTimer");

    const QStringList play3 = { "ledset 3", "play 3" };
    // The sound's length is read from the file; the grace is 2 s, max_play 600 s.
    QTest::newRow("no ended: the timer ends it") << true << QStringList{ "press 3", "wait @end" }
                                                 << play3 + QStringList{ "ledclr" } << 1;
    QTest::newRow("not a millisecond early") << true << QStringList{ "press 3", "wait @end-1" } << play3 << 0;
    QTest::newRow("ended first: the timer does nothing")
            << true << QStringList{ "press 3", "wait 900", "ended 3", "wait 60000" } << play3 + QStringList{ "ledclr" }
            << 0;
    QTest::newRow("stopped first") << true << QStringList{ "press 3", "stop", "wait 60000" }
                                   << play3 + QStringList{ "stop", "ledclr" } << 0;
    QTest::newRow("a stale ended keeps the timer") << true << QStringList{ "press 3", "ended 4", "wait @end" }
                                                   << play3 + QStringList{ "ledclr" } << 1;
    QTest::newRow("a restart restarts the timer")
            << true << QStringList{ "press 3", "wait 2000", "press 3", "wait @end-1" } << play3 + play3 << 0;
    QTest::newRow("preempted: only the new one ends")
            << true << QStringList{ "press 3", "wait 2000", "press 4", "wait @end" }
            << play3 + QStringList{ "ledset 4", "play 4", "ledclr" } << 1;
    QTest::newRow("unknown length: max_play_s") << false << QStringList{ "press 3", "wait 599999" } << play3 << 0;
    QTest::newRow("unknown length: ended at max_play_s")
            << false << QStringList{ "press 3", "wait 600000" } << play3 + QStringList{ "ledclr" } << 1;
}

// No browser reports `ended` (none connected, a tablet asleep, autoplay
// blocked): the LED still goes out, at the sound's length plus the grace.
void tst_PanelController::backupEnd()
{
    QFETCH(bool, timed);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);
    QFETCH(int, endedByTimer);

    Rig rig(0, 10, {}, timed ? QList<int>{ 3, 4 } : QList<int>{});
    const std::optional<qint64> length = rig.media->durationMs(3);
    QCOMPARE(length.has_value(), timed);
    if (timed)
        QVERIFY2(*length > 900 && *length < 1200, qPrintable(QString::number(*length)));
    const qint64 end = length.value_or(0) + 2000;
    for (QString &action : actions) {
        action.replace(QLatin1String("@end-1"), QString::number(end - 1));
        action.replace(QLatin1String("@end"), QString::number(end));
    }
    const MessageCounter byTimer(QStringLiteral("ended by timer"), QtInfoMsg);
    rig.run(actions);
    QCOMPARE(rig.log, log);
    QCOMPARE(rig.controller->endedByTimer(), quint64(endedByTimer));
    QCOMPARE(byTimer.count(), endedByTimer);
    if (endedByTimer > 0)
        QVERIFY(!rig.controller->current());
}

void tst_PanelController::elapsedAndRemaining()
{
    Rig rig(0, 10, {}, { 3 });
    const qint64 length = rig.media->durationMs(3).value();
    QVERIFY(!rig.controller->elapsedMs());
    QVERIFY(!rig.controller->remainingMs());
    rig.run({ "press 3", "wait 400" });
    QCOMPARE(rig.controller->elapsedMs(), std::optional<qint64>(400));
    QCOMPARE(rig.controller->remainingMs(), std::optional<qint64>(length - 400));
    rig.run({ "wait 1500" }); // past its length, within the grace
    QCOMPARE(rig.controller->remainingMs(), std::optional<qint64>(0));
    rig.run({ "press 5", "wait 250" }); // a sound of unknown length
    QCOMPARE(rig.controller->elapsedMs(), std::optional<qint64>(250));
    QVERIFY(!rig.controller->remainingMs());
    rig.run({ "ended 5" });
    QVERIFY(!rig.controller->elapsedMs());
}

void tst_PanelController::policy_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("cooldownMs");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<int>("current"); // -1: none
    QTest::addColumn<int>("ignored");

    const QStringList play3 = { "ledset 3", "play 3" };
    const QStringList play5 = { "ledset 5", "play 5" };
    const QStringList stopped = { "stop", "ledclr" };

    QTest::newRow("preempt: another preempts") << "preempt" << 0 << QStringList{ "press 3", "press 5" } << play3 + play5
                                               << 5 << 0;
    QTest::newRow("preempt: the same restarts") << "preempt" << 0 << QStringList{ "press 3", "press 3" }
                                                << play3 + play3 << 3 << 0;
    QTest::newRow("ignore: another is ignored") << "ignore" << 0 << QStringList{ "press 3", "press 5" } << play3 << 3
                                                << 1;
    QTest::newRow("ignore: the same is ignored") << "ignore" << 0 << QStringList{ "press 3", "press 3" } << play3 << 3
                                                 << 1;
    QTest::newRow("ignore: after ended it plays") << "ignore" << 0 << QStringList{ "press 3", "ended 3", "press 5" }
                                                  << play3 + QStringList{ "ledclr" } + play5 << 5 << 0;
    QTest::newRow("ignore: out of range is rejected, not ignored")
            << "ignore" << 0 << QStringList{ "press 3", "press 99" } << play3 << 3 << 0;
    QTest::newRow("toggle: the same stops") << "toggle" << 0 << QStringList{ "press 3", "press 3" } << play3 + stopped
                                            << -1 << 0;
    QTest::newRow("toggle: again plays") << "toggle" << 0 << QStringList{ "press 3", "press 3", "press 3" }
                                         << play3 + stopped + play3 << 3 << 0;
    QTest::newRow("toggle: another preempts") << "toggle" << 0 << QStringList{ "press 3", "press 5" } << play3 + play5
                                              << 5 << 0;
    QTest::newRow("toggle: the ended one plays again") << "toggle" << 0 << QStringList{ "press 3", "ended 3", "press 3" }
                                                       << play3 + QStringList{ "ledclr" } + play3 << 3 << 0;
    QTest::newRow("cool-down: too soon") << "preempt" << 500 << QStringList{ "press 3", "wait 499", "press 5" } << play3
                                         << 3 << 1;
    QTest::newRow("cool-down: just after") << "preempt" << 500 << QStringList{ "press 3", "wait 500", "press 5" }
                                           << play3 + play5 << 5 << 0;
    QTest::newRow("cool-down: from the last accepted press")
            << "preempt" << 500 << QStringList{ "press 3", "wait 300", "press 5", "wait 300", "press 5" }
            << play3 + play5 << 5 << 1;
    QTest::newRow("cool-down: a toggle stop counts") << "toggle" << 500
                                                     << QStringList{ "press 3", "wait 600", "press 3", "wait 100", "press 3" }
                                                     << play3 + stopped << -1 << 1;
}

void tst_PanelController::policy()
{
    QFETCH(QString, mode);
    QFETCH(int, cooldownMs);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);
    QFETCH(int, current);
    QFETCH(int, ignored);

    Rig rig(0, 10, policyOf(mode, cooldownMs));
    rig.run(actions);
    QCOMPARE(rig.log, log);
    QCOMPARE(rig.controller->current().value_or(-1), current);
    QCOMPARE(rig.controller->ignoredPresses(), quint64(ignored));
}

// A bouncing or stuck button: 20 presses of one ID in a second.
void tst_PanelController::bouncingButtonIsQuarantined()
{
    Rig rig(0, 10);
    const MessageCounter warned(QStringLiteral("ignored for 60 s"));
    for (int i = 0; i < 20; ++i)
        rig.run({ "press 4", "wait 50" });
    // Ten presses within 2 s are a visitor's; the eleventh is too many.
    QCOMPARE(rig.log.count(QStringLiteral("play 4")), 10);
    QCOMPARE(rig.controller->ignoredPresses(), quint64(10));
    QCOMPARE(rig.controller->quarantined(), QList<int>{ 4 });
    QCOMPARE(warned.count(), 1);

    // The others are unaffected.
    rig.log.clear();
    rig.run({ "press 7" });
    QCOMPARE(rig.log, (QStringList{ "ledset 7", "play 7" }));

    // Still quarantined just before its 60 s are up, free after.
    rig.log.clear();
    rig.run({ "wait 59400", "press 4" });
    QVERIFY(rig.log.isEmpty());
    QCOMPARE(rig.controller->ignoredPresses(), quint64(11));
    rig.run({ "wait 100", "press 4" });
    QCOMPARE(rig.log, (QStringList{ "ledset 4", "play 4" }));
    QVERIFY(rig.controller->quarantined().isEmpty());
    QCOMPARE(warned.count(), 1);
}

void tst_PanelController::quarantineCanBeOff()
{
    Rig rig(0, 10, policyOf(QStringLiteral("preempt"), 0, 0));
    for (int i = 0; i < 50; ++i)
        rig.run({ "press 4", "wait 10" });
    QCOMPARE(rig.log.count(QStringLiteral("play 4")), 50);
    QVERIFY(rig.controller->quarantined().isEmpty());
    QCOMPARE(rig.controller->ignoredPresses(), quint64(0));
}

void tst_PanelController::policyReload()
{
    Rig rig(0, 10);
    rig.run({ "press 3" });
    rig.controller->setPolicy(policyOf(QStringLiteral("ignore")));
    rig.run({ "press 5" });
    QCOMPARE(rig.controller->current(), std::optional<int>(3));
    QCOMPARE(rig.controller->ignoredPresses(), quint64(1));
}

namespace {
qint64 wallAt(const QString &iso)
{
    return QDateTime::fromString(iso, Qt::ISODate).toMSecsSinceEpoch();
}

OpeningHours berlin(const QString &hours, const QString &dates = {})
{
    return OpeningHours(hours, dates, QTimeZone("Europe/Berlin"));
}

// Opening hours on a rig whose wall clock reads `start`; "open" and "closed"
// join its log, which starts empty.
void openAt(Rig &rig, const QString &start, const OpeningHours &hours)
{
    rig.clock.setWallMs(wallAt(start));
    QObject::connect(rig.controller.get(), &PanelController::openChanged, rig.controller.get(),
                     [&rig](bool open) { rig.log.append(open ? QStringLiteral("open") : QStringLiteral("closed")); });
    rig.controller->setOpeningHours(hours);
    rig.log.clear();
}
} // namespace

// Presses across opening and closing times, with the wall clock in virtual
// time: a minute passes in no time at all.
void tst_PanelController::openingHours_data()
{
    QTest::addColumn<QString>("hours");
    QTest::addColumn<QString>("dates");
    QTest::addColumn<QString>("start");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<int>("closedPresses");

    const QString weekdays = QStringLiteral("Mon-Fri 09:00-18:00");
    QTest::newRow("08:59 ignored, 09:00 plays")
            << weekdays << "" << "2026-03-30T08:59:00+02:00" << QStringList { "press 3", "wait 60000", "press 3" }
            << QStringList { "open", "ledset 3", "play 3" } << 1;
    QTest::newRow("08:59:59.999 is still closed")
            << weekdays << "" << "2026-03-30T08:59:00+02:00" << QStringList { "wait 59999", "press 3" }
            << QStringList {} << 1;
    QTest::newRow("closing stops what plays and clears the LEDs once")
            << weekdays << "" << "2026-03-30T17:59:00+02:00"
            << QStringList { "press 3", "wait 60000", "wait 3600000", "press 4", "ended 3" }
            << QStringList { "ledset 3", "play 3", "ledclr", "stop", "closed" } << 1;
    QTest::newRow("closing while idle") << weekdays << "" << "2026-03-30T17:59:00+02:00"
                                        << QStringList { "wait 60000" } << QStringList { "ledclr", "closed" } << 0;
    QTest::newRow("a panel back while closed gets its LEDs cleared")
            << weekdays << "" << "2026-03-30T20:00:00+02:00" << QStringList { "ready" } << QStringList { "ledclr" } << 0;
    QTest::newRow("closed date") << weekdays << "2026-12-24" << "2026-12-24T12:00:00+01:00"
                                 << QStringList { "press 1", "press 2" } << QStringList {} << 2;
    QTest::newRow("the day after a closed date")
            << weekdays << "2026-12-24" << "2026-12-25T08:59:00+01:00" << QStringList { "wait 60000", "press 1" }
            << QStringList { "open", "ledset 1", "play 1" } << 0;
    QTest::newRow("out of range while closed is rejected, not counted closed")
            << weekdays << "" << "2026-03-30T20:00:00+02:00" << QStringList { "press 99" } << QStringList {} << 0;
    // 2026-03-29 in Berlin: a minute after 01:59 CET it is 03:00 CEST.
    QTest::newRow("spring DST: a start in the skipped hour opens at the jump")
            << "Sun 02:30-05:00" << "" << "2026-03-29T01:59:00+01:00" << QStringList { "press 1", "wait 60000", "press 2" }
            << QStringList { "open", "ledset 2", "play 2" } << 1;
    // 2026-10-25 in Berlin: 02:00-03:00 comes twice; the first 02:30 closes.
    QTest::newRow("autumn DST: closed through the repeated hour")
            << "Sun 01:00-02:30" << "" << "2026-10-25T02:29:00+02:00"
            << QStringList { "press 1", "wait 60000", "wait 3600000", "press 2" }
            << QStringList { "ledset 1", "play 1", "ledclr", "stop", "closed" } << 1;
}

void tst_PanelController::openingHours()
{
    QFETCH(QString, hours);
    QFETCH(QString, dates);
    QFETCH(QString, start);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);
    QFETCH(int, closedPresses);

    Rig rig(0, 10);
    openAt(rig, start, berlin(hours, dates));
    rig.run(actions);
    QCOMPARE(rig.log, log);
    QCOMPARE(rig.controller->closedPresses(), quint64(closedPresses));
    QVERIFY(rig.controller->ignoredPresses() >= rig.controller->closedPresses());
    QCOMPARE(rig.controller->isOpen(),
             berlin(hours, dates).isOpen(QDateTime::fromMSecsSinceEpoch(rig.clock.wallMs(), QTimeZone::utc())));
}

// The wall clock jumps (NTP after a boot without a real-time clock): the
// state follows within a minute, and at once for a press.
void tst_PanelController::wallClockJumps_data()
{
    QTest::addColumn<QString>("jumpTo");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");

    QTest::newRow("to the evening, then a minute")
            << "2026-03-30T20:00:00+02:00" << QStringList { "wait 60000" } << QStringList { "ledclr", "closed" };
    QTest::newRow("to the evening, then a press")
            << "2026-03-30T20:00:00+02:00" << QStringList { "press 2", "wait 60000" } << QStringList { "ledclr", "closed" };
    QTest::newRow("back to a Sunday night") << "2026-03-29T23:00:00+02:00" << QStringList { "wait 60000" }
                                            << QStringList { "ledclr", "closed" };
}

void tst_PanelController::wallClockJumps()
{
    QFETCH(QString, jumpTo);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);

    Rig rig(0, 10);
    openAt(rig, QStringLiteral("2026-03-30T12:00:00+02:00"), berlin(QStringLiteral("Mon-Fri 09:00-18:00")));
    QVERIFY(rig.controller->isOpen());
    rig.clock.setWallMs(wallAt(jumpTo));
    rig.run(actions);
    QCOMPARE(rig.log, log);
    QVERIFY(!rig.controller->isOpen());
    // And back: open again within a minute.
    rig.log.clear();
    rig.clock.setWallMs(wallAt(QStringLiteral("2026-03-31T10:00:00+02:00")));
    rig.run({ "wait 60000" });
    QCOMPARE(rig.log, QStringList { "open" });
}

void tst_PanelController::openingHoursReload()
{
    Rig rig(0, 10);
    openAt(rig, QStringLiteral("2026-03-30T12:00:00+02:00"), OpeningHours());
    QVERIFY(rig.controller->isOpen());
    QVERIFY(!rig.controller->nextOpeningChange().isValid());
    rig.run({ "press 3" });

    // A reload that closes now stops what plays at once.
    rig.controller->setOpeningHours(berlin(QStringLiteral("Mon 13:00-18:00")));
    QCOMPARE(rig.log, (QStringList { "ledset 3", "play 3", "ledclr", "stop", "closed" }));
    QCOMPARE(rig.controller->endedBy(PanelController::Ending::Closed), quint64(1));
    QCOMPARE(rig.controller->endedBy(PanelController::Ending::Stopped), quint64(0));
    QVERIFY(!rig.controller->isOpen());
    QCOMPARE(rig.controller->current(), std::nullopt);
    QCOMPARE(rig.controller->nextOpeningChange().toMSecsSinceEpoch(), wallAt(QStringLiteral("2026-03-30T13:00:00+02:00")));

    rig.log.clear();
    rig.controller->setOpeningHours(OpeningHours());
    QCOMPARE(rig.log, QStringList { "open" });
    QVERIFY(rig.controller->isOpen());
}

// What /metrics shows: every press by its outcome, every playback by how it ended.
void tst_PanelController::countsOutcomesAndEndings_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QList<int>>("presses"); // played, stopped, ignored, rejected
    QTest::addColumn<QList<int>>("endings"); // completed, timer, preempted, stopped

    QTest::newRow("nothing") << "preempt" << QStringList{} << QList<int>{ 0, 0, 0, 0 } << QList<int>{ 0, 0, 0, 0 };
    QTest::newRow("completed") << "preempt" << QStringList{ "press 1", "ended 1" } << QList<int>{ 1, 0, 0, 0 }
                               << QList<int>{ 1, 0, 0, 0 };
    QTest::newRow("stale ended counts nothing") << "preempt" << QStringList{ "press 1", "press 2", "ended 1" }
                                                << QList<int>{ 2, 0, 0, 0 } << QList<int>{ 0, 0, 1, 0 };
    QTest::newRow("same ID restarts: preempted") << "preempt" << QStringList{ "press 1", "press 1", "press 1" }
                                                 << QList<int>{ 3, 0, 0, 0 } << QList<int>{ 0, 0, 2, 0 };
    QTest::newRow("timer") << "preempt" << QStringList{ "press 1", "wait 4000", "ended 1" }
                           << QList<int>{ 1, 0, 0, 0 } << QList<int>{ 0, 1, 0, 0 };
    QTest::newRow("stop while playing") << "preempt" << QStringList{ "press 1", "stop", "stop" }
                                        << QList<int>{ 1, 0, 0, 0 } << QList<int>{ 0, 0, 0, 1 };
    QTest::newRow("stop while idle counts nothing") << "preempt" << QStringList{ "stop" }
                                                    << QList<int>{ 0, 0, 0, 0 } << QList<int>{ 0, 0, 0, 0 };
    QTest::newRow("toggle") << "toggle" << QStringList{ "press 1", "press 1", "press 2", "press 3" }
                            << QList<int>{ 3, 1, 0, 0 } << QList<int>{ 0, 0, 1, 1 };
    QTest::newRow("ignore and reject") << "ignore" << QStringList{ "press 1", "press 2", "press 99", "ended 1" }
                                       << QList<int>{ 1, 0, 1, 1 } << QList<int>{ 1, 0, 0, 0 };
}

void tst_PanelController::countsOutcomesAndEndings()
{
    QFETCH(QString, policy);
    QFETCH(QStringList, actions);
    QFETCH(QList<int>, presses);
    QFETCH(QList<int>, endings);

    Rig rig(0, 10, policyOf(policy), { 1 });
    rig.run(actions);
    using Outcome = PanelController::Outcome;
    using Ending = PanelController::Ending;
    const PanelController &c = *rig.controller;
    QCOMPARE((QList<int>{ int(c.presses(Outcome::Played)), int(c.presses(Outcome::Stopped)),
                          int(c.presses(Outcome::Ignored)), int(c.presses(Outcome::Rejected)) }),
             presses);
    QCOMPARE((QList<int>{ int(c.endedBy(Ending::Completed)), int(c.endedBy(Ending::Timer)),
                          int(c.endedBy(Ending::Preempted)), int(c.endedBy(Ending::Stopped)) }),
             endings);
    QCOMPARE(c.endedByTimer(), c.endedBy(Ending::Timer));
    QCOMPARE(c.rejectedPresses(), c.presses(Outcome::Rejected));
    QCOMPARE(c.ignoredPresses(), c.presses(Outcome::Ignored));
}

namespace {
PressPolicy attractPolicy(qint64 afterMs, qint64 stepMs, qint64 cooldownMs = 0)
{
    PressPolicy policy;
    policy.attractAfterMs = afterMs;
    policy.attractStepMs = stepMs;
    policy.cooldownMs = cooldownMs;
    return policy;
}
} // namespace

// Attract mode and the LED self-test (docs/architecture.md, "Attract mode")
// in virtual time, on a panel of three buttons, 0 to 2.
void tst_PanelController::attract_data()
{
    QTest::addColumn<int>("afterMs"); // attract_after_s, in ms; 0 = off
    QTest::addColumn<int>("cooldownMs");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<bool>("attracting"); // at the end

    const int after = 10000;
    const QStringList on = { "attract on", "ledset 0" };
    const QStringList chase = { "ledset 1", "ledset 2", "ledset 0" };

    QTest::newRow("off by default") << 0 << 0 << QStringList{ "wait 86400000" } << QStringList{} << false;
    QTest::newRow("not a millisecond early") << after << 0 << QStringList{ "wait 9999" } << QStringList{} << false;
    QTest::newRow("begins after the idle time") << after << 0 << QStringList{ "wait 10000" } << on << true;
    QTest::newRow("chase: every ID in turn, one per step")
            << after << 0 << QStringList{ "wait 10000", "wait 899" } << on + chase.mid(0, 2) << true;
    QTest::newRow("chase: wraps round after the last ID")
            << after << 0 << QStringList{ "wait 10900" } << on + chase << true;
    QTest::newRow("idle counts from the last press, even a rejected one")
            << after << 0 << QStringList{ "wait 5000", "press 99", "wait 9999" } << QStringList{} << false;
    QTest::newRow("idle counts from the last press: then it begins")
            << after << 0 << QStringList{ "wait 5000", "press 99", "wait 10000" } << on << true;
    QTest::newRow("idle counts from the end of playback")
            << after << 0 << QStringList{ "press 1", "wait 8000", "ended 1", "wait 9999" }
            << QStringList{ "ledset 1", "play 1", "ledclr" } << false;
    QTest::newRow("idle counts from the end of playback: then it begins")
            << after << 0 << QStringList{ "press 1", "wait 8000", "ended 1", "wait 10000" }
            << QStringList{ "ledset 1", "play 1", "ledclr" } + on << true;
    QTest::newRow("not while something plays") << after << 0 << QStringList{ "press 1", "wait 500000" }
                                               << QStringList{ "ledset 1", "play 1" } << false;
    QTest::newRow("a press ends it at once and plays")
            << after << 0 << QStringList{ "wait 10300", "press 2", "wait 5000" }
            << on + QStringList{ "ledset 1", "attract off", "ledset 2", "play 2" } << false;
    QTest::newRow("a rejected press ends it and clears the LEDs")
            << after << 0 << QStringList{ "wait 10000", "press 99", "wait 9999" }
            << on + QStringList{ "attract off", "ledclr", "stop" } << false;
    QTest::newRow("after a rejected press it begins again")
            << after << 0 << QStringList{ "wait 10000", "press 99", "wait 10000" }
            << on + QStringList{ "attract off", "ledclr", "stop" } + on << true;
    QTest::newRow("an ignored press ends it and clears the LEDs")
            << after << 60000 << QStringList{ "press 1", "ended 1", "wait 10000", "press 2" }
            << QStringList{ "ledset 1", "play 1", "ledclr" } + on + QStringList{ "attract off", "ledclr", "stop" }
            << false;
    QTest::newRow("/test/stop ends it") << after << 0 << QStringList{ "wait 10000", "stop", "wait 9999" }
                                        << on + QStringList{ "attract off", "stop", "ledclr" } << false;
    QTest::newRow("startAttract while idle, even when off")
            << 0 << 0 << QStringList{ "attract", "wait 300" } << on + chase.mid(0, 1) << true;
    QTest::newRow("startAttract stops what plays") << after << 0 << QStringList{ "press 1", "attract" }
                                                   << QStringList{ "ledset 1", "play 1", "stop" } + on << true;
    QTest::newRow("startAttract twice changes nothing")
            << after << 0 << QStringList{ "attract", "attract" } << on << true;
    QTest::newRow("self-test: every LED once, then cleared")
            << after << 0 << QStringList{ "selftest", "wait 899" } << QStringList{ "ledset 0", "ledset 1", "ledset 2" }
            << false;
    QTest::newRow("self-test: then cleared after the last step")
            << 0 << 0 << QStringList{ "selftest", "wait 900", "wait 60000" }
            << QStringList{ "ledset 0", "ledset 1", "ledset 2", "ledclr" } << false;
    QTest::newRow("self-test: back to what plays")
            << 0 << 0 << QStringList{ "press 1", "selftest", "wait 900" }
            << QStringList{ "ledset 1", "play 1", "ledset 0", "ledset 1", "ledset 2", "ledset 1" } << false;
    QTest::newRow("self-test: a sound that ends leaves the test alone")
            << 0 << 0 << QStringList{ "press 1", "selftest", "ended 1", "wait 900" }
            << QStringList{ "ledset 1", "play 1", "ledset 0", "ledset 1", "ledset 2", "ledclr" } << false;
    QTest::newRow("self-test: a press cancels it and plays")
            << 0 << 0 << QStringList{ "selftest", "wait 300", "press 2", "wait 5000" }
            << QStringList{ "ledset 0", "ledset 1", "ledset 2", "play 2" } << false;
    QTest::newRow("self-test: a panel back mid-test waits for its end")
            << 0 << 0 << QStringList{ "selftest", "ready", "wait 900" }
            << QStringList{ "ledset 0", "ledset 1", "ledset 2", "ledclr" } << false;
    QTest::newRow("self-test: ends attract mode, which comes back after the idle time")
            << after << 0 << QStringList{ "wait 10000", "selftest", "wait 900", "wait 10000" }
            << on + QStringList{ "attract off", "stop", "ledset 0", "ledset 1", "ledset 2", "ledclr" } + on << true;
}

void tst_PanelController::attract()
{
    QFETCH(int, afterMs);
    QFETCH(int, cooldownMs);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);
    QFETCH(bool, attracting);

    Rig rig(0, 3, attractPolicy(afterMs, 300, cooldownMs));
    QSignalSpy changed(rig.controller.get(), &PanelController::attractChanged);
    rig.run(actions);
    QCOMPARE(rig.log, log);
    QCOMPARE(rig.controller->isAttracting(), attracting);
    // Every change is announced, and the last one says what is.
    QCOMPARE(changed.size(), int(rig.log.count(QStringLiteral("attract on")) + rig.log.count(QStringLiteral("attract off"))));
    if (!changed.isEmpty())
        QCOMPARE(changed.last().first().toBool(), attracting);
}

// Attract mode only while open: closing time ends it, and it waits for opening.
void tst_PanelController::attractAndOpeningHours_data()
{
    QTest::addColumn<QString>("start");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<bool>("attracting"); // at the end

    const QStringList on = { "attract on", "ledset 0" };
    // The self-test runs while closed: staff check the LEDs out of hours.
    QTest::newRow("never while closed") << "2026-03-30T20:00:00+02:00"
                                        << QStringList{ "wait 3600000", "attract", "selftest", "wait 30000" }
                                        << QStringList{ "ledset 0", "ledset 1", "ledset 2", "ledclr" } << false;
    QTest::newRow("idle counts from opening") << "2026-03-30T08:59:00+02:00"
                                              << QStringList{ "wait 60000", "wait 9999" } << QStringList{ "open" } << false;
    QTest::newRow("then it begins") << "2026-03-30T08:59:00+02:00" << QStringList{ "wait 70000" }
                                    << QStringList{ "open" } + on << true;
    // Steps of 10 s from 17:59:15; closing at 18:00.
    QTest::newRow("closing ends it") << "2026-03-30T17:59:05+02:00" << QStringList{ "wait 60000", "wait 3600000" }
                                     << on + QStringList{ "ledset 1", "ledset 2", "ledset 0", "ledset 1", "attract off",
                                                          "ledclr", "closed" }
                                     << false;
}

void tst_PanelController::attractAndOpeningHours()
{
    QFETCH(QString, start);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);
    QFETCH(bool, attracting);

    Rig rig(0, 3, attractPolicy(10000, 10000));
    openAt(rig, start, berlin(QStringLiteral("Mon-Fri 09:00-18:00")));
    rig.run(actions);
    QCOMPARE(rig.log, log);
    QCOMPARE(rig.controller->isAttracting(), attracting);
}

// Attract mode turned on by a reload: the idle time counts from the last
// press, not from the reload.
void tst_PanelController::attractReload()
{
    Rig rig(0, 3);
    rig.run({ "press 99", "wait 60000" });
    QVERIFY(rig.log.isEmpty());
    rig.controller->setPolicy(attractPolicy(30000, 300));
    rig.run({ "wait 0" });
    QCOMPARE(rig.log, (QStringList{ "attract on", "ledset 0" }));
    rig.log.clear();
    rig.controller->setPolicy(attractPolicy(30000, 1000));
    rig.run({ "wait 300", "wait 999" }); // the step already set runs out, then the new one applies
    QCOMPARE(rig.log, QStringList{ "ledset 1" });
    rig.run({ "wait 1" });
    QCOMPARE(rig.log, (QStringList{ "ledset 1", "ledset 2" }));
}

// The language button (docs/architecture.md, "Captions and languages"): ID 9
// of 0..9 cycles de, en, fr for the presses that follow and plays nothing;
// its LED is lit for LanguageCycle::flashMs, then the LEDs are put back.
void tst_PanelController::languageButton_data()
{
    QTest::addColumn<QStringList>("languages");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<QString>("language"); // the controller's choice at the end

    const QStringList three { "de", "en", "fr" };
    QTest::newRow("a press chooses the next, and its LED goes out")
            << three << QStringList { "press 9", "wait 799" } << QStringList { "ledset 9", "language en" } << "en";
    QTest::newRow("the LED goes out after the flash")
            << three << QStringList { "press 9", "wait 800" } << QStringList { "ledset 9", "language en", "ledclr" }
            << "en";
    QTest::newRow("round and round") << three << QStringList { "press 9", "press 9", "press 9", "press 9" }
                                     << QStringList { "ledset 9", "language en", "ledset 9", "language fr", "ledset 9",
                                                      "language de", "ledset 9", "language en" }
                                     << "en";
    QTest::newRow("it stays for the presses that follow")
            << three << QStringList { "press 9", "wait 800", "press 3", "ended 3", "press 4", "wait 5000", "ended 4" }
            << QStringList { "ledset 9", "language en", "ledclr", "ledset 3", "play 3", "ledclr", "ledset 4", "play 4",
                             "ledclr" }
            << "en";
    QTest::newRow("while a sound plays, its LED comes back")
            << three << QStringList { "press 3", "press 9", "wait 800" }
            << QStringList { "ledset 3", "play 3", "ledset 9", "language en", "ledset 3" } << "en";
    QTest::newRow("one language: nothing to choose")
            << QStringList { "de" } << QStringList { "press 9", "wait 800" } << QStringList {} << "";
    QTest::newRow("no languages") << QStringList {} << QStringList { "press 9" } << QStringList {} << "";
}

void tst_PanelController::languageButton()
{
    QFETCH(QStringList, languages);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);
    QFETCH(QString, language);

    Rig rig(0, 10);
    rig.controller->setLanguageButton(9, languages);
    QSignalSpy played(rig.controller.get(), &PanelController::playbackStarted);
    rig.run(actions);
    QCOMPARE(rig.log, log);
    QCOMPARE(rig.controller->language(), language);
    for (const QList<QVariant> &args : std::as_const(played))
        QVERIFY(args.at(0).toInt() != 9);
    const quint64 cycled = quint64(log.count(QStringLiteral("ledset 9")));
    QCOMPARE(rig.controller->presses(PanelController::Outcome::Language), cycled);
    QCOMPARE(rig.controller->presses(PanelController::Outcome::Ignored),
             quint64(actions.count(QStringLiteral("press 9"))) - cycled);
}

// The choice goes back to the default when attract mode begins and at
// closing time, and is announced once; a press of the button while closed
// is ignored like any other.
void tst_PanelController::languageGoesBackToDefault_data()
{
    QTest::addColumn<qint64>("attractAfterMs");
    QTest::addColumn<QString>("hours");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log"); // only "language …", "attract …", "closed" and "open"
    QTest::addColumn<QString>("language");

    QTest::newRow("attract mode") << qint64(5000) << QString() << QStringList { "press 9", "wait 4000", "wait 1000" }
                                  << QStringList { "language en", "attract on", "language default" } << "";
    QTest::newRow("a press in attract mode chooses from the default")
            << qint64(5000) << QString() << QStringList { "wait 5000", "press 9", "press 9" }
            << QStringList { "attract on", "attract off", "language en", "language fr" } << "fr";
    QTest::newRow("attract mode without a choice says nothing")
            << qint64(5000) << QString() << QStringList { "wait 5000" } << QStringList { "attract on" } << "";
    QTest::newRow("closing time") << qint64(0) << QStringLiteral("Mon-Sun 09:00-18:00")
                                  << QStringList { "press 9", "wait 60000" }
                                  << QStringList { "language en", "closed", "language default" } << "";
    QTest::newRow("closed: ignored") << qint64(0) << QStringLiteral("Mon-Sun 09:00-18:00")
                                     << QStringList { "wait 60000", "press 9" } << QStringList { "closed" } << "";
}

void tst_PanelController::languageGoesBackToDefault()
{
    QFETCH(qint64, attractAfterMs);
    QFETCH(QString, hours);
    QFETCH(QStringList, actions);
    QFETCH(QStringList, log);
    QFETCH(QString, language);

    PressPolicy policy;
    policy.attractAfterMs = attractAfterMs;
    Rig rig(0, 10, policy);
    rig.controller->setLanguageButton(9, { QStringLiteral("de"), QStringLiteral("en"), QStringLiteral("fr") });
    if (!hours.isEmpty())
        openAt(rig, QStringLiteral("2026-03-30T17:59:30+02:00"), berlin(hours));
    rig.run(actions);
    QStringList shown;
    for (const QString &line : std::as_const(rig.log)) {
        if (line.startsWith(QLatin1String("language")) || line.startsWith(QLatin1String("attract"))
            || line == QLatin1String("closed") || line == QLatin1String("open")) {
            shown.append(line);
        }
    }
    QCOMPARE(shown, log);
    QCOMPARE(rig.controller->language(), language);
}

QTEST_GUILESS_MAIN(tst_PanelController)
#include "tst_panelcontroller.moc"
