#include "firmwareemulator.h"
#include "gatewayprocess.h"
#include "rawhttpclient.h"
#include "wsclient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

// IDs 1…10, as firmware that counts from 001 has them. 001 sounds for 2 s,
// 002 for 3 s (real mp3 files); the others are the 1 s demo sounds.
constexpr int firstId = 1;
constexpr int mediaCount = 10;
constexpr int twoSecondId = 1;
constexpr int threeSecondId = 2;

} // namespace

// The supervised panel link, the gateway's own playback clock and the press
// policy (docs/serial-protocol.md, "Heartbeat"; docs/architecture.md,
// "Time"), seen from outside: what the panel, /status, /health and browsers get.
class TestPlayback : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void firmwareIsAsked();
    void hangIsSilentThenRecovers();
    void serialStates();
    void oldFirmwareIsNeverSilent();
    void timerEndsWithoutBrowser();
    void endedBeforeTimerWins();
    void lateJoinerGetsElapsed();
    void pressPolicies_data();
    void pressPolicies();
    void bouncingButtonIsQuarantined();
    void testPlayFollowsPolicy_data();
    void testPlayFollowsPolicy();

private:
    bool launch(const QStringList &extra, FirmwareEmulator::Generation generation = FirmwareEmulator::Generation::Current);
    QJsonObject status();
    RawHttpClient http() const { return RawHttpClient(m_gateway->port()); }
    // The sound length the gateway read for `id`, as its `state` greeting lists it.
    qint64 durationOf(int id);

    QTemporaryDir m_dir;
    QString m_mediaDir;
    QString m_configFile;
    std::unique_ptr<FirmwareEmulator> m_panel;
    std::unique_ptr<GatewayProcess> m_gateway;
};

void TestPlayback::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(PANEL_GATEWAY_BINARY)));
    QVERIFY(m_dir.isValid());
    m_mediaDir = m_dir.filePath(u"media"_s);
    QVERIFY(QDir().mkpath(m_mediaDir));
    const QString demo = QStringLiteral(PANEL_SOURCE_MEDIA_DIR);
    const QString sounds = QStringLiteral(PANEL_TEST_SOUNDS);
    for (int id = firstId; id < firstId + mediaCount; ++id) {
        const QString base = QString::number(id).rightJustified(3, u'0');
        const QString demoBase = QString::number(id % 10).rightJustified(3, u'0');
        QVERIFY(QFile::copy(demo + u'/' + demoBase + u".jpg"_s, m_mediaDir + u'/' + base + u".jpg"_s));
        const QString sound = id == twoSecondId     ? sounds + u"/tone2s.mp3"_s
                : id == threeSecondId               ? sounds + u"/tone3s.mp3"_s
                                                    : demo + u'/' + demoBase + u".mp3"_s;
        QVERIFY(QFile::copy(sound, m_mediaDir + u'/' + base + u".mp3"_s));
    }
    m_configFile = m_dir.filePath(u"empty.conf"_s);
    QFile config(m_configFile);
    QVERIFY(config.open(QIODevice::WriteOnly));
}

void TestPlayback::cleanup()
{
    if (m_gateway) {
        m_gateway->stop();
        for (const QString &bad : { u"QIODevice::"_s, u"ERROR: AddressSanitizer"_s, u"runtime error:"_s })
            QVERIFY2(m_gateway->countLog(bad) == 0, qPrintable(m_gateway->logLines().join(u'\n')));
    }
    m_gateway.reset();
    m_panel.reset();
}

bool TestPlayback::launch(const QStringList &extra, FirmwareEmulator::Generation generation)
{
    m_panel = std::make_unique<FirmwareEmulator>(generation);
    if (!m_panel->open())
        return false;
    m_panel->setIdRange(firstId, mediaCount);
    m_panel->boot(); // powered before the gateway starts, as in the field
    m_gateway = std::make_unique<GatewayProcess>();
    const QStringList arguments = QStringList{ u"--media-dir"_s, m_mediaDir, u"--first-id"_s, QString::number(firstId),
                                               u"--media-count"_s, QString::number(mediaCount), u"--serial-port"_s,
                                               m_panel->slavePath() }
            + extra;
    if (!m_gateway->start(arguments, m_configFile)) {
        qWarning().noquote() << m_gateway->errorString();
        return false;
    }
    // Connected, and the LEDs brought in line (all off).
    return QTest::qWaitFor([this] { return m_panel->receivedCount("LEDCLR") > 0; }, 5000);
}

QJsonObject TestPlayback::status()
{
    const RawHttpClient::Response response = http().get("/status");
    return response.status == 200 ? QJsonDocument::fromJson(response.body).object() : QJsonObject();
}

qint64 TestPlayback::durationOf(int id)
{
    WsClient browser;
    if (!browser.open(m_gateway->port()))
        return -1;
    const QJsonArray items = browser.take().value("items"_L1).toArray();
    for (const QJsonValue &item : items) {
        if (item.toObject().value("id"_L1).toInt() == id)
            return item.toObject().value("duration_ms"_L1).toInteger(-1);
    }
    return -1;
}

// §6: VERSION after open; the FW answer is kept and shown.
void TestPlayback::firmwareIsAsked()
{
    m_panel.reset();
    QVERIFY(launch({}));
    QTRY_VERIFY(m_panel->receivedCount("VERSION") == 1);
    QTRY_COMPARE(status().value("serial_firmware"_L1).toString(), u"selection-panel 2.5.0"_s);
    const QJsonObject s = status();
    QCOMPARE(s.value("serial_state"_L1).toString(), u"connected"_s);
    QVERIFY(s.value("serial_last_line_s"_L1).isDouble());
    QVERIFY(s.value("serial_last_line_s"_L1).toDouble() < 5);
}

// §6: a panel that answered PING and then hangs is silent within three
// intervals: /status, /health and browsers say so, the log once; its first
// line afterwards ends it and the LEDs are set to what plays.
void TestPlayback::hangIsSilentThenRecovers()
{
    // A long grace: 004 plays on through the whole silence.
    QVERIFY(launch({ u"--ping-interval-s"_s, u"1"_s, u"--end-grace-ms"_s, u"60000"_s }));
    WsClient browser;
    QVERIFY(browser.open(m_gateway->port()));
    QCOMPARE(browser.take().value("serial_responding"_L1).toBool(), true);
    // It answers a PING first: from now on its silence means something.
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->receivedCount("PING") >= 1, 3000);
    m_panel->press(4);
    QCOMPARE(browser.take().value("type"_L1).toString(), u"stop"_s);
    QCOMPARE(browser.take().value("id"_L1).toInt(), 4);
    QTRY_COMPARE(m_panel->receivedCount("LEDSET 004"), 1);

    const int from = int(m_gateway->logLines().size());
    QElapsedTimer quiet;
    m_panel->hang();
    quiet.start();
    QTRY_COMPARE_WITH_TIMEOUT(status().value("serial_state"_L1).toString(), u"silent"_s, 5000);
    // Three intervals after its last line, which came before the hang.
    QVERIFY2(quiet.elapsed() <= 3 * 1000 + 700, qPrintable(QString::number(quiet.elapsed())));
    const RawHttpClient::Response health = http().get("/health");
    QCOMPARE(health.status, 503);
    const QJsonObject healthBody = QJsonDocument::fromJson(health.body).object();
    QCOMPARE(healthBody.value("serial"_L1).toBool(true), false);
    QCOMPARE(healthBody.value("serial_state"_L1).toString(), u"silent"_s);
    const QJsonObject told = browser.take(3000);
    QCOMPARE(told.value("type"_L1).toString(), u"panel"_s);
    QCOMPARE(told.value("connected"_L1).toBool(), true);
    QCOMPARE(told.value("responding"_L1).toBool(true), false);

    // It wakes up: it reads what waited (the PINGs of the silence, not one
    // per ping in the log) and answers. Its first line ends the silence, and
    // the LED of what plays is set again: a panel that hung may have lost it.
    m_panel->resume();
    QTRY_COMPARE_WITH_TIMEOUT(status().value("serial_state"_L1).toString(), u"connected"_s, 3000);
    QCOMPARE(browser.take(3000).value("responding"_L1).toBool(), true);
    QTRY_COMPARE(m_panel->receivedCount("LEDSET 004"), 2);
    QCOMPARE(m_panel->litLeds(), QSet<int>{ 4 });
    QCOMPARE(http().get("/health").status, 200);
    // The log arrives through a pipe, on its own time: wait for the line, then count.
    QVERIFY(m_gateway->waitForLog(u"answers again"_s, from) >= 0);
    QCOMPARE(m_gateway->countLog(u"is silent"_s, from), 1);
    QCOMPARE(m_gateway->countLog(u"answers again"_s, from), 1);
}

// §6: serial_state's other two names, and serial_last_line_s without a line.
void TestPlayback::serialStates()
{
    QVERIFY(launch({}, FirmwareEmulator::Generation::Legacy));
    QJsonObject s = status();
    QCOMPARE(s.value("serial_state"_L1).toString(), u"connected"_s);
    QVERIFY(s.value("serial_last_line_s"_L1).isNull()); // 2.2 says nothing until pressed
    m_panel->press(3);
    QTRY_VERIFY(status().value("serial_last_line_s"_L1).isDouble());
    m_panel->pty().close(); // unplugged
    QTRY_COMPARE_WITH_TIMEOUT(status().value("serial_state"_L1).toString(), u"disconnected"_s, 5000);
    s = status();
    QVERIFY(s.value("serial_last_line_s"_L1).isNull());
    QCOMPARE(QJsonDocument::fromJson(http().get("/health").body).object().value("serial_state"_L1).toString(),
             u"disconnected"_s);
    m_gateway->stop();

    m_gateway = std::make_unique<GatewayProcess>();
    QVERIFY(m_gateway->start({ u"--media-dir"_s, m_mediaDir, u"--first-id"_s, u"1"_s, u"--serial-port"_s, u"none"_s },
                             m_configFile));
    s = status();
    QCOMPARE(s.value("serial_state"_L1).toString(), u"disabled"_s);
    QVERIFY(s.value("serial_last_line_s"_L1).isNull());
    QCOMPARE(http().get("/health").status, 200);
}

// §6: firmware 2.2 sends only presses and never answers PING: never silent.
void TestPlayback::oldFirmwareIsNeverSilent()
{
    QVERIFY(launch({ u"--ping-interval-s"_s, u"1"_s }, FirmwareEmulator::Generation::Legacy));
    // Four unanswered PINGs: more than three intervals of silence.
    QTRY_VERIFY_WITH_TIMEOUT(m_panel->receivedCount("PING") >= 4, 8000);
    QCOMPARE(status().value("serial_state"_L1).toString(), u"connected"_s);
    QCOMPARE(http().get("/health").status, 200);
    QCOMPARE(m_gateway->countLog(u"is silent"_s), 0);
    // The press flow is intact.
    m_panel->press(7);
    QTRY_COMPARE(m_panel->litLeds(), QSet<int>{ 7 });
    QTRY_COMPARE(status().value("current_button"_L1).toInt(-1), 7);
    QVERIFY(status().value("serial_firmware"_L1).isNull());
}

// §7: no browser at all. PRESS of a 2-second sound → LEDSET, then LEDCLR by
// the gateway's own timer at 2 s + the grace.
void TestPlayback::timerEndsWithoutBrowser()
{
    QVERIFY(launch({ u"--end-grace-ms"_s, u"300"_s }));
    const qint64 length = durationOf(twoSecondId);
    QVERIFY2(length > 1900 && length < 2200, qPrintable(QString::number(length)));

    QSignalSpy commands(m_panel.get(), &FirmwareEmulator::commandReceived);
    QElapsedTimer sincePress;
    m_panel->press(twoSecondId);
    sincePress.start();
    QTRY_VERIFY(commands.contains(QVariantList{ QByteArray("LEDSET 001") }));
    QTRY_VERIFY_WITH_TIMEOUT(commands.contains(QVariantList{ QByteArray("LEDCLR") }), 5000);
    const qint64 lit = sincePress.elapsed();
    QVERIFY2(lit >= length + 300 - 50 && lit < length + 300 + 700, qPrintable(QString::number(lit)));
    const QJsonObject s = status();
    QCOMPARE(s.value("ended_by_timer"_L1).toInt(-1), 1);
    QVERIFY(s.value("current_button"_L1).isNull());
    QVERIFY(s.value("current_elapsed_ms"_L1).isNull());
    QVERIFY(m_panel->litLeds().isEmpty());
    QVERIFY(m_gateway->waitForLog(u"ended by timer"_s) >= 0);
    QCOMPARE(m_gateway->countLog(u"ended by timer"_s), 1);
}

// §7: a browser's `ended` before the timer: the timer does nothing.
void TestPlayback::endedBeforeTimerWins()
{
    QVERIFY(launch({ u"--end-grace-ms"_s, u"300"_s }));
    WsClient browser;
    QVERIFY(browser.open(m_gateway->port()));
    browser.take(); // state
    m_panel->press(twoSecondId);
    QCOMPARE(browser.take().value("type"_L1).toString(), u"stop"_s);
    const QJsonObject play = browser.take();
    QCOMPARE(play.value("id"_L1).toInt(), twoSecondId);
    QVERIFY(play.value("duration_ms"_L1).toInteger() > 1900);
    browser.send({ { u"type"_s, u"ended"_s }, { u"id"_s, twoSecondId } });
    QTRY_VERIFY(m_panel->litLeds().isEmpty());
    const int clears = m_panel->receivedCount("LEDCLR");
    // Past the moment the timer would have fired: nothing more happens. No
    // event marks a thing that does not happen; waiting is the test.
    QTest::qWait(int(play.value("duration_ms"_L1).toInteger()) + 300 + 500);
    QCOMPARE(m_panel->receivedCount("LEDCLR"), clears);
    QCOMPARE(status().value("ended_by_timer"_L1).toInt(-1), 0);
    QCOMPARE(m_gateway->countLog(u"ended by timer"_s), 0);
}

// §7: a browser that joins 1 s into a 3-second sound is told how far it is.
void TestPlayback::lateJoinerGetsElapsed()
{
    QVERIFY(launch({}));
    QSignalSpy commands(m_panel.get(), &FirmwareEmulator::commandReceived);
    QElapsedTimer sincePress;
    m_panel->press(threeSecondId);
    sincePress.start();
    QTRY_VERIFY(commands.contains(QVariantList{ QByteArray("LEDSET 002") }));
    // The visitor's browser comes one second late.
    QTest::qWait(int(std::max<qint64>(0, 1000 - sincePress.elapsed())));
    WsClient late;
    QVERIFY(late.open(m_gateway->port()));
    const QJsonObject state = late.take();
    QCOMPARE(state.value("current"_L1).toInt(-1), threeSecondId);
    const qint64 elapsed = state.value("elapsed_ms"_L1).toInteger(-1);
    QVERIFY2(elapsed >= 900 && elapsed <= 1300, qPrintable(QString::number(elapsed)));
    const QJsonObject s = status();
    QVERIFY(s.value("current_elapsed_ms"_L1).toInteger() >= elapsed);
    const qint64 remaining = s.value("current_remaining_ms"_L1).toInteger(-1);
    QVERIFY2(remaining > 0 && remaining <= 3100 - elapsed, qPrintable(QString::number(remaining)));
}

void TestPlayback::pressPolicies_data()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QList<int>>("presses");  // by the panel, each after the last was acted on
    QTest::addColumn<int>("current");         // -1: none
    QTest::addColumn<int>("ignored");
    QTest::addColumn<QByteArray>("lastCommand");

    QTest::newRow("preempt") << QStringList() << QList<int>{ 3, 5 } << 5 << 0 << QByteArray("LEDSET 005");
    QTest::newRow("ignore") << QStringList{ u"--press-policy"_s, u"ignore"_s } << QList<int>{ 3, 5, 3 } << 3 << 2
                            << QByteArray("LEDSET 003");
    QTest::newRow("toggle: the same stops") << QStringList{ u"--press-policy"_s, u"toggle"_s } << QList<int>{ 3, 3 }
                                            << -1 << 0 << QByteArray("LEDCLR");
    QTest::newRow("toggle: another preempts") << QStringList{ u"--press-policy"_s, u"toggle"_s } << QList<int>{ 3, 5 }
                                              << 5 << 0 << QByteArray("LEDSET 005");
    QTest::newRow("cool-down") << QStringList{ u"--press-cooldown-ms"_s, u"60000"_s } << QList<int>{ 3, 5, 6 } << 3 << 2
                               << QByteArray("LEDSET 003");
}

// §8 through the real program: the panel's presses, the panel's LEDs, /status.
void TestPlayback::pressPolicies()
{
    QFETCH(QStringList, options);
    QFETCH(QList<int>, presses);
    QFETCH(int, current);
    QFETCH(int, ignored);
    QFETCH(QByteArray, lastCommand);

    QVERIFY(launch(options));
    WsClient browser;
    QVERIFY(browser.open(m_gateway->port()));
    browser.take(); // state
    for (int id : presses) {
        m_panel->press(id);
        QVERIFY(browser.roundTrip()); // the gateway has acted on it
    }
    const QJsonObject s = status();
    QCOMPARE(s.value("current_button"_L1).toInt(-1), current);
    QCOMPARE(s.value("ignored_presses"_L1).toInt(-1), ignored);
    QCOMPARE(s.value("rejected_presses"_L1).toInt(-1), 0);
    QTRY_COMPARE(m_panel->receivedCommands().last(), lastCommand);
    // An ignored press sent browsers nothing.
    int plays = 0;
    for (const QJsonObject &message : browser.pending())
        plays += message.value("type"_L1).toString() == u"play"_s;
    QCOMPARE(plays, int(presses.size()) - ignored - (current < 0 ? 1 : 0));
}

// §8: a bouncing button (20 presses of one ID in a second) is quarantined,
// logged once and listed; other buttons are unaffected.
void TestPlayback::bouncingButtonIsQuarantined()
{
    QVERIFY(launch({}));
    WsClient browser;
    QVERIFY(browser.open(m_gateway->port()));
    for (int i = 0; i < 20; ++i)
        m_panel->press(8);
    QVERIFY(browser.roundTrip());
    QTRY_COMPARE(status().value("ignored_presses"_L1).toInt(-1), 10);
    const QJsonObject s = status();
    QCOMPARE(s.value("quarantined"_L1).toArray(), QJsonArray{ 8 });
    QVERIFY(m_gateway->waitForLog(u"button 008 pressed more than 10 times"_s) >= 0);
    QCOMPARE(m_gateway->countLog(u"button 008 pressed more than 10 times"_s), 1);
    m_panel->press(6);
    QTRY_COMPARE(status().value("current_button"_L1).toInt(-1), 6);
    QTRY_COMPARE(m_panel->litLeds(), QSet<int>{ 6 });
}

void TestPlayback::testPlayFollowsPolicy_data()
{
    QTest::addColumn<QString>("policy");
    QTest::addColumn<QByteArrayList>("answers"); // to /test/play/3, then /test/play/3 again, then /test/play/5

    QTest::newRow("preempt") << u"preempt"_s << QByteArrayList{ "OK: play 3\n", "OK: play 3\n", "OK: play 5\n" };
    QTest::newRow("ignore") << u"ignore"_s
                            << QByteArrayList{ "OK: play 3\n", "OK: ignored 3 (press policy)\n",
                                               "OK: ignored 5 (press policy)\n" };
    QTest::newRow("toggle") << u"toggle"_s << QByteArrayList{ "OK: play 3\n", "OK: stopped\n", "OK: play 5\n" };
}

// /test/play runs exactly what a panel press runs, the policy included, and says what came of it.
void TestPlayback::testPlayFollowsPolicy()
{
    QFETCH(QString, policy);
    QFETCH(QByteArrayList, answers);

    QVERIFY(launch({ u"--press-policy"_s, policy }));
    const QByteArrayList targets = { "/test/play/3", "/test/play/3", "/test/play/5" };
    for (qsizetype i = 0; i < targets.size(); ++i) {
        const RawHttpClient::Response response = http().get(targets.at(i));
        QCOMPARE(response.status, 200);
        QCOMPARE(response.body, answers.at(i));
    }
}

QTEST_GUILESS_MAIN(TestPlayback)
#include "tst_playback.moc"
