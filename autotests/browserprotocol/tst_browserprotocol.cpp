#include "core/gatewaysnapshot.h"
#include "core/panelcontroller.h"
#include "core/steadyclock.h"
#include "media/medialibrary.h"
#include "panel/panellink.h"
#include "web/browserprotocol.h"
#include "web/gatewaystatus.h"
#include "web/websockethub.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using Kind = BrowserProtocol::Incoming::Kind;
Q_DECLARE_METATYPE(Kind)

namespace {
QJsonObject item(int id)
{
    const QString base = MediaLibrary::baseName(id);
    return { { QStringLiteral("id"), id },
             { QStringLiteral("image"), QStringLiteral("/media/%1.jpg?v=1").arg(base) },
             { QStringLiteral("audio"), QStringLiteral("/media/%1.mp3?v=2").arg(base) },
             { QStringLiteral("video"), QJsonValue() } };
}

GatewaySnapshot snapshotOf(int firstId, int count, std::optional<int> current)
{
    GatewaySnapshot s;
    s.version = QStringLiteral("1.2.3");
    s.current = current;
    s.firstId = firstId;
    s.mediaCount = count;
    s.panelEnabled = true;
    s.panelConnected = true;
    s.mediaComplete = true;
    for (int id = firstId; id < firstId + count; ++id)
        s.items.append(item(id));
    return s;
}

// What a browser receives: the frame's text read back as JSON.
QJsonObject received(const QJsonObject &message)
{
    return QJsonDocument::fromJson(BrowserProtocol::encode(message).toUtf8()).object();
}
} // namespace

class tst_BrowserProtocol : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parse_data();
    void parse();
    void state_data();
    void state();
    void stateOpenAndVolume_data();
    void stateOpenAndVolume();
    void stateLanguages();
    void media();
    void play_data();
    void play();
    void simpleMessages_data();
    void simpleMessages();
    void encodeIsCompact();
    void stateAndStatusAgree_data();
    void stateAndStatusAgree();
    void stateAttract_data();
    void stateAttract();
    void attractInStateAndStatus_data();
    void attractInStateAndStatus();
};

void tst_BrowserProtocol::parse_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Kind>("kind");
    QTest::addColumn<int>("id");

    QTest::newRow("ended") << QByteArray(R"({"type":"ended","id":42})") << Kind::Ended << 42;
    QTest::newRow("ended 0") << QByteArray(R"({"type":"ended","id":0})") << Kind::Ended << 0;
    QTest::newRow("ended, fields in any order") << QByteArray(R"({"id":7,"type":"ended"})") << Kind::Ended << 7;
    QTest::newRow("ended, extra fields") << QByteArray(R"({"type":"ended","id":7,"at":123.5})") << Kind::Ended << 7;
    QTest::newRow("ended 999999") << QByteArray(R"({"type":"ended","id":999999})") << Kind::Ended << 999999;
    QTest::newRow("ping") << QByteArray(R"({"type":"ping"})") << Kind::Ping << -1;
    QTest::newRow("ended, id as string") << QByteArray(R"({"type":"ended","id":"3"})") << Kind::Invalid << -1;
    QTest::newRow("ended, fraction") << QByteArray(R"({"type":"ended","id":3.5})") << Kind::Invalid << -1;
    QTest::newRow("ended, negative") << QByteArray(R"({"type":"ended","id":-1})") << Kind::Invalid << -1;
    QTest::newRow("ended, huge") << QByteArray(R"({"type":"ended","id":1e12})") << Kind::Invalid << -1;
    QTest::newRow("ended, no id") << QByteArray(R"({"type":"ended"})") << Kind::Invalid << -1;
    QTest::newRow("ended, null id") << QByteArray(R"({"type":"ended","id":null})") << Kind::Invalid << -1;
    QTest::newRow("unknown type") << QByteArray(R"({"type":"play","id":3})") << Kind::Invalid << -1;
    QTest::newRow("type not a string") << QByteArray(R"({"type":1})") << Kind::Invalid << -1;
    QTest::newRow("no type") << QByteArray(R"({"id":3})") << Kind::Invalid << -1;
    QTest::newRow("type in wrong case") << QByteArray(R"({"type":"Ended","id":3})") << Kind::Invalid << -1;
    QTest::newRow("array") << QByteArray(R"([{"type":"ping"}])") << Kind::Invalid << -1;
    QTest::newRow("number") << QByteArray("42") << Kind::Invalid << -1;
    QTest::newRow("empty") << QByteArray("") << Kind::Invalid << -1;
    QTest::newRow("not JSON") << QByteArray("ended 42") << Kind::Invalid << -1;
    QTest::newRow("truncated") << QByteArray(R"({"type":"ended","id":4)") << Kind::Invalid << -1;
    QTest::newRow("two objects") << QByteArray(R"({"type":"ping"}{"type":"ping"})") << Kind::Invalid << -1;
    QTest::newRow("NUL inside") << QByteArray("{\"type\":\"ping\"}\0x", 17) << Kind::Invalid << -1;
}

void tst_BrowserProtocol::parse()
{
    QFETCH(QByteArray, text);
    QFETCH(Kind, kind);
    QFETCH(int, id);

    const BrowserProtocol::Incoming message = BrowserProtocol::parse(text);
    QCOMPARE(message.kind, kind);
    QCOMPARE(message.id, id);
    // Every rejection says why, for the log line.
    QCOMPARE(message.reason != nullptr, kind == Kind::Invalid);
}

void tst_BrowserProtocol::state_data()
{
    QTest::addColumn<int>("firstId");
    QTest::addColumn<int>("count");
    QTest::addColumn<QJsonValue>("current");
    QTest::addColumn<bool>("enabled");
    QTest::addColumn<bool>("connected");
    QTest::addColumn<bool>("complete");
    QTest::addColumn<QJsonValue>("elapsed");
    QTest::addColumn<bool>("responding");

    const QJsonValue null;
    QTest::newRow("idle") << 0 << 10 << null << true << true << true << null << true;
    QTest::newRow("playing") << 0 << 10 << QJsonValue(7) << true << true << true << QJsonValue(1234) << true;
    QTest::newRow("first_id 1, playing 10") << 1 << 10 << QJsonValue(10) << true << true << true << QJsonValue(0) << true;
    QTest::newRow("production, playing 0") << 0 << 100 << QJsonValue(0) << true << false << true << QJsonValue(5) << false;
    QTest::newRow("panel offline") << 0 << 10 << null << true << false << true << null << false;
    QTest::newRow("panel silent") << 0 << 10 << QJsonValue(3) << true << true << true << QJsonValue(900) << false;
    QTest::newRow("no panel configured") << 0 << 10 << null << false << false << true << null << false;
    QTest::newRow("incomplete") << 0 << 12 << null << true << true << false << null << true;
}

void tst_BrowserProtocol::state()
{
    QFETCH(int, firstId);
    QFETCH(int, count);
    QFETCH(QJsonValue, current);
    QFETCH(bool, enabled);
    QFETCH(bool, connected);
    QFETCH(bool, complete);
    QFETCH(QJsonValue, elapsed);
    QFETCH(bool, responding);

    GatewaySnapshot s = snapshotOf(firstId, count, current.isNull() ? std::nullopt : std::optional<int>(current.toInt()));
    s.panelEnabled = enabled;
    s.panelConnected = connected;
    s.panelResponding = responding;
    s.mediaComplete = complete;
    if (!elapsed.isNull())
        s.currentElapsedMs = elapsed.toInteger();

    const QJsonObject state = received(BrowserProtocol::state(s));
    QCOMPARE(state.value(QLatin1String("type")), QJsonValue(QStringLiteral("state")));
    // null stays null through the JSON text: browsers test for it.
    QVERIFY(state.contains(QLatin1String("current")));
    QCOMPARE(state.value(QLatin1String("current")), current);
    QCOMPARE(state.value(QLatin1String("first_id")), QJsonValue(firstId));
    QCOMPARE(state.value(QLatin1String("media_count")), QJsonValue(count));
    QCOMPARE(state.value(QLatin1String("version")), QJsonValue(QStringLiteral("1.2.3")));
    QCOMPARE(state.value(QLatin1String("serial_enabled")), QJsonValue(enabled));
    QCOMPARE(state.value(QLatin1String("serial_connected")), QJsonValue(connected));
    QCOMPARE(state.value(QLatin1String("media_complete")), QJsonValue(complete));
    QCOMPARE(state.value(QLatin1String("serial_responding")), QJsonValue(responding));
    // A browser that joins mid-sound starts it this far in.
    QVERIFY(state.contains(QLatin1String("elapsed_ms")));
    QCOMPARE(state.value(QLatin1String("elapsed_ms")), elapsed);
    const QJsonArray items = state.value(QLatin1String("items")).toArray();
    QCOMPARE(items.size(), count);
    QCOMPARE(items.first().toObject(), item(firstId));
    QCOMPARE(items.last().toObject(), item(firstId + count - 1));
    QCOMPARE(state.value(QLatin1String("open")), QJsonValue(true));
    QCOMPARE(state.value(QLatin1String("volume")), QJsonValue(100));
    QCOMPARE(state.value(QLatin1String("attract")), QJsonValue(false));
    QVERIFY(state.contains(QLatin1String("attract_video")));
    QVERIFY(state.value(QLatin1String("attract_video")).isNull());
    QCOMPARE(state.value(QLatin1String("languages")), QJsonValue(QJsonArray()));
    QVERIFY(state.contains(QLatin1String("language")));
    QVERIFY(state.value(QLatin1String("language")).isNull());
    QCOMPARE(state.size(), 17);
}

void tst_BrowserProtocol::stateOpenAndVolume_data()
{
    QTest::addColumn<bool>("open");
    QTest::addColumn<int>("volume");
    QTest::newRow("open, full") << true << 100;
    QTest::newRow("closed, full") << false << 100;
    QTest::newRow("open, silent") << true << 0;
    QTest::newRow("closed, 35") << false << 35;
}

// A browser that joins learns the languages and the language button's choice.
void tst_BrowserProtocol::stateLanguages()
{
    GatewaySnapshot s = snapshotOf(0, 10, std::nullopt);
    s.languages = QStringList { QStringLiteral("de"), QStringLiteral("en") };
    s.language = QStringLiteral("en");
    const QJsonObject state = received(BrowserProtocol::state(s));
    QCOMPARE(state.value(QLatin1String("languages")), QJsonValue(QJsonArray { "de", "en" }));
    QCOMPARE(state.value(QLatin1String("language")), QJsonValue(QStringLiteral("en")));
}

// A browser that joins while closed learns it from `state`, and the volume too.
void tst_BrowserProtocol::stateOpenAndVolume()
{
    QFETCH(bool, open);
    QFETCH(int, volume);
    GatewaySnapshot s = snapshotOf(0, 10, std::nullopt);
    s.open = open;
    s.volume = volume;
    const QJsonObject state = received(BrowserProtocol::state(s));
    QCOMPARE(state.value(QLatin1String("open")), QJsonValue(open));
    QCOMPARE(state.value(QLatin1String("volume")), QJsonValue(volume));
}

void tst_BrowserProtocol::media()
{
    GatewaySnapshot s = snapshotOf(1, 10, 4);
    s.mediaComplete = false;
    s.items[4] = QJsonObject{ { "id", 5 }, { "image", "/media/005.jpg?v=1" }, { "audio", QJsonValue() }, { "video", QJsonValue() } };

    const QJsonObject media = received(BrowserProtocol::media(s));
    QCOMPARE(media.value(QLatin1String("type")), QJsonValue(QStringLiteral("media")));
    QCOMPARE(media.value(QLatin1String("first_id")), QJsonValue(1));
    QCOMPARE(media.value(QLatin1String("media_count")), QJsonValue(10));
    QCOMPARE(media.value(QLatin1String("media_complete")), QJsonValue(false));
    QCOMPARE(media.value(QLatin1String("items")), QJsonValue(s.items));
    QVERIFY(media.value(QLatin1String("items")).toArray().at(4).toObject().value(QLatin1String("audio")).isNull());
    // Changed media says nothing of what plays.
    QVERIFY(!media.contains(QLatin1String("current")));
}

void tst_BrowserProtocol::play_data()
{
    QTest::addColumn<QJsonObject>("item");
    QTest::addColumn<QString>("language"); // the language button's choice; empty: null
    QTest::newRow("image and audio") << item(2) << QString();
    QJsonObject withVideo = item(4);
    withVideo.insert(QStringLiteral("video"), QStringLiteral("/media/004.mp4?v=3"));
    QTest::newRow("with video") << withVideo << QString();
    QJsonObject broken = item(5);
    broken.insert(QStringLiteral("image"), QJsonValue());
    QTest::newRow("missing picture") << broken << QString();
    QJsonObject languages = item(6);
    languages.insert(QStringLiteral("captions"), QStringLiteral("/media/006.de.vtt?v=2"));
    languages.insert(QStringLiteral("languages"),
                     QJsonObject { { "de", QJsonObject { { "audio", "/media/006.de.mp3?v=2" }, { "fallback", false } } } });
    QTest::newRow("languages, chosen by the button") << languages << QStringLiteral("en");
}

void tst_BrowserProtocol::play()
{
    QFETCH(QJsonObject, item);
    QFETCH(QString, language);
    const QJsonObject play = received(BrowserProtocol::play(item, language));
    // Exactly the item plus the type and the language, so browsers can match preloaded URLs.
    QJsonObject expected = item;
    expected.insert(QStringLiteral("type"), QStringLiteral("play"));
    expected.insert(QStringLiteral("language"), language.isEmpty() ? QJsonValue() : QJsonValue(language));
    QCOMPARE(play, expected);
    QVERIFY(play.contains(QLatin1String("language")));
    QVERIFY(play.value(QLatin1String("id")).isDouble());
}

void tst_BrowserProtocol::simpleMessages_data()
{
    QTest::addColumn<QJsonObject>("message");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("stop") << BrowserProtocol::stop() << QByteArray(R"({"type":"stop"})");
    QTest::newRow("pong") << BrowserProtocol::pong() << QByteArray(R"({"type":"pong"})");
    QTest::newRow("panel connected") << BrowserProtocol::panel(true, true)
                                     << QByteArray(R"({"connected":true,"responding":true,"type":"panel"})");
    QTest::newRow("panel silent") << BrowserProtocol::panel(true, false)
                                  << QByteArray(R"({"connected":true,"responding":false,"type":"panel"})");
    QTest::newRow("panel lost") << BrowserProtocol::panel(false, false)
                                << QByteArray(R"({"connected":false,"responding":false,"type":"panel"})");
    QTest::newRow("closed") << BrowserProtocol::openingChanged(false) << QByteArray(R"({"type":"closed"})");
    QTest::newRow("open") << BrowserProtocol::openingChanged(true) << QByteArray(R"({"type":"open"})");
    QTest::newRow("volume 0") << BrowserProtocol::volume(0) << QByteArray(R"({"level":0,"type":"volume"})");
    QTest::newRow("volume 35") << BrowserProtocol::volume(35) << QByteArray(R"({"level":35,"type":"volume"})");
    QTest::newRow("volume 100") << BrowserProtocol::volume(100) << QByteArray(R"({"level":100,"type":"volume"})");
    QTest::newRow("attract") << BrowserProtocol::attract() << QByteArray(R"({"type":"attract"})");
    QTest::newRow("language en") << BrowserProtocol::language(QStringLiteral("en"))
                                 << QByteArray(R"({"language":"en","type":"language"})");
    QTest::newRow("language default") << BrowserProtocol::language(QString())
                                      << QByteArray(R"({"language":null,"type":"language"})");
}

void tst_BrowserProtocol::simpleMessages()
{
    QFETCH(QJsonObject, message);
    QFETCH(QByteArray, text);
    QCOMPARE(BrowserProtocol::encode(message).toUtf8(), text);
}

void tst_BrowserProtocol::encodeIsCompact()
{
    const QString text = BrowserProtocol::encode(BrowserProtocol::state(snapshotOf(0, 3, 1)));
    QVERIFY(!text.contains(QLatin1Char('\n')));
    QVERIFY(!text.contains(QLatin1String(": ")));
}

void tst_BrowserProtocol::stateAndStatusAgree_data()
{
    QTest::addColumn<QStringList>("presses");
    QTest::addColumn<QJsonValue>("current");
    QTest::newRow("idle") << QStringList() << QJsonValue();
    QTest::newRow("playing 3") << QStringList{ "3" } << QJsonValue(3);
    QTest::newRow("preempted by 5") << QStringList{ "3", "5" } << QJsonValue(5);
}

// `state` and /status are written from the same snapshot: they cannot disagree.
void tst_BrowserProtocol::stateAndStatusAgree()
{
    QFETCH(QStringList, presses);
    QFETCH(QJsonValue, current);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int id = 0; id < 6; ++id) {
        for (const char *suffix : { ".jpg", ".mp3" }) {
            QFile file(dir.filePath(MediaLibrary::baseName(id) + QLatin1String(suffix)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("x");
        }
    }
    MediaLibrary media(dir.path(), 0, 8); // 006 and 007 missing
    SteadyClock clock;
    PanelController controller(&media, &clock);
    PanelLink link(QStringLiteral("none"), 115200);
    WebSocketHub hub;
    const GatewayStatus status(QStringLiteral("custom"), controller, link, hub, media);
    for (const QString &id : presses)
        QCOMPARE(controller.press(id.toInt()), PanelController::Outcome::Played);

    const QJsonObject state = received(BrowserProtocol::state(status.snapshot()));
    const QJsonObject report = status.status();
    QCOMPARE(state.value(QLatin1String("current")), current);
    QCOMPARE(report.value(QLatin1String("current_button")), current);
    QCOMPARE(state.value(QLatin1String("media_count")), report.value(QLatin1String("num_media")));
    QCOMPARE(state.value(QLatin1String("first_id")), report.value(QLatin1String("first_id")));
    QCOMPARE(state.value(QLatin1String("version")), report.value(QLatin1String("version")));
    QCOMPARE(state.value(QLatin1String("serial_connected")), report.value(QLatin1String("serial_connected")));
    QCOMPARE(state.value(QLatin1String("media_complete")), report.value(QLatin1String("media_complete")));
    QCOMPARE(state.value(QLatin1String("media_complete")), QJsonValue(false));
    QCOMPARE(state.value(QLatin1String("serial_enabled")), QJsonValue(false));
    QVERIFY(report.value(QLatin1String("serial_port")).isNull());
    QCOMPARE(state.value(QLatin1String("items")).toArray(), media.items());
    // Both from one snapshot: the same instant, to the millisecond.
    QCOMPARE(state.value(QLatin1String("elapsed_ms")).isNull(), current.isNull());
    QCOMPARE(report.value(QLatin1String("current_elapsed_ms")).isNull(), current.isNull());
    QCOMPARE(state.value(QLatin1String("open")), report.value(QLatin1String("open")));
    QCOMPARE(state.value(QLatin1String("open")), QJsonValue(true));
    QVERIFY(report.value(QLatin1String("next_change")).isNull()); // always open
    QCOMPARE(state.value(QLatin1String("volume")), report.value(QLatin1String("volume")));
}

// A screen that joins during attract mode joins in; `state` and `media` both
// say whether the media folder has the attract-mode video.
void tst_BrowserProtocol::stateAttract_data()
{
    QTest::addColumn<bool>("attract");
    QTest::addColumn<QJsonValue>("video");
    QTest::newRow("idle, no video") << false << QJsonValue();
    QTest::newRow("attract, no video") << true << QJsonValue();
    QTest::newRow("attract, video") << true << QJsonValue(QStringLiteral("/media/attract.mp4?v=5"));
    QTest::newRow("idle, video") << false << QJsonValue(QStringLiteral("/media/attract.mp4?v=5"));
}

void tst_BrowserProtocol::stateAttract()
{
    QFETCH(bool, attract);
    QFETCH(QJsonValue, video);
    GatewaySnapshot s = snapshotOf(0, 10, std::nullopt);
    s.attract = attract;
    s.attractVideo = video;
    const QJsonObject state = received(BrowserProtocol::state(s));
    QCOMPARE(state.value(QLatin1String("attract")), QJsonValue(attract));
    QVERIFY(state.contains(QLatin1String("attract_video")));
    QCOMPARE(state.value(QLatin1String("attract_video")), video);
    const QJsonObject media = received(BrowserProtocol::media(s));
    QVERIFY(media.contains(QLatin1String("attract_video")));
    QCOMPARE(media.value(QLatin1String("attract_video")), video);
    QVERIFY(!media.contains(QLatin1String("attract")));
}

void tst_BrowserProtocol::attractInStateAndStatus_data()
{
    QTest::addColumn<QByteArray>("video"); // attract.mp4's content; null: none
    QTest::addColumn<bool>("hasVideo");
    QTest::newRow("no attract.mp4") << QByteArray() << false;
    QTest::newRow("empty attract.mp4") << QByteArray("") << false;
    QTest::newRow("attract.mp4") << QByteArray("mp4") << true;
}

// From the controller through the snapshot to `state` and /status.
void tst_BrowserProtocol::attractInStateAndStatus()
{
    QFETCH(QByteArray, video);
    QFETCH(bool, hasVideo);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int id = 0; id < 3; ++id) {
        for (const char *suffix : { ".jpg", ".mp3" }) {
            QFile file(dir.filePath(MediaLibrary::baseName(id) + QLatin1String(suffix)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write("x");
        }
    }
    if (!video.isNull()) {
        QFile file(dir.filePath(QStringLiteral("attract.mp4")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(video);
    }
    MediaLibrary media(dir.path(), 0, 3);
    SteadyClock clock;
    PanelController controller(&media, &clock);
    PanelLink link(QStringLiteral("none"), 115200);
    WebSocketHub hub;
    const GatewayStatus status(QStringLiteral("custom"), controller, link, hub, media);

    const auto check = [&](bool attract) {
        const QJsonObject state = received(BrowserProtocol::state(status.snapshot()));
        QCOMPARE(state.value(QLatin1String("attract")), QJsonValue(attract));
        QCOMPARE(status.status().value(QLatin1String("attract")), QJsonValue(attract));
        const QJsonValue url = state.value(QLatin1String("attract_video"));
        QCOMPARE(url.isString(), hasVideo);
        if (hasVideo)
            QVERIFY2(url.toString().startsWith(QLatin1String("/media/attract.mp4?v=")), qPrintable(url.toString()));
    };
    check(false);
    controller.startAttract();
    check(true);
    controller.press(1);
    check(false);
    // The attract-mode video is no media item, and no media file is missing for it.
    QCOMPARE(media.items().size(), 3);
    QVERIFY(media.isComplete());
}

QTEST_GUILESS_MAIN(tst_BrowserProtocol)
#include "tst_browserprotocol.moc"
