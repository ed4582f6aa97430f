#include "core/panelcontroller.h"
#include "media/medialibrary.h"

#include "messagecounter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// A controller on a media folder of tiny files, with everything it emits
// recorded in one ordered log ("ledset 42", "play 42", "stop", "ledclr").
class Rig
{
public:
    Rig(int firstId, int count, const QStringList &absent = {}, const QStringList &extra = {})
    {
        QVERIFY(m_dir.isValid());
        for (int id = firstId; id < firstId + count; ++id) {
            for (const char *suffix : { ".jpg", ".mp3" }) {
                const QString name = MediaLibrary::baseName(id) + QLatin1String(suffix);
                if (!absent.contains(name))
                    write(name, "x");
            }
        }
        for (const QString &name : extra)
            write(name, "x");
        media = std::make_unique<MediaLibrary>(m_dir.path(), firstId, count);
        controller = std::make_unique<PanelController>(media.get());
        QObject::connect(controller.get(), &PanelController::ledSetRequested, controller.get(),
                         [this](int id) { log.append(QStringLiteral("ledset %1").arg(id)); });
        QObject::connect(controller.get(), &PanelController::ledClearRequested, controller.get(),
                         [this] { log.append(QStringLiteral("ledclr")); });
        QObject::connect(controller.get(), &PanelController::playbackStarted, controller.get(),
                         [this](int id) { log.append(QStringLiteral("play %1").arg(id)); });
        QObject::connect(controller.get(), &PanelController::playbackStopped, controller.get(),
                         [this] { log.append(QStringLiteral("stop")); });
    }

    void write(const QString &name, const QByteArray &content)
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }

    // Runs a script such as {"press 3", "ended 3", "stop", "ready"}.
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
            else
                QFAIL(qPrintable(QStringLiteral("unknown action ") + action));
        }
    }

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
};

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
    QCOMPARE(rig.controller->press(id), accepted);
    QCOMPARE(rig.controller->rejectedPresses(), quint64(accepted ? 0 : 1));
}

// main() relies on each signal arriving before press() returns, in order.
void tst_PanelController::signalsAreDirect()
{
    Rig rig(0, 10);
    QSignalSpy ledSet(rig.controller.get(), &PanelController::ledSetRequested);
    QSignalSpy started(rig.controller.get(), &PanelController::playbackStarted);
    QVERIFY(rig.controller->press(6));
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
    const MessageCounter ignored(QStringLiteral("ignored"));
    for (int i = 0; i < presses; ++i)
        QVERIFY(!rig.controller->press(1000 + i));
    QCOMPARE(rig.controller->rejectedPresses(), quint64(presses));
    QCOMPARE(ignored.count(), warnings);
    QVERIFY(rig.log.isEmpty());
}

QTEST_GUILESS_MAIN(tst_PanelController)
#include "tst_panelcontroller.moc"
