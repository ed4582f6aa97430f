#include "media/medialibrary.h"
#include "core/panelcontroller.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// A controller on a media folder of tiny files, with everything it emits
// recorded in one ordered log ("ledset 42", "ws stop", "ws play 42", "ledclr").
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
        controller = std::make_unique<PanelController>(media.get(), QStringLiteral("1.2.3"));
        QObject::connect(controller.get(), &PanelController::ledSetRequested, controller.get(),
                         [this](int id) { log.append(QStringLiteral("ledset %1").arg(id)); });
        QObject::connect(controller.get(), &PanelController::ledClearRequested, controller.get(),
                         [this] { log.append(QStringLiteral("ledclr")); });
        QObject::connect(controller.get(), &PanelController::broadcastRequested, controller.get(),
                         [this](const QJsonObject &message) {
                             messages.append(message);
                             QString entry = QStringLiteral("ws ") + message.value(QLatin1String("type")).toString();
                             if (message.contains(QLatin1String("id")))
                                 entry += QLatin1Char(' ') + QString::number(message.value(QLatin1String("id")).toInt());
                             if (message.contains(QLatin1String("connected")))
                                 entry += message.value(QLatin1String("connected")).toBool() ? QLatin1String(" true")
                                                                                             : QLatin1String(" false");
                             log.append(entry);
                         });
    }

    void write(const QString &name, const QByteArray &content)
    {
        QFile file(m_dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }

    // Runs a script such as {"press 3", "ended 3", "stop", "ready", "connect", "disconnect", "media"}.
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
            else if (verb == QLatin1String("connect"))
                controller->setPanelConnected(true);
            else if (verb == QLatin1String("disconnect"))
                controller->setPanelConnected(false);
            else if (verb == QLatin1String("media"))
                controller->mediaChanged();
            else
                QFAIL(qPrintable(QStringLiteral("unknown action ") + action));
        }
    }

    std::unique_ptr<MediaLibrary> media;
    std::unique_ptr<PanelController> controller;
    QStringList log;
    QList<QJsonObject> messages;

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
    void playMessageCarriesTheItem_data();
    void playMessageCarriesTheItem();
    void panelMessage_data();
    void panelMessage();
    void stateMessage_data();
    void stateMessage();
    void stateWithoutPanel();
    void stateItems();
    void mediaMessage();
    void signalsAreDirect();
};

void tst_PanelController::script_data()
{
    QTest::addColumn<int>("firstId");
    QTest::addColumn<int>("count");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QStringList>("log");
    QTest::addColumn<int>("current"); // -1: none
    QTest::addColumn<int>("rejected");

    const QStringList play3 = { "ledset 3", "ws stop", "ws play 3" };
    const QStringList play5 = { "ledset 5", "ws stop", "ws play 5" };

    QTest::newRow("six steps") << 0 << 100 << QStringList{ "press 42", "ended 42" }
                               << QStringList{ "ledset 42", "ws stop", "ws play 42", "ledclr" } << -1 << 0;
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
                              << QStringList{ "ledset 0", "ws stop", "ws play 0", "ledclr" } << -1 << 0;
    QTest::newRow("last ID") << 0 << 10 << QStringList{ "press 9" }
                             << QStringList{ "ledset 9", "ws stop", "ws play 9" } << 9 << 0;
    QTest::newRow("at first_id + count") << 0 << 10 << QStringList{ "press 10" } << QStringList{} << -1 << 1;
    QTest::newRow("negative") << 0 << 10 << QStringList{ "press -1" } << QStringList{} << -1 << 1;
    QTest::newRow("far out") << 0 << 10 << QStringList{ "press 1000", "press 999", "press 100" } << QStringList{} << -1
                             << 3;
    QTest::newRow("out of range keeps current") << 0 << 10 << QStringList{ "press 3", "press 10", "press -1", "ended 3" }
                                                << play3 + QStringList{ "ledclr" } << -1 << 2;
    QTest::newRow("first_id 1: 0 rejected") << 1 << 10 << QStringList{ "press 0" } << QStringList{} << -1 << 1;
    QTest::newRow("first_id 1: 1 and 10 accepted")
            << 1 << 10 << QStringList{ "press 1", "press 10" }
            << QStringList{ "ledset 1", "ws stop", "ws play 1", "ledset 10", "ws stop", "ws play 10" } << 10 << 0;
    QTest::newRow("first_id 1: 11 rejected") << 1 << 10 << QStringList{ "press 11" } << QStringList{} << -1 << 1;
    QTest::newRow("stale ended, nothing current") << 0 << 10 << QStringList{ "ended 3" } << QStringList{} << -1 << 0;
    QTest::newRow("ended for another ID") << 0 << 10 << QStringList{ "press 3", "ended 4" } << play3 << 3 << 0;
    QTest::newRow("ended out of range") << 0 << 10 << QStringList{ "press 3", "ended -1", "ended 1000" } << play3 << 3
                                        << 0;
    QTest::newRow("stop while playing") << 0 << 10 << QStringList{ "press 3", "stop" }
                                        << play3 + QStringList{ "ws stop", "ledclr" } << -1 << 0;
    QTest::newRow("ended after stop is stale") << 0 << 10 << QStringList{ "press 3", "stop", "ended 3" }
                                               << play3 + QStringList{ "ws stop", "ledclr" } << -1 << 0;
    QTest::newRow("stop with nothing current") << 0 << 10 << QStringList{ "stop" } << QStringList{ "ws stop", "ledclr" }
                                               << -1 << 0;
    QTest::newRow("ready, nothing current") << 0 << 10 << QStringList{ "ready" } << QStringList{ "ledclr" } << -1 << 0;
    QTest::newRow("ready while playing") << 0 << 10 << QStringList{ "press 3", "ready" }
                                         << play3 + QStringList{ "ledset 3" } << 3 << 0;
    QTest::newRow("ready after ended") << 0 << 10 << QStringList{ "press 3", "ended 3", "ready" }
                                       << play3 + QStringList{ "ledclr", "ledclr" } << -1 << 0;
    QTest::newRow("connect, nothing current") << 0 << 10 << QStringList{ "connect" }
                                              << QStringList{ "ws panel true", "ledclr" } << -1 << 0;
    QTest::newRow("connect while playing") << 0 << 10 << QStringList{ "press 3", "connect" }
                                           << play3 + QStringList{ "ws panel true", "ledset 3" } << 3 << 0;
    QTest::newRow("connect, disconnect") << 0 << 10 << QStringList{ "connect", "disconnect" }
                                         << QStringList{ "ws panel true", "ledclr", "ws panel false" } << -1 << 0;
    QTest::newRow("disconnect keeps playing") << 0 << 10 << QStringList{ "connect", "press 3", "disconnect", "ended 3" }
                                              << QStringList{ "ws panel true", "ledclr" } + play3
                    + QStringList{ "ws panel false", "ledclr" } << -1 << 0;
    QTest::newRow("reconnect resyncs") << 0 << 10 << QStringList{ "connect", "press 3", "disconnect", "connect" }
                                       << QStringList{ "ws panel true", "ledclr" } + play3
                    + QStringList{ "ws panel false", "ws panel true", "ledset 3" } << 3 << 0;
    QTest::newRow("disconnect when never connected") << 0 << 10 << QStringList{ "disconnect" } << QStringList{} << -1 << 0;
    QTest::newRow("connect twice") << 0 << 10 << QStringList{ "connect", "connect" }
                                   << QStringList{ "ws panel true", "ledclr" } << -1 << 0;
    QTest::newRow("media changed") << 0 << 10 << QStringList{ "media" } << QStringList{ "ws media" } << -1 << 0;
    QTest::newRow("media changed keeps current") << 0 << 10 << QStringList{ "press 3", "media", "ended 3" }
                                                 << play3 + QStringList{ "ws media", "ledclr" } << -1 << 0;
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

void tst_PanelController::playMessageCarriesTheItem_data()
{
    QTest::addColumn<int>("id");
    QTest::addColumn<bool>("video");

    QTest::newRow("image and audio") << 2 << false;
    QTest::newRow("with video") << 4 << true;
}

void tst_PanelController::playMessageCarriesTheItem()
{
    QFETCH(int, id);
    QFETCH(bool, video);

    Rig rig(0, 10, {}, { QStringLiteral("004.mp4") });
    QVERIFY(rig.controller->press(id));
    QCOMPARE(rig.messages.size(), 2);
    QCOMPARE(rig.messages.at(0), (QJsonObject{ { "type", "stop" } }));

    const QJsonObject play = rig.messages.at(1);
    QCOMPARE(play.value(QLatin1String("type")).toString(), QStringLiteral("play"));
    QVERIFY(play.value(QLatin1String("id")).isDouble());
    QCOMPARE(play.value(QLatin1String("id")).toInt(), id);
    const QString base = MediaLibrary::baseName(id);
    QVERIFY(play.value(QLatin1String("image")).toString().startsWith(QStringLiteral("/media/%1.jpg?v=").arg(base)));
    QVERIFY(play.value(QLatin1String("audio")).toString().startsWith(QStringLiteral("/media/%1.mp3?v=").arg(base)));
    if (video)
        QVERIFY(play.value(QLatin1String("video")).toString().startsWith(QStringLiteral("/media/%1.mp4?v=").arg(base)));
    else
        QVERIFY(play.value(QLatin1String("video")).isNull());

    // Exactly the library's item plus the type, so browsers can match preloaded URLs.
    QJsonObject expected = rig.media->item(id);
    expected.insert(QStringLiteral("type"), QStringLiteral("play"));
    QCOMPARE(play, expected);
}

void tst_PanelController::panelMessage_data()
{
    QTest::addColumn<bool>("connected");
    QTest::newRow("connected") << true;
    QTest::newRow("disconnected") << false;
}

void tst_PanelController::panelMessage()
{
    QFETCH(bool, connected);

    Rig rig(0, 10);
    if (!connected)
        rig.controller->setPanelConnected(true);
    rig.messages.clear();
    rig.controller->setPanelConnected(connected);
    QCOMPARE(rig.controller->isPanelConnected(), connected);
    QCOMPARE(rig.messages.size(), 1);
    QCOMPARE(rig.messages.first(), (QJsonObject{ { "type", "panel" }, { "connected", connected } }));
    QCOMPARE(rig.controller->stateMessage().value(QLatin1String("serial_connected")).toBool(), connected);
}

void tst_PanelController::stateMessage_data()
{
    QTest::addColumn<int>("firstId");
    QTest::addColumn<int>("count");
    QTest::addColumn<QStringList>("actions");
    QTest::addColumn<QJsonValue>("current");
    QTest::addColumn<bool>("complete");
    QTest::addColumn<bool>("serial");

    QTest::newRow("idle") << 0 << 10 << QStringList{} << QJsonValue() << true << false;
    QTest::newRow("playing") << 0 << 10 << QStringList{ "press 7" } << QJsonValue(7) << true << false;
    QTest::newRow("played and ended") << 0 << 10 << QStringList{ "press 7", "ended 7" } << QJsonValue() << true << false;
    QTest::newRow("stopped") << 0 << 10 << QStringList{ "press 7", "stop" } << QJsonValue() << true << false;
    QTest::newRow("first_id 1, playing 10") << 1 << 10 << QStringList{ "connect", "press 10" } << QJsonValue(10) << true
                                            << true;
    QTest::newRow("production, playing 0") << 0 << 100 << QStringList{ "press 0" } << QJsonValue(0) << true << false;
    QTest::newRow("incomplete") << 0 << 12 << QStringList{} << QJsonValue() << false << false;
}

void tst_PanelController::stateMessage()
{
    QFETCH(int, firstId);
    QFETCH(int, count);
    QFETCH(QStringList, actions);
    QFETCH(QJsonValue, current);
    QFETCH(bool, complete);
    QFETCH(bool, serial);

    // "incomplete" lacks both files of its last ID.
    const QString last = MediaLibrary::baseName(firstId + count - 1);
    Rig rig(firstId, count, complete ? QStringList() : QStringList{ last + ".jpg", last + ".mp3" });
    rig.run(actions);

    const QJsonObject state = rig.controller->stateMessage();
    QCOMPARE(state.value(QLatin1String("type")).toString(), QStringLiteral("state"));
    QVERIFY(state.contains(QLatin1String("current")));
    QCOMPARE(state.value(QLatin1String("current")), current);
    QCOMPARE(state.value(QLatin1String("first_id")), QJsonValue(firstId));
    QCOMPARE(state.value(QLatin1String("media_count")), QJsonValue(count));
    QCOMPARE(state.value(QLatin1String("version")), QJsonValue(QStringLiteral("1.2.3")));
    QCOMPARE(state.value(QLatin1String("serial_connected")), QJsonValue(serial));
    QCOMPARE(state.value(QLatin1String("serial_enabled")), QJsonValue(true));
    QCOMPARE(state.value(QLatin1String("media_complete")), QJsonValue(complete));
    const QJsonArray items = state.value(QLatin1String("items")).toArray();
    QCOMPARE(items.size(), count);
    QCOMPARE(items.first().toObject().value(QLatin1String("id")), QJsonValue(firstId));
    QCOMPARE(items.last().toObject().value(QLatin1String("id")), QJsonValue(firstId + count - 1));

    // It must survive the trip through JSON text unchanged (null stays null).
    const QJsonObject roundTrip = QJsonDocument::fromJson(QJsonDocument(state).toJson(QJsonDocument::Compact)).object();
    QCOMPARE(roundTrip, state);
}

// Without a panel configured, browsers are told none is expected.
void tst_PanelController::stateWithoutPanel()
{
    Rig rig(0, 10);
    rig.controller->setPanelExpected(false);
    const QJsonObject state = rig.controller->stateMessage();
    QCOMPARE(state.value(QLatin1String("serial_enabled")), QJsonValue(false));
    QCOMPARE(state.value(QLatin1String("serial_connected")), QJsonValue(false));
}

// Per-item URLs: null for what is missing, video when NNN.mp4 is there.
void tst_PanelController::stateItems()
{
    Rig rig(0, 10, { QStringLiteral("002.jpg"), QStringLiteral("003.mp3") }, { QStringLiteral("004.mp4") });
    const QJsonArray items = rig.controller->stateMessage().value(QLatin1String("items")).toArray();
    QCOMPARE(items.size(), 10);
    for (int id = 0; id < 10; ++id) {
        const QJsonObject item = items.at(id).toObject();
        QCOMPARE(item, rig.media->item(id));
        QCOMPARE(item.value(QLatin1String("id")), QJsonValue(id));
        const QJsonValue image = item.value(QLatin1String("image"));
        const QJsonValue audio = item.value(QLatin1String("audio"));
        const QJsonValue video = item.value(QLatin1String("video"));
        QVERIFY(item.contains(QLatin1String("video")));
        if (id == 2)
            QVERIFY(image.isNull());
        else
            QVERIFY2(image.toString().startsWith(QStringLiteral("/media/00%1.jpg?v=").arg(id)), qPrintable(image.toString()));
        if (id == 3)
            QVERIFY(audio.isNull());
        else
            QVERIFY2(audio.toString().startsWith(QStringLiteral("/media/00%1.mp3?v=").arg(id)), qPrintable(audio.toString()));
        if (id == 4)
            QVERIFY2(video.toString().startsWith(QStringLiteral("/media/004.mp4?v=")), qPrintable(video.toString()));
        else
            QVERIFY(video.isNull());
    }
    QCOMPARE(rig.controller->stateMessage().value(QLatin1String("media_complete")), QJsonValue(false));
}

void tst_PanelController::mediaMessage()
{
    Rig rig(1, 10, { QStringLiteral("005.mp3") });
    rig.controller->press(4);
    rig.messages.clear();
    rig.controller->mediaChanged();
    QCOMPARE(rig.messages.size(), 1);
    const QJsonObject media = rig.messages.first();
    QCOMPARE(media.value(QLatin1String("type")), QJsonValue(QStringLiteral("media")));
    QCOMPARE(media.value(QLatin1String("first_id")), QJsonValue(1));
    QCOMPARE(media.value(QLatin1String("media_count")), QJsonValue(10));
    QCOMPARE(media.value(QLatin1String("media_complete")), QJsonValue(false));
    QCOMPARE(media.value(QLatin1String("items")), QJsonValue(rig.media->items()));
    QCOMPARE(media.value(QLatin1String("items")).toArray().at(4).toObject().value(QLatin1String("audio")), QJsonValue());
    // Changed media does not stop what is playing.
    QCOMPARE(rig.controller->current(), std::optional<int>(4));
}

// main() relies on each signal arriving before press() returns, in order.
void tst_PanelController::signalsAreDirect()
{
    Rig rig(0, 10);
    QSignalSpy ledSet(rig.controller.get(), &PanelController::ledSetRequested);
    QSignalSpy broadcast(rig.controller.get(), &PanelController::broadcastRequested);
    QVERIFY(rig.controller->press(6));
    QCOMPARE(ledSet.size(), 1);
    QCOMPARE(ledSet.first().first().toInt(), 6);
    QCOMPARE(broadcast.size(), 2);
    QCOMPARE(broadcast.at(0).first().toJsonObject().value(QLatin1String("type")).toString(), QStringLiteral("stop"));
    QCOMPARE(broadcast.at(1).first().toJsonObject().value(QLatin1String("type")).toString(), QStringLiteral("play"));
}

QTEST_GUILESS_MAIN(tst_PanelController)
#include "tst_panelcontroller.moc"
