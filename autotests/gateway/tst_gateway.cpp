#include "gatewayprocess.h"
#include "ptypair.h"
#include "rawhttpclient.h"
#include "wsclient.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

#include <signal.h>
#include <sys/types.h>

using namespace Qt::StringLiterals;

namespace {

constexpr int mediaCount = 50; // so that 42, the docs' example, is a valid ID
const QByteArray secretText = "not for visitors\n";
// A complete WebSocket handshake request's headers (RFC 6455 §4.1).
const QByteArray upgradeHeaders = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

QJsonObject message(const QString &type, const QJsonObject &fields = {})
{
    QJsonObject object = fields;
    object.insert(u"type"_s, type);
    return object;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

} // namespace

// The built selection-panel program end to end (docs/): a pty is its
// panel, WebSocket and raw HTTP clients are its browsers and operators.
class TestGateway : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    // Panel and browsers together
    void pressFlow();
    void serialPieces_data();
    void serialPieces();
    void serialNoise_data();
    void serialNoise();
    void overlongSerialLine();
    void readyResyncsLeds_data();
    void readyResyncsLeds();
    void pressOutOfRange_data();
    void pressOutOfRange();
    void staleEndedIsIgnored();
    void lateJoinerSeesCurrent();
    void panelFloodIsThrottled_data();
    void panelFloodIsThrottled();

    // Serial outages and flow control
    void reconnectsAtSamePath();
    void outageCostsLittleCpu();
    void panelReadsSlowly();

    // HTTP
    void httpRoutes_data();
    void httpRoutes();
    void httpMethods_data();
    void httpMethods();
    void httpLimitsApply();
    void browsersLeaveTheirPlace();
    void testPlayAndStop();
    void testPlayRejected_data();
    void testPlayRejected();
    void statusFields();
    void health_data();
    void health();
    void mediaTraversal_data();
    void mediaTraversal();
    void mediaChangesLive();
    void mediaFolderReplaced();

    // WebSocket bad input
    void wsBadInput_data();
    void wsBadInput();
    void wsMessageSize_data();
    void wsMessageSize();
    void wsWrongPath_data();
    void wsWrongPath();
    void wsUpgradeAfterKeepAlive_data();
    void wsUpgradeAfterKeepAlive();

    void stopsOnSignal_data();
    void stopsOnSignal();
    void survivesSignal_data();
    void survivesSignal();
    void statusSignalLogsState_data();
    void statusSignalLogsState();
    void reloadSwitchesSerialPort();
    void reloadKeepsRunningOnBadConfig_data();
    void reloadKeepsRunningOnBadConfig();
    void openingHoursAndVolumeLive();
    void attractMode();
    void captionsAndLanguageButton();

private:
    enum class Panel {
        Pty,    // a fresh pty, by its own path
        Link,   // a fresh pty behind a symlink: it can vanish and come back at one path
        Absent, // a device path that does not exist
        Config, // a fresh pty named in the config file (panelConfigFile()), so that a reload can change it
    };
    // Starts the gateway with 50 media unless `extra` sets a mode, and waits
    // until it listens and, with a panel, has opened it and cleared its LEDs.
    bool launch(const QStringList &extra = {}, Panel panel = Panel::Pty, const QString &mediaDir = {});
    bool expectLine(const QByteArray &expected, int timeoutMs = 3000);
    QJsonObject status();
    RawHttpClient http() const { return RawHttpClient(m_gateway->port()); }
    std::unique_ptr<WsClient> connectBrowser();
    QString panelConfigFile() const { return m_dir.filePath(u"panel.conf"_s); }
    // Sends `signalNumber` and waits for the log line it causes (-1: none came).
    int signalAndWaitForLog(int signalNumber, const QString &text);
    // SIGTERM: the gateway must stop cleanly, with status 0.
    bool stopsCleanly();

    QTemporaryDir m_dir;
    QString m_mediaDir;      // complete: 000…049 .jpg and .mp3
    QString m_emptyMediaDir; // nothing in it
    QString m_gapMediaDir;   // complete but for an empty 007.mp3
    QString m_configFile;
    QString m_linkPath;
    QString m_launchError;
    std::unique_ptr<QTemporaryDir> m_linkDir;
    std::unique_ptr<PtyPair> m_pty;
    std::vector<std::unique_ptr<PtyPair>> m_takenPtys;
    std::unique_ptr<GatewayProcess> m_gateway;
};

void TestGateway::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(PANEL_GATEWAY_BINARY)));
    QVERIFY(m_dir.isValid());
    const QDir root(m_dir.path());
    m_mediaDir = root.filePath(u"media"_s);
    m_emptyMediaDir = root.filePath(u"empty"_s);
    m_gapMediaDir = root.filePath(u"gap"_s);
    for (const QString &folder : { m_mediaDir, m_emptyMediaDir, m_gapMediaDir })
        QVERIFY(root.mkpath(folder));
    // Tiny stand-ins: the gateway checks names and sizes, browsers are not involved.
    const QByteArray jpeg = QByteArray::fromHex("ffd8ffe000104a46494600") + "tiny";
    const QByteArray mp3 = QByteArrayLiteral("ID3\x03\x00\x00\x00\x00\x00\x00") + "tiny";
    for (int id = 0; id < mediaCount; ++id) {
        const QString base = QString::number(id).rightJustified(3, u'0');
        for (const QString &folder : { m_mediaDir, m_gapMediaDir }) {
            QVERIFY(writeFile(folder + u'/' + base + u".jpg"_s, jpeg + base.toLatin1()));
            QVERIFY(writeFile(folder + u'/' + base + u".mp3"_s,
                              folder == m_gapMediaDir && id == 7 ? QByteArray() : mp3 + base.toLatin1()));
        }
    }
    // Beside the media folder: a file that must never be served.
    QVERIFY(writeFile(root.filePath(u"secret.txt"_s), secretText));
    // An empty config file keeps any system-wide one out of the tests.
    m_configFile = root.filePath(u"empty.conf"_s);
    QVERIFY(writeFile(m_configFile, {}));
}

void TestGateway::cleanup()
{
    if (m_gateway) {
        // Stopped first: LeakSanitizer reports as the program exits.
        m_gateway->stop();
        QVERIFY2(m_gateway->countProblems() == 0, qPrintable(m_gateway->logLines().join(u'\n')));
    }
    m_gateway.reset();
    m_pty.reset();
    m_takenPtys.clear();
    m_linkDir.reset();
}

bool TestGateway::launch(const QStringList &extra, Panel panel, const QString &mediaDir)
{
    QStringList arguments = QStringList { u"--media-dir"_s, mediaDir.isEmpty() ? m_mediaDir : mediaDir } + extra;
    if (!extra.contains(u"--mode"_s))
        arguments << u"--media-count"_s << QString::number(mediaCount);

    if (panel == Panel::Absent) {
        m_gateway = std::make_unique<GatewayProcess>();
        if (m_gateway->start(arguments << u"--serial-port"_s << m_dir.filePath(u"no-such-tty"_s), m_configFile))
            return true;
        m_launchError = m_gateway->errorString();
        return false;
    }

    if (panel == Panel::Link) {
        m_linkDir = std::make_unique<QTemporaryDir>();
        m_linkPath = m_linkDir->filePath(u"panel"_s);
    }
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_pty = std::make_unique<PtyPair>();
        if (!m_pty->open()) {
            m_launchError = m_pty->errorString();
            return false;
        }
        QString port = m_pty->slavePath();
        QString configFile = m_configFile;
        if (panel == Panel::Config) {
            configFile = panelConfigFile();
            if (!writeFile(configFile, "serial_port = " + port.toUtf8() + '\n')) {
                m_launchError = u"cannot write "_s + configFile;
                return false;
            }
        }
        if (panel == Panel::Link) {
            QFile::remove(m_linkPath);
            if (!QFile::link(port, m_linkPath)) {
                m_launchError = u"cannot link %1 to %2"_s.arg(m_linkPath, port);
                return false;
            }
            port = m_linkPath;
        }
        m_gateway = std::make_unique<GatewayProcess>();
        const QStringList portOption = panel == Panel::Config ? QStringList() : QStringList { u"--serial-port"_s, port };
        if (!m_gateway->start(arguments + portOption, configFile)) {
            m_launchError = m_gateway->errorString();
            return false;
        }
        const int first = m_gateway->waitForLog(u"panel.serial:"_s);
        const QString line = first < 0 ? QString() : m_gateway->logLines().at(first);
        const bool locked = line.contains("locking"_L1);
        if (!locked && !line.contains("panel connected on"_L1)) {
            m_launchError = u"the gateway did not open the pty; log:\n"_s + m_gateway->logLines().join(u'\n');
            return false;
        }
        if (!locked) {
            // A panel that (re)connects gets its LEDs brought in line: nothing plays yet.
            QByteArray led;
            if (!m_pty->takeLine(&led)) {
                m_launchError = u"no LEDCLR on connect"_s;
                return false;
            }
            if (led == "LEDCLR")
                return true;
            if (attempt == 2) {
                m_launchError = u"expected LEDCLR on connect, got '%1'"_s.arg(QString::fromLatin1(led));
                return false;
            }
        }
        // Some other program keeps reopening this pty number (a gateway left
        // running elsewhere) and locked it first or writes to it too: keep the
        // pty ours so that the next one gets another number.
        qWarning("%s is used by another program; trying another pty", qPrintable(m_pty->slavePath()));
        m_gateway.reset();
        m_takenPtys.push_back(std::move(m_pty));
    }
    m_launchError = u"every pty tried was taken by another program"_s;
    return false;
}

bool TestGateway::expectLine(const QByteArray &expected, int timeoutMs)
{
    QByteArray line;
    if (!m_pty->takeLine(&line, timeoutMs)) {
        qWarning("no line from the gateway; expected '%s'", expected.constData());
        return false;
    }
    if (line != expected) {
        qWarning("the gateway wrote '%s'; expected '%s'", line.constData(), expected.constData());
        return false;
    }
    return true;
}

QJsonObject TestGateway::status()
{
    const RawHttpClient::Response response = http().get("/status");
    if (response.status != 200)
        return {};
    return QJsonDocument::fromJson(response.body).object();
}

int TestGateway::signalAndWaitForLog(int signalNumber, const QString &text)
{
    const int from = int(m_gateway->logLines().size());
    if (::kill(pid_t(m_gateway->pid()), signalNumber) != 0)
        return -1;
    return m_gateway->waitForLog(text, from);
}

bool TestGateway::stopsCleanly()
{
    QSignalSpy finished(m_gateway->process(), &QProcess::finished);
    if (::kill(pid_t(m_gateway->pid()), SIGTERM) != 0)
        return false;
    if (finished.isEmpty() && !finished.wait(5000))
        return false;
    return m_gateway->process()->exitStatus() == QProcess::NormalExit && m_gateway->process()->exitCode() == 0;
}

std::unique_ptr<WsClient> TestGateway::connectBrowser()
{
    auto client = std::make_unique<WsClient>();
    if (!client->open(m_gateway->port()))
        return nullptr;
    // Every browser is greeted with the state before anything else.
    if (client->take().value("type"_L1).toString() != "state"_L1)
        return nullptr;
    return client;
}

// ---------------------------------------------------------------------------

void TestGateway::pressFlow()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    WsClient first, second;
    QVERIFY(first.open(m_gateway->port()));
    QVERIFY(second.open(m_gateway->port()));
    for (WsClient *client : { &first, &second }) {
        const QJsonObject state = client->take();
        QCOMPARE(state.value("type"_L1).toString(), u"state"_s);
        QVERIFY(state.value("current"_L1).isNull());
        QCOMPARE(state.value("first_id"_L1).toInt(-1), 0);
        QCOMPARE(state.value("media_count"_L1).toInt(), mediaCount);
        QVERIFY(!state.value("version"_L1).toString().isEmpty());
        QCOMPARE(state.value("serial_connected"_L1).toBool(), true);
        QCOMPARE(state.value("media_complete"_L1).toBool(), true);
        const QJsonArray items = state.value("items"_L1).toArray();
        QCOMPARE(items.size(), mediaCount);
        QCOMPARE(items.at(42).toObject().value("id"_L1).toInt(), 42);
    }
    QCOMPARE(status().value("ws_clients"_L1).toInt(), 2);

    QVERIFY(m_pty->write("PRESS 042\n"));
    QVERIFY(expectLine("LEDSET 042"));
    for (WsClient *client : { &first, &second }) {
        QCOMPARE(client->take(), message(u"stop"_s));
        const QJsonObject play = client->take();
        QCOMPARE(play.value("type"_L1).toString(), u"play"_s);
        QCOMPARE(play.value("id"_L1).toInt(-1), 42);
        QVERIFY2(play.value("image"_L1).toString().startsWith("/media/042.jpg"_L1), qPrintable(play.value("image"_L1).toString()));
        QVERIFY2(play.value("audio"_L1).toString().startsWith("/media/042.mp3"_L1), qPrintable(play.value("audio"_L1).toString()));
        QVERIFY(play.value("video"_L1).isNull());
    }
    QCOMPARE(status().value("current_button"_L1).toInt(-1), 42);

    first.send(message(u"ended"_s, { { u"id"_s, 42 } }));
    QVERIFY(expectLine("LEDCLR"));
    const QJsonObject after = status();
    QVERIFY(after.contains("current_button"_L1));
    QVERIFY(after.value("current_button"_L1).isNull());
    // `ended` goes nowhere but to the gateway: the other browser hears nothing.
    QVERIFY(second.roundTrip());
    QVERIFY(second.pending().isEmpty());
}

void TestGateway::serialPieces_data()
{
    QTest::addColumn<QByteArrayList>("pieces");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("split in two") << QByteArrayList { "PRE", "SS 042\n" } << QByteArray("LEDSET 042");
    QTest::newRow("CRLF") << QByteArrayList { "PRESS 042\r\n" } << QByteArray("LEDSET 042");
    QTest::newRow("CR and LF apart") << QByteArrayList { "PRESS 017\r", "\n" } << QByteArray("LEDSET 017");
    QTest::newRow("byte pieces") << QByteArrayList { "P", "RESS", " 0", "0", "9", "\n" } << QByteArray("LEDSET 009");
    QTest::newRow("unpadded id") << QByteArrayList { "PRESS 7\n" } << QByteArray("LEDSET 007");
}

void TestGateway::serialPieces()
{
    QFETCH(QByteArrayList, pieces);
    QFETCH(QByteArray, expected);
    QVERIFY2(launch(), qPrintable(m_launchError));

    for (qsizetype i = 0; i < pieces.size(); ++i) {
        QVERIFY(m_pty->write(pieces.at(i)));
        if (i + 1 < pieces.size()) {
            // A round trip to the gateway lets it read the piece; a half line must not act.
            QVERIFY(status().value("current_button"_L1).isNull());
            QVERIFY(m_pty->pendingLines().isEmpty());
        }
    }
    QVERIFY(expectLine(expected));
    // Exactly one press: the next line is the answer to the marker, not a second LEDSET.
    QCOMPARE(http().get("/test/stop").status, 200);
    QVERIFY(expectLine("LEDCLR"));
}

void TestGateway::serialNoise_data()
{
    QTest::addColumn<QByteArray>("noise");

    QTest::newRow("ROM banner") << QByteArray("ESP-ROM:esp32s3-20210327\r\n");
    QTest::newRow("ROM build date") << QByteArray("ets Jun  8 2016 00:22:57\r\n");
    QTest::newRow("ROM reset") << QByteArray("rst:0x1 (POWERON_RESET),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\n");
    QTest::newRow("ROM load") << QByteArray("load:0x3fce3808,len:0x44c\r\nentry 0x403c9880\r\n");
    QTest::newRow("debug line") << QByteArray("[IO] button 42 down, PRESS 042 queued\n");
    QTest::newRow("RELEASE") << QByteArray("RELEASE 042\n");
    QTest::newRow("FW") << QByteArray("FW selection-panel 2.5.1\n");
    QTest::newRow("OK") << QByteArray("OK\n");
    QTest::newRow("PONG") << QByteArray("PONG\n");
    QTest::newRow("ERROR") << QByteArray("ERROR invalid id\n");
    QTest::newRow("status answer") << QByteArray("CURLED 42\nBTNS 100\nHEAP 201344\n");
    QTest::newRow("PRESS without id") << QByteArray("PRESS\n");
    QTest::newRow("PRESS with letters") << QByteArray("PRESS 04a\n");
    QTest::newRow("PRESS inside a word") << QByteArray("xPRESS 042\n");
    static const char garbage[] = "\x00\xff\xfe\x1b[0m\x7f\n";
    QTest::newRow("binary garbage") << QByteArray(garbage, sizeof garbage - 1);
    QTest::newRow("empty lines") << QByteArray("\n\r\n\n");
}

void TestGateway::serialNoise()
{
    QFETCH(QByteArray, noise);
    QVERIFY2(launch(), qPrintable(m_launchError));

    QVERIFY(m_pty->write(noise));
    // Marker: if the noise had been taken for a press, its LEDSET would come first.
    QVERIFY(m_pty->write("PRESS 001\n"));
    QVERIFY(expectLine("LEDSET 001"));
    const QJsonObject after = status();
    QCOMPARE(after.value("current_button"_L1).toInt(-1), 1);
    QCOMPARE(after.value("rejected_presses"_L1).toInt(-1), 0);
    QCOMPARE(after.value("serial_connected"_L1).toBool(), true);
}

void TestGateway::overlongSerialLine()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    const int droppedBefore = status().value("dropped_serial_lines"_L1).toInt(-1);
    QCOMPARE(droppedBefore, 0);

    // Over 256 bytes the line is dropped whole, even though it ends like a press.
    QVERIFY(m_pty->write(QByteArray(300, ' ') + "PRESS 042\n"));
    QVERIFY(m_pty->write("PRESS 001\n"));
    QVERIFY(expectLine("LEDSET 001"));
    QCOMPARE(status().value("dropped_serial_lines"_L1).toInt(-1), 1);
}

void TestGateway::readyResyncsLeds_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("nothing plays") << QByteArray() << QByteArray("LEDCLR");
    QTest::newRow("042 plays") << QByteArray("PRESS 042\n") << QByteArray("LEDSET 042");
}

void TestGateway::readyResyncsLeds()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, expected);
    QVERIFY2(launch(), qPrintable(m_launchError));

    if (!before.isEmpty()) {
        QVERIFY(m_pty->write(before));
        QVERIFY(expectLine("LEDSET 042"));
    }
    // The firmware rebooted: its LEDs are off, the gateway puts them back.
    QVERIFY(m_pty->write("READY\r\n"));
    QVERIFY(expectLine(expected));
    // READY is no press and ends nothing.
    const QJsonValue current = status().value("current_button"_L1);
    if (before.isEmpty())
        QVERIFY(current.isNull());
    else
        QCOMPARE(current.toInt(-1), 42);
}

void TestGateway::pressOutOfRange_data()
{
    QTest::addColumn<QByteArray>("press");

    QTest::newRow("999") << QByteArray("PRESS 999\n");
    QTest::newRow("one past the last") << QByteArray("PRESS 050\n");
    QTest::newRow("six digits") << QByteArray("PRESS 123456\n");
    QTest::newRow("seven digits") << QByteArray("PRESS 1234567\n");
    QTest::newRow("twenty digits") << QByteArray("PRESS 12345678901234567890\n");
    QTest::newRow("seven digits, padded") << QByteArray("PRESS 0000050\n");
}

void TestGateway::pressOutOfRange()
{
    QFETCH(QByteArray, press);
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);

    QVERIFY(m_pty->write(press));
    const QJsonObject after = status();
    QVERIFY(!after.isEmpty());
    QCOMPARE(after.value("rejected_presses"_L1).toInt(-1), 1);
    QVERIFY(after.value("current_button"_L1).isNull());
    // Nothing for the panel: the next line answers the marker.
    QVERIFY(m_pty->write("PRESS 002\n"));
    QVERIFY(expectLine("LEDSET 002"));
    // Nor for the browsers: the first thing they hear is the marker's stop and play.
    QCOMPARE(browser->take(), message(u"stop"_s));
    QCOMPARE(browser->take().value("id"_L1).toInt(-1), 2);
}

void TestGateway::staleEndedIsIgnored()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);

    for (const int id : { 3, 5 }) {
        QVERIFY(m_pty->write(QByteArrayLiteral("PRESS 00") + QByteArray::number(id) + '\n'));
        QVERIFY(expectLine(QByteArrayLiteral("LEDSET 00") + QByteArray::number(id)));
        QCOMPARE(browser->take(), message(u"stop"_s));
        QCOMPARE(browser->take().value("id"_L1).toInt(-1), id);
    }
    // The browser still finishing 3 reports it after 5 started: stale.
    browser->send(message(u"ended"_s, { { u"id"_s, 3 } }));
    QVERIFY(browser->roundTrip());
    QCOMPARE(status().value("current_button"_L1).toInt(-1), 5);
    // Marker: a panel reboot makes the gateway say what it believes is lit.
    // Had the stale `ended` cleared, a LEDCLR would come instead or first.
    QVERIFY(m_pty->write("READY\n"));
    QVERIFY(expectLine("LEDSET 005"));

    browser->send(message(u"ended"_s, { { u"id"_s, 5 } }));
    QVERIFY(expectLine("LEDCLR"));
    QVERIFY(status().value("current_button"_L1).isNull());

    // A repeated `ended` for what is no longer current changes nothing either.
    browser->send(message(u"ended"_s, { { u"id"_s, 5 } }));
    QVERIFY(browser->roundTrip());
    QCOMPARE(http().get("/test/play/1").status, 200);
    QVERIFY(expectLine("LEDSET 001"));
}

void TestGateway::lateJoinerSeesCurrent()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    QVERIFY(m_pty->write("PRESS 042\n"));
    QVERIFY(expectLine("LEDSET 042"));

    WsClient late;
    QVERIFY(late.open(m_gateway->port()));
    const QJsonObject state = late.take();
    QCOMPARE(state.value("type"_L1).toString(), u"state"_s);
    QCOMPARE(state.value("current"_L1).toInt(-1), 42);

    late.send(message(u"ended"_s, { { u"id"_s, 42 } }));
    QVERIFY(expectLine("LEDCLR"));
    WsClient later;
    QVERIFY(later.open(m_gateway->port()));
    const QJsonObject idle = later.take();
    QCOMPARE(idle.value("type"_L1).toString(), u"state"_s);
    QVERIFY(idle.contains("current"_L1));
    QVERIFY(idle.value("current"_L1).isNull());
}

void TestGateway::panelFloodIsThrottled_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<int>("rejectedEach"); // what each line adds to rejected_presses
    QTest::addColumn<QString>("logged");   // the log line each would write unthrottled
    QTest::addColumn<int>("maxLines");     // at most this many of those lines

    QTest::newRow("out of range") << QByteArray("PRESS 999\n") << 1 << u"rejected: valid IDs"_s << 5;
    QTest::newRow("seven digits") << QByteArray("PRESS 1234567\n") << 1 << u"rejected: valid IDs"_s << 5;
    QTest::newRow("refusals") << QByteArray("ERROR invalid id\n") << 0 << u"refused"_s << 5;
    QTest::newRow("READY") << QByteArray("READY\n") << 0 << u"firmware ready"_s << 5;
    QTest::newRow("garbage") << QByteArray("\x1b[0m rst:0x1 PRESS\n") << 0 << u"panel.serial"_s << 0;
}

// A panel that babbles for a long time: counted exactly, logged a few times.
void TestGateway::panelFloodIsThrottled()
{
    QFETCH(QByteArray, line);
    QFETCH(int, rejectedEach);
    QFETCH(QString, logged);
    QFETCH(int, maxLines);
    QVERIFY2(launch(), qPrintable(m_launchError));
    const int from = int(m_gateway->logLines().size());

    constexpr int count = 2000;
    QByteArray flood;
    for (int i = 0; i < count; ++i)
        flood += line;
    // Marker: the press after the flood shows that all of it was read.
    QVERIFY2(m_pty->feed(flood + "PRESS 001\n"), qPrintable(m_pty->errorString()));
    QTRY_COMPARE(status().value("current_button"_L1).toInt(-1), 1);
    const QJsonObject after = status();
    QCOMPARE(after.value("rejected_presses"_L1).toInt(-1), rejectedEach * count);
    QCOMPARE(after.value("serial_connected"_L1).toBool(), true);
    // The state line is logged after everything before it: the log is complete up to here.
    QVERIFY(signalAndWaitForLog(SIGUSR1, u"panel.app: state:"_s) >= 0);
    const int lines = m_gateway->countLog(logged, from);
    QVERIFY2(lines <= maxLines, qPrintable(m_gateway->logLines().mid(from, 20).join(u'\n')));
    if (maxLines > 0)
        QVERIFY(lines >= 1); // the first ones are still there
}

// ---------------------------------------------------------------------------

void TestGateway::reconnectsAtSamePath()
{
    QVERIFY2(launch({}, Panel::Link), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    QCOMPARE(status().value("serial_port"_L1).toString(), m_linkPath);
    const int outageStart = int(m_gateway->logLines().size());

    // Made now, the replacement cannot reuse the pty number about to vanish.
    auto replacement = std::make_unique<PtyPair>();
    QVERIFY(replacement->open());

    // Unplugged: the slave hangs up and the device node is gone.
    m_pty->close();
    QVERIFY(QFile::remove(m_linkPath));
    QCOMPARE(browser->take(5000), message(u"panel"_s, { { u"connected"_s, false }, { u"responding"_s, false } }));
    QCOMPARE(status().value("serial_connected"_L1).toBool(true), false);
    QCOMPARE(http().get("/health").status, 503);

    // The retry timer fires every second: this window spans several retries.
    QTest::qWait(2500);
    QCOMPARE(m_gateway->countLog(u"panel.serial:"_s, outageStart), 1);
    const int outageLine = m_gateway->waitForLog(u"panel.serial:"_s, outageStart);
    QVERIFY(outageLine >= 0);
    QVERIFY2(m_gateway->logLines().at(outageLine).contains("lost"_L1), qPrintable(m_gateway->logLines().at(outageLine)));

    // Plugged in again: a new device at the same path.
    m_pty = std::move(replacement);
    QVERIFY(QFile::link(m_pty->slavePath(), m_linkPath));
    QVERIFY(m_gateway->waitForLog(u"panel.serial: panel connected on"_s, outageStart, 4000) >= 0);
    QVERIFY(expectLine("LEDCLR"));
    QCOMPARE(browser->take(), message(u"panel"_s, { { u"connected"_s, true }, { u"responding"_s, true } }));
    QCOMPARE(status().value("serial_connected"_L1).toBool(), true);
    QCOMPARE(http().get("/health").status, 200);

    QVERIFY(m_pty->write("PRESS 042\n"));
    QVERIFY(expectLine("LEDSET 042"));
    QCOMPARE(browser->take(), message(u"stop"_s));
    QCOMPARE(browser->take().value("id"_L1).toInt(-1), 42);
    QCOMPARE(m_gateway->countLog(u"panel.serial:"_s, outageStart), 2); // lost, connected
}

void TestGateway::outageCostsLittleCpu()
{
    QVERIFY2(launch({}, Panel::Link), qPrintable(m_launchError));
    m_pty->close();
    QVERIFY(QFile::remove(m_linkPath));
    QTRY_COMPARE_WITH_TIMEOUT(status().value("serial_connected"_L1).toBool(true), false, 5000);

    const double before = m_gateway->cpuSeconds();
    QVERIFY(before >= 0);
    // A gateway spinning on the dead device would use the whole window.
    QTest::qWait(3000);
    const double used = m_gateway->cpuSeconds() - before;
    QVERIFY2(used < 0.3, qPrintable(u"%1 s of CPU in a 3 s outage"_s.arg(used)));
}

// A panel that sends presses fast and reads its input slowly fills the pty:
// that is no outage. Every press plays; the LEDs end up in the newest state.
void TestGateway::panelReadsSlowly()
{
    // Each ID is pressed about 120 times in a burst: no quarantine here.
    QVERIFY2(launch({ u"--stuck-presses"_s, u"0"_s }), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    const int from = int(m_gateway->logLines().size());

    // About 66 KB of LED commands; a pty holds about 20 KB unread.
    constexpr int count = 6000;
    QByteArray presses;
    for (int i = 0; i < count - 1; ++i)
        presses += "PRESS " + QByteArray::number(i % 49).rightJustified(3, '0') + '\n';
    presses += "PRESS 049\n"; // only the last one: the newest state
    m_pty->setReading(false);
    QVERIFY2(m_pty->feed(presses), qPrintable(m_pty->errorString()));

    // Every press plays (a stop and a play each), on one connection.
    QTRY_COMPARE_WITH_TIMEOUT(browser->pending().size(), 2 * count, 20000);
    QCOMPARE(browser->pending().last().value("id"_L1).toInt(-1), 49);
    const QJsonObject after = status();
    QCOMPARE(after.value("serial_connected"_L1).toBool(), true);
    QCOMPARE(after.value("current_button"_L1).toInt(-1), 49);
    QCOMPARE(after.value("rejected_presses"_L1).toInt(-1), 0);
    // No reopen, which would drop DTR and RTS and lose what the panel sent meanwhile.
    QCOMPARE(m_gateway->countLog(u"panel lost"_s, from), 0);
    QCOMPARE(m_gateway->countLog(u"panel connected"_s, from), 0);

    // The panel reads again: old states were dropped, the newest comes last.
    m_pty->setReading(true);
    QByteArray line;
    int received = 0;
    while (line != "LEDSET 049") {
        QVERIFY2(m_pty->takeLine(&line, 5000), qPrintable(u"no LEDSET 049 after %1 lines"_s.arg(received)));
        ++received;
    }
    QVERIFY2(received < count / 2, qPrintable(QString::number(received)));
    QCOMPARE(http().get("/test/stop").status, 200);
    QVERIFY(expectLine("LEDCLR"));
    QCOMPARE(m_gateway->countLog(u"panel.serial: panel connected"_s), 1);
}

// ---------------------------------------------------------------------------

void TestGateway::httpRoutes_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType"); // a part of it; empty: not checked
    QTest::addColumn<QByteArray>("body");        // a part of it

    QTest::newRow("dashboard") << QByteArray("/") << 200 << QByteArray("text/html") << QByteArray("<html");
    QTest::newRow("app.js") << QByteArray("/static/app.js") << 200 << QByteArray("javascript") << QByteArray("import ");
    QTest::newRow("connection.js") << QByteArray("/static/connection.js") << 200 << QByteArray("javascript")
                                   << QByteArray("new WebSocket");
    QTest::newRow("styles.css") << QByteArray("/static/styles.css") << 200 << QByteArray("text/css") << QByteArray("{");
    QTest::newRow("image") << QByteArray("/media/000.jpg") << 200 << QByteArray("image/jpeg") << QByteArray("tiny000");
    QTest::newRow("audio") << QByteArray("/media/042.mp3") << 200 << QByteArray("audio/mpeg") << QByteArray("tiny042");
    QTest::newRow("status") << QByteArray("/status") << 200 << QByteArray("application/json") << QByteArray("\"num_media\"");
    QTest::newRow("health") << QByteArray("/health") << 200 << QByteArray("application/json") << QByteArray("\"healthy\"");
    QTest::newRow("unknown") << QByteArray("/nope") << 404 << QByteArray() << QByteArray();
    QTest::newRow("status suffix") << QByteArray("/statusx") << 404 << QByteArray() << QByteArray();
    QTest::newRow("test without id") << QByteArray("/test/play") << 404 << QByteArray() << QByteArray();
    QTest::newRow("missing asset") << QByteArray("/static/nope.js") << 404 << QByteArray() << QByteArray();
    QTest::newRow("missing media") << QByteArray("/media/999.jpg") << 404 << QByteArray() << QByteArray();
    QTest::newRow("media folder itself") << QByteArray("/media/") << 404 << QByteArray() << QByteArray();
    QTest::newRow("file beside media") << QByteArray("/secret.txt") << 404 << QByteArray() << QByteArray();
}

void TestGateway::httpRoutes()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QVERIFY2(launch(), qPrintable(m_launchError));

    const RawHttpClient::Response response = http().get(target);
    QCOMPARE(response.status, status);
    if (!contentType.isEmpty())
        QVERIFY2(response.header("content-type").contains(contentType), response.header("content-type").constData());
    QVERIFY2(response.body.contains(body), response.body.left(200).constData());
    QVERIFY(!response.body.contains(secretText));
}

void TestGateway::httpMethods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allow");

    QTest::newRow("DELETE /status") << QByteArray("DELETE") << QByteArray("/status") << 405 << QByteArray("GET, HEAD");
    QTest::newRow("PUT /status") << QByteArray("PUT") << QByteArray("/status") << 405 << QByteArray("GET, HEAD");
    QTest::newRow("POST /health") << QByteArray("POST") << QByteArray("/health") << 405 << QByteArray("GET, HEAD");
    QTest::newRow("HEAD /status") << QByteArray("HEAD") << QByteArray("/status") << 200 << QByteArray();
    QTest::newRow("DELETE /test/stop") << QByteArray("DELETE") << QByteArray("/test/stop") << 405
                                       << QByteArray("GET, POST");
    QTest::newRow("PUT /media file") << QByteArray("PUT") << QByteArray("/media/000.jpg") << 405
                                     << QByteArray("GET, HEAD");
}

void TestGateway::httpMethods()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QByteArray, allow);
    QVERIFY2(launch(), qPrintable(m_launchError));

    const RawHttpClient::Response response = http().request(method, target, "Content-Length: 0\r\n");
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("allow"), allow);
    // Nothing was stopped or pressed on the way.
    QVERIFY(m_pty->pendingLines().isEmpty());
}

// The program's HTTP options reach its connections: an idle one is closed
// after --http-timeout-s, a request over the head limit gets 431.
void TestGateway::httpLimitsApply()
{
    QVERIFY2(launch({ u"--http-timeout-s"_s, u"1"_s, u"--max-connections"_s, u"32"_s }), qPrintable(m_launchError));
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, m_gateway->port());
    QVERIFY(idle.waitForConnected(3000));
    QTRY_COMPARE_WITH_TIMEOUT(idle.state(), QAbstractSocket::UnconnectedState, 5000);

    const RawHttpClient::Response huge = http().request("GET", "/health", "X-Big: " + QByteArray(20000, 'a') + "\r\n");
    QCOMPARE(huge.status, 431);
    QCOMPARE(http().get("/health").status, 200);
}

// A browser that has gone frees its place under --max-connections: one after
// the other, more browsers than the limit come and go, and all get in.
void TestGateway::browsersLeaveTheirPlace()
{
    QVERIFY2(launch({ u"--max-connections"_s, u"32"_s }), qPrintable(m_launchError));
    for (int i = 0; i < 40; ++i) {
        auto browser = connectBrowser();
        QVERIFY2(browser, qPrintable(QString::number(i)));
        browser->socket()->close();
        QVERIFY(browser->waitForDisconnected());
        QTRY_COMPARE(status().value("ws_clients"_L1).toInt(-1), 0);
    }
    QCOMPARE(m_gateway->countLog(u"connection limit"_s), 0);
}

void TestGateway::testPlayAndStop()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);

    RawHttpClient::Response response = http().get("/test/play/3");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body.trimmed(), QByteArray("OK: play 3"));
    QVERIFY(expectLine("LEDSET 003"));
    QCOMPARE(browser->take(), message(u"stop"_s));
    const QJsonObject play = browser->take();
    QCOMPARE(play.value("type"_L1).toString(), u"play"_s);
    QCOMPARE(play.value("id"_L1).toInt(-1), 3);
    QCOMPARE(status().value("current_button"_L1).toInt(-1), 3);

    response = http().get("/test/stop");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.body.trimmed(), QByteArray("OK: stopped"));
    QVERIFY(expectLine("LEDCLR"));
    QCOMPARE(browser->take(), message(u"stop"_s));
    QVERIFY(status().value("current_button"_L1).isNull());
}

void TestGateway::testPlayRejected_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QStringList>("extra");

    QTest::newRow("letters") << QByteArray("/test/play/abc") << QStringList();
    QTest::newRow("one past the last") << QByteArray("/test/play/50") << QStringList();
    // The prototype's 10 media: IDs 0 to 9.
    QTest::newRow("10 in prototype mode") << QByteArray("/test/play/10") << QStringList { u"--mode"_s, u"prototype"_s };
    QTest::newRow("negative") << QByteArray("/test/play/-1") << QStringList();
    QTest::newRow("huge") << QByteArray("/test/play/99999999999999999999") << QStringList();
    QTest::newRow("fraction") << QByteArray("/test/play/3.5") << QStringList();
    QTest::newRow("exponent") << QByteArray("/test/play/1e1") << QStringList();
    QTest::newRow("hex") << QByteArray("/test/play/0x2a") << QStringList();
    QTest::newRow("encoded space") << QByteArray("/test/play/%20") << QStringList();
}

void TestGateway::testPlayRejected()
{
    QFETCH(QByteArray, target);
    QFETCH(QStringList, extra);
    QVERIFY2(launch(extra), qPrintable(m_launchError));
    QCOMPARE(status().value("num_media"_L1).toInt(), extra.isEmpty() ? mediaCount : 10);

    const RawHttpClient::Response response = http().get(target);
    QCOMPARE(response.status, 400);
    QVERIFY2(response.body.startsWith("ERROR: "), response.body.constData());
    // Nothing happened: the next LED command is the marker's.
    QCOMPARE(http().get("/test/play/1").status, 200);
    QVERIFY(expectLine("LEDSET 001"));
}

void TestGateway::statusFields()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);

    const QJsonObject status = this->status();
    QCOMPARE(status.value("version"_L1).toString(), QStringLiteral(PANEL_TEST_VERSION));
    QCOMPARE(status.value("mode"_L1).toString(), u"custom"_s); // an explicit count is neither preset
    QCOMPARE(status.value("num_media"_L1).toInt(), mediaCount);
    QCOMPARE(status.value("first_id"_L1).toInt(-1), 0);
    QVERIFY(status.contains("current_button"_L1));
    QVERIFY(status.value("current_button"_L1).isNull());
    QCOMPARE(status.value("ws_clients"_L1).toInt(), 1);
    QCOMPARE(status.value("serial_connected"_L1).toBool(), true);
    // The device, as given or as QSerialPort names it (without /dev/).
    const QString port = status.value("serial_port"_L1).toString();
    QVERIFY2(port == m_pty->slavePath() || u"/dev/"_s + port == m_pty->slavePath(), qPrintable(port));
    QCOMPARE(status.value("media_missing"_L1).toInt(-1), 0);
    QVERIFY(status.value("missing_files"_L1).isArray());
    QVERIFY(status.value("missing_files"_L1).toArray().isEmpty());
    QVERIFY(status.value("uptime_s"_L1).isDouble());
    QVERIFY(status.value("uptime_s"_L1).toDouble() >= 0);

    // Counts follow the browsers.
    browser.reset();
    QTRY_COMPARE(this->status().value("ws_clients"_L1).toInt(-1), 0);
}

void TestGateway::health_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<int>("httpStatus");
    QTest::addColumn<bool>("serial");
    QTest::addColumn<bool>("mediaComplete");
    QTest::addColumn<int>("missing");
    QTest::addColumn<QStringList>("missingFiles"); // the first few

    QTest::newRow("all there") << u"complete"_s << 200 << true << true << 0 << QStringList();
    QTest::newRow("no media") << u"empty"_s << 503 << true << false << 2 * mediaCount
                              << QStringList { u"000.jpg"_s, u"000.mp3"_s };
    QTest::newRow("one empty file") << u"gap"_s << 503 << true << false << 1 << QStringList { u"007.mp3"_s };
    QTest::newRow("no panel") << u"no panel"_s << 503 << false << true << 0 << QStringList();
}

void TestGateway::health()
{
    QFETCH(QString, setup);
    QFETCH(int, httpStatus);
    QFETCH(bool, serial);
    QFETCH(bool, mediaComplete);
    QFETCH(int, missing);
    QFETCH(QStringList, missingFiles);

    if (setup == "no panel"_L1) {
        QVERIFY2(launch({}, Panel::Absent), qPrintable(m_launchError));
    } else {
        const QString folder = setup == "empty"_L1 ? m_emptyMediaDir : setup == "gap"_L1 ? m_gapMediaDir : m_mediaDir;
        QVERIFY2(launch({}, Panel::Pty, folder), qPrintable(m_launchError));
    }

    const RawHttpClient::Response response = http().get("/health");
    QCOMPARE(response.status, httpStatus);
    const QJsonObject health = QJsonDocument::fromJson(response.body).object();
    QCOMPARE(health.value("status"_L1).toString(), httpStatus == 200 ? u"healthy"_s : u"degraded"_s);
    QCOMPARE(health.value("serial"_L1).toBool(!serial), serial);
    QCOMPARE(health.value("media_complete"_L1).toBool(!mediaComplete), mediaComplete);

    const QJsonObject status = this->status();
    QCOMPARE(status.value("media_missing"_L1).toInt(-1), missing);
    const QJsonArray names = status.value("missing_files"_L1).toArray();
    QCOMPARE(names.size(), qMin(missing, 10));
    for (const QString &name : std::as_const(missingFiles))
        QVERIFY2(names.contains(name), qPrintable(name));
    // Degraded is no reason to stop serving.
    QCOMPARE(http().get("/").status, 200);
}

void TestGateway::mediaTraversal_data()
{
    QTest::addColumn<QByteArray>("target");

    QTest::newRow("plain dots") << QByteArray("/media/../secret.txt");
    QTest::newRow("encoded dots") << QByteArray("/media/%2e%2e/secret.txt");
    QTest::newRow("encoded slash") << QByteArray("/media/..%2fsecret.txt");
    QTest::newRow("all encoded") << QByteArray("/media/%2e%2e%2fsecret.txt");
    QTest::newRow("upper case") << QByteArray("/media/%2E%2E%2Fsecret.txt");
    QTest::newRow("double encoded") << QByteArray("/media/%252e%252e%252fsecret.txt");
    QTest::newRow("double encoded slash") << QByteArray("/media/..%252fsecret.txt");
    QTest::newRow("backslash") << QByteArray("/media/..%5csecret.txt");
    QTest::newRow("absolute") << QByteArray("/media/%2fetc%2fpasswd");
    QTest::newRow("deep") << QByteArray("/media/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd");
    QTest::newRow("dot segment") << QByteArray("/media/./../secret.txt");
    QTest::newRow("nul byte") << QByteArray("/media/000.jpg%00../secret.txt");
    QTest::newRow("static escape") << QByteArray("/static/..%2f..%2fsecret.txt");
}

void TestGateway::mediaTraversal()
{
    QFETCH(QByteArray, target);
    QVERIFY2(launch(), qPrintable(m_launchError));

    const RawHttpClient::Response response = http().get(target);
    QCOMPARE(response.status, 404);
    QVERIFY(!response.body.contains(secretText));
    QVERIFY(!response.body.contains("root:"));
    // And the server is still there.
    QCOMPARE(http().get("/media/001.jpg").status, 200);
}

// ---------------------------------------------------------------------------

void TestGateway::mediaChangesLive()
{
    // A folder of its own: the test changes it under the running gateway.
    QTemporaryDir live;
    QVERIFY(live.isValid());
    const QStringList names = QDir(m_mediaDir).entryList(QDir::Files);
    for (const QString &name : names)
        QVERIFY(QFile::copy(m_mediaDir + u'/' + name, live.filePath(name)));
    QVERIFY2(launch({}, Panel::Pty, live.path()), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    QCOMPARE(http().get("/health").status, 200);

    const auto itemOf = [](const QJsonObject &message, int id) {
        return message.value("items"_L1).toArray().at(id).toObject();
    };

    // A curator removes a sound: the gateway notices without a restart.
    QVERIFY(QFile::remove(live.filePath(u"003.mp3"_s)));
    QJsonObject media = browser->take(5000);
    QCOMPARE(media.value("type"_L1).toString(), u"media"_s);
    QCOMPARE(media.value("media_complete"_L1).toBool(true), false);
    QVERIFY(itemOf(media, 3).value("audio"_L1).isNull());
    QCOMPARE(status().value("media_missing"_L1).toInt(), 1);
    QCOMPARE(status().value("missing_files"_L1).toArray(), QJsonArray { u"003.mp3"_s });
    QCOMPARE(http().get("/health").status, 503);

    // ... and puts it back.
    QVERIFY(writeFile(live.filePath(u"003.mp3"_s), "ID3 again"));
    media = browser->take(5000);
    QCOMPARE(media.value("media_complete"_L1).toBool(), true);
    QVERIFY(itemOf(media, 3).value("audio"_L1).toString().startsWith("/media/003.mp3?v="_L1));
    QCOMPARE(status().value("media_missing"_L1).toInt(), 0);
    QCOMPARE(http().get("/health").status, 200);
    QCOMPARE(http().get("/media/003.mp3").body, QByteArray("ID3 again"));

    // A picture replaced in place gets a new URL, so browsers reload it.
    const QString before = itemOf(media, 4).value("image"_L1).toString();
    QFile image(live.filePath(u"004.jpg"_s));
    QVERIFY(image.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QVERIFY(image.write("a new picture, longer than the old one") > 0);
    image.close();
    media = browser->take(5000);
    QCOMPARE(media.value("type"_L1).toString(), u"media"_s);
    const QString after = itemOf(media, 4).value("image"_L1).toString();
    QVERIFY(after.startsWith("/media/004.jpg?v="_L1));
    QVERIFY2(after != before, qPrintable(after));
    QCOMPARE(http().get("/media/004.jpg").body, QByteArray("a new picture, longer than the old one"));
}

// A curator swaps the whole folder: the old one renamed away, a new one
// renamed into its place. The gateway follows without a restart.
void TestGateway::mediaFolderReplaced()
{
    QTemporaryDir live;
    QVERIFY(live.isValid());
    const QString folder = live.filePath(u"media"_s);
    const QStringList names = QDir(m_mediaDir).entryList(QDir::Files);
    for (const QString &target : { folder, live.filePath(u"media.new"_s) }) {
        QVERIFY(QDir().mkpath(target));
        for (const QString &name : names)
            QVERIFY(QFile::copy(m_mediaDir + u'/' + name, target + u'/' + name));
    }
    QVERIFY(QFile::remove(live.filePath(u"media.new/004.jpg"_s)));
    QVERIFY(writeFile(live.filePath(u"media.new/004.jpg"_s), "the new folder's picture"));

    QVERIFY2(launch({}, Panel::Pty, folder), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    QCOMPARE(http().get("/health").status, 200);

    // The old folder goes aside: no media at all until the new one is there.
    QVERIFY(QDir().rename(folder, live.filePath(u"media.old"_s)));
    QJsonObject media = browser->take(5000);
    QCOMPARE(media.value("type"_L1).toString(), u"media"_s);
    QCOMPARE(media.value("media_complete"_L1).toBool(true), false);
    const QJsonObject three = media.value("items"_L1).toArray().at(3).toObject();
    QVERIFY(three.value("image"_L1).isNull());
    QVERIFY(three.value("audio"_L1).isNull());
    QCOMPARE(http().get("/health").status, 503);
    QCOMPARE(status().value("media_missing"_L1).toInt(), 2 * mediaCount);

    // The new one takes its name.
    QVERIFY(QDir().rename(live.filePath(u"media.new"_s), folder));
    media = browser->take(5000);
    QCOMPARE(media.value("type"_L1).toString(), u"media"_s);
    QCOMPARE(media.value("media_complete"_L1).toBool(false), true);
    QVERIFY(media.value("items"_L1).toArray().at(4).toObject().value("image"_L1).toString().startsWith("/media/004.jpg?v="_L1));
    QCOMPARE(http().get("/health").status, 200);
    QCOMPARE(status().value("media_missing"_L1).toInt(-1), 0);
    QCOMPARE(http().get("/media/004.jpg").body, QByteArray("the new folder's picture"));
    // The gap was logged once.
    QCOMPARE(m_gateway->countLog(u"is absent"_s), 1);
}

void TestGateway::wsBadInput_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("binary");

    QTest::newRow("bad JSON") << u"{\"type\":"_s << false;
    QTest::newRow("array") << u"[{\"type\":\"ended\",\"id\":42}]"_s << false;
    QTest::newRow("number") << u"42"_s << false;
    QTest::newRow("string id") << u"{\"type\":\"ended\",\"id\":\"42\"}"_s << false;
    QTest::newRow("no id") << u"{\"type\":\"ended\"}"_s << false;
    QTest::newRow("fractional id") << u"{\"type\":\"ended\",\"id\":42.5}"_s << false;
    QTest::newRow("unknown type") << u"{\"type\":\"dance\",\"id\":42}"_s << false;
    QTest::newRow("no type") << u"{\"id\":42}"_s << false;
    QTest::newRow("binary frame") << u"{\"type\":\"ended\",\"id\":42}"_s << true;
}

void TestGateway::wsBadInput()
{
    QFETCH(QString, text);
    QFETCH(bool, binary);
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    QVERIFY(m_pty->write("PRESS 042\n"));
    QVERIFY(expectLine("LEDSET 042"));
    QCOMPARE(browser->take(), message(u"stop"_s));
    QCOMPARE(browser->take().value("id"_L1).toInt(-1), 42);
    QCOMPARE(status().value("rejected_ws_messages"_L1).toInt(-1), 0);

    if (binary)
        browser->sendBinary(text.toUtf8());
    else
        browser->sendText(text);
    // Ignored: still connected and answered, 42 still plays, and it was counted.
    QVERIFY(browser->roundTrip());
    QVERIFY(browser->isConnected());
    const QJsonObject after = status();
    QCOMPARE(after.value("rejected_ws_messages"_L1).toInt(-1), 1);
    QCOMPARE(after.value("current_button"_L1).toInt(-1), 42);
    QCOMPARE(after.value("ws_clients"_L1).toInt(-1), 1);
    QVERIFY(m_pty->pendingLines().isEmpty());
}

void TestGateway::wsMessageSize_data()
{
    QTest::addColumn<int>("size");
    QTest::addColumn<bool>("closed");
    // A sender still writing when the gateway closes gets a TCP reset, which
    // can beat the close frame: only a message that is all sent by then
    // reliably shows the code.
    QTest::addColumn<bool>("codeVisible");

    QTest::newRow("60 KiB") << 60 * 1024 << false << false;
    QTest::newRow("64 KiB + 1") << 64 * 1024 + 1 << true << true;
    QTest::newRow("1 MiB") << 1024 * 1024 << true << false;
}

void TestGateway::wsMessageSize()
{
    QFETCH(int, size);
    QFETCH(bool, closed);
    QFETCH(bool, codeVisible);
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto sender = connectBrowser();
    auto bystander = connectBrowser();
    QVERIFY(sender);
    QVERIFY(bystander);

    // A well-formed message of an unknown type, padded to `size` bytes.
    const QString head = u"{\"type\":\"junk\",\"pad\":\""_s;
    const QString tail = u"\"}"_s;
    sender->sendText(head + QString(size - head.size() - tail.size(), u'x') + tail);

    if (closed) {
        QVERIFY(sender->waitForDisconnected());
        if (codeVisible)
            QCOMPARE(sender->socket()->closeCode(), QWebSocketProtocol::CloseCodeTooMuchData);
        else
            QVERIFY(sender->socket()->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData
                    || sender->socket()->error() == QAbstractSocket::RemoteHostClosedError);
    } else {
        QVERIFY(sender->roundTrip());
        QVERIFY(sender->isConnected());
        QCOMPARE(status().value("rejected_ws_messages"_L1).toInt(-1), 1);
    }
    // The other browser is untouched and still served.
    QVERIFY(bystander->isConnected());
    QVERIFY(bystander->roundTrip());
    QCOMPARE(http().get("/test/play/4").status, 200);
    QCOMPARE(bystander->take(), message(u"stop"_s));
    QCOMPARE(bystander->take().value("id"_L1).toInt(-1), 4);
    QTRY_COMPARE(status().value("ws_clients"_L1).toInt(-1), closed ? 1 : 2);
}

void TestGateway::wsWrongPath_data()
{
    QTest::addColumn<QString>("path");

    QTest::newRow("root") << u"/"_s;
    QTest::newRow("other") << u"/other"_s;
    QTest::newRow("below ws") << u"/ws/x"_s;
    QTest::newRow("status") << u"/status"_s;
    QTest::newRow("asset") << u"/static/app.js"_s;
    QTest::newRow("test press") << u"/test/play/3"_s;
    QTest::newRow("no route") << u"/nothing/here"_s;
    QTest::newRow("ws with a dot segment") << u"/ws/../status"_s;
}

void TestGateway::wsWrongPath()
{
    QFETCH(QString, path);
    QVERIFY2(launch(), qPrintable(m_launchError));

    // Refused in plain HTTP before any 101, whatever route the path has.
    const RawHttpClient::Response refused = http().request("GET", path.toUtf8(), upgradeHeaders);
    QCOMPARE(refused.status, 404);
    QCOMPARE(refused.header("connection").toLower(), QByteArray("close"));
    QVERIFY(m_gateway->waitForLog(u"refused WebSocket upgrade on "_s + path) >= 0);

    // A WebSocket client never gets a working connection there either.
    WsClient stray;
    stray.open(m_gateway->port(), path);
    QVERIFY(stray.waitForDisconnected());
    QVERIFY(stray.pending().isEmpty());

    // A route that does something must not have done it for the upgrade.
    const QJsonObject after = status();
    QVERIFY(after.value("current_button"_L1).isNull());
    QCOMPARE(after.value("ws_clients"_L1).toInt(-1), 0);
    QVERIFY(m_pty->pendingLines().isEmpty());

    // /ws itself still works.
    auto browser = connectBrowser();
    QVERIFY(browser);
    QVERIFY(browser->roundTrip());
}

// An upgrade as the second request of a kept-alive connection is judged
// like the first: upgraded on /ws, refused anywhere else.
void TestGateway::wsUpgradeAfterKeepAlive_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<bool>("upgraded");
    QTest::newRow("ws") << QByteArray("/ws") << true;
    QTest::newRow("status") << QByteArray("/status") << false;
    QTest::newRow("root") << QByteArray("/") << false;
}

void TestGateway::wsUpgradeAfterKeepAlive()
{
    QFETCH(QByteArray, path);
    QFETCH(bool, upgraded);
    QVERIFY2(launch(), qPrintable(m_launchError));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, m_gateway->port());
    QVERIFY(socket.waitForConnected(3000));
    socket.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    QTRY_VERIFY(socket.bytesAvailable() > 0 && socket.peek(1 << 16).contains("\r\n\r\n"));
    const QByteArray first = socket.readAll();
    QVERIFY2(first.startsWith("HTTP/1.1 200"), first.constData());

    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + upgradeHeaders + "\r\n");
    if (upgraded) {
        QTRY_VERIFY(socket.peek(1 << 16).contains("\r\n\r\n"));
        const QByteArray answer = socket.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 101"), answer.constData());
        QTRY_COMPARE(status().value("ws_clients"_L1).toInt(-1), 1);
        return;
    }
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 5000);
    const QByteArray rest = socket.readAll();
    QVERIFY2(rest.startsWith("HTTP/1.1 404"), rest.constData());
    QCOMPARE(status().value("ws_clients"_L1).toInt(-1), 0);
}

// ---------------------------------------------------------------------------

void TestGateway::stopsOnSignal_data()
{
    QTest::addColumn<int>("signalNumber");

    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
    QTest::newRow("SIGQUIT") << int(SIGQUIT);
}

void TestGateway::stopsOnSignal()
{
    QFETCH(int, signalNumber);
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);

    QSignalSpy finished(m_gateway->process(), &QProcess::finished);
    QCOMPARE(::kill(pid_t(m_gateway->pid()), signalNumber), 0);
    QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 3000);
    QCOMPARE(m_gateway->process()->exitStatus(), QProcess::NormalExit);
    QCOMPARE(m_gateway->process()->exitCode(), 0);
    QVERIFY(browser->waitForDisconnected());
}

void TestGateway::survivesSignal_data()
{
    QTest::addColumn<int>("signalNumber");
    QTest::addColumn<QString>("logged"); // empty: nothing

    QTest::newRow("SIGHUP") << int(SIGHUP) << u"panel.config: configuration reloaded"_s;
    QTest::newRow("SIGUSR1") << int(SIGUSR1) << u"panel.app: state:"_s;
    QTest::newRow("SIGPIPE") << int(SIGPIPE) << QString();
}

// Signals a service manager or an operator sends must not end the gateway.
void TestGateway::survivesSignal()
{
    QFETCH(int, signalNumber);
    QFETCH(QString, logged);
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);

    for (int round = 0; round < 2; ++round) {
        if (logged.isEmpty())
            QCOMPARE(::kill(pid_t(m_gateway->pid()), signalNumber), 0);
        else
            QVERIFY2(signalAndWaitForLog(signalNumber, logged) >= 0, qPrintable(m_gateway->logTail(5)));
        // Still serving: the panel, HTTP and the browser alike.
        QVERIFY(m_pty->write("PRESS 00" + QByteArray::number(round + 1) + '\n'));
        QVERIFY(expectLine("LEDSET 00" + QByteArray::number(round + 1)));
        QCOMPARE(browser->take(), message(u"stop"_s));
        QCOMPARE(browser->take().value("id"_L1).toInt(-1), round + 1);
        QCOMPARE(status().value("serial_connected"_L1).toBool(), true);
    }
    QVERIFY(m_gateway->isRunning());
    QCOMPARE(m_gateway->countLog(u"panel.serial: panel connected"_s), 1);
    QVERIFY(stopsCleanly());
}

void TestGateway::statusSignalLogsState_data()
{
    QTest::addColumn<QString>("setup");
    QTest::addColumn<QStringList>("mentions");

    QTest::newRow("playing") << u"complete"_s
                             << QStringList { u"current 042"_s, u"panel connected on"_s, u"1 browser"_s,
                                              u"media complete"_s };
    QTest::newRow("idle, a file missing") << u"gap"_s
                                          << QStringList { u"current none"_s, u"panel connected on"_s, u"1 browser"_s,
                                                           u"media incomplete"_s, u"007.mp3"_s };
}

// SIGUSR1: one line with what /status would say, for a look at the journal.
void TestGateway::statusSignalLogsState()
{
    QFETCH(QString, setup);
    QFETCH(QStringList, mentions);
    QVERIFY2(launch({}, Panel::Pty, setup == "gap"_L1 ? m_gapMediaDir : m_mediaDir), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    if (setup == "complete"_L1) {
        QVERIFY(m_pty->write("PRESS 042\n"));
        QVERIFY(expectLine("LEDSET 042"));
    }

    const int index = signalAndWaitForLog(SIGUSR1, u"panel.app: state:"_s);
    QVERIFY2(index >= 0, qPrintable(m_gateway->logTail(5)));
    const QString line = m_gateway->logLines().at(index);
    for (const QString &mention : mentions)
        QVERIFY2(line.contains(mention), qPrintable(line));
    QVERIFY(m_gateway->isRunning());
    QVERIFY(stopsCleanly());
}

// SIGHUP re-reads the config file: the serial port changes at once, a
// change that needs a restart is named once and not applied.
void TestGateway::reloadSwitchesSerialPort()
{
    QVERIFY2(launch({}, Panel::Config), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    const int from = int(m_gateway->logLines().size());

    auto next = std::make_unique<PtyPair>();
    QVERIFY(next->open());
    QVERIFY(writeFile(panelConfigFile(), "serial_port = " + next->slavePath().toUtf8() + "\nfirst_id = 1\n"));
    QVERIFY2(signalAndWaitForLog(SIGHUP, u"panel.config: configuration reloaded"_s) >= 0,
             qPrintable(m_gateway->logTail(5)));
    QVERIFY2(m_gateway->waitForLog(u"panel.serial: panel connected on "_s + next->slavePath(), from) >= 0,
             qPrintable(m_gateway->logTail(5)));
    // The new panel gets its LEDs set, and browsers see the switch.
    QByteArray line;
    QVERIFY(next->takeLine(&line));
    QCOMPARE(line, QByteArray("LEDCLR"));
    QCOMPARE(browser->take(), message(u"panel"_s, { { u"connected"_s, false }, { u"responding"_s, false } }));
    QCOMPARE(browser->take(), message(u"panel"_s, { { u"connected"_s, true }, { u"responding"_s, true } }));
    QCOMPARE(m_gateway->countLog(u"panel lost"_s, from), 0);

    QJsonObject after = status();
    const QString port = after.value("serial_port"_L1).toString();
    QVERIFY2(port == next->slavePath() || u"/dev/"_s + port == next->slavePath(), qPrintable(port));
    QCOMPARE(after.value("serial_connected"_L1).toBool(), true);
    QCOMPARE(after.value("first_id"_L1).toInt(-1), 0); // needs a restart: unchanged
    QCOMPARE(m_gateway->countLog(u"first_id"_s, from), 1);
    QVERIFY2(m_gateway->logLines().at(m_gateway->waitForLog(u"first_id"_s, from)).contains("restart"_L1),
             qPrintable(m_gateway->logTail(5)));

    // The new panel drives the gateway; the old one is no longer read.
    QVERIFY(m_pty->write("PRESS 003\n"));
    QVERIFY(next->write("PRESS 042\n"));
    QVERIFY(next->takeLine(&line));
    QCOMPARE(line, QByteArray("LEDSET 042"));
    QCOMPARE(browser->take(), message(u"stop"_s));
    QCOMPARE(browser->take().value("id"_L1).toInt(-1), 42);
    QVERIFY(browser->roundTrip());
    QVERIFY(browser->pending().isEmpty());

    // The same file again changes nothing and names nothing again.
    QVERIFY(signalAndWaitForLog(SIGHUP, u"panel.config: configuration reloaded"_s) >= 0);
    QCOMPARE(m_gateway->countLog(u"first_id"_s, from), 1);
    QCOMPARE(m_gateway->countLog(u"panel.serial: panel connected"_s, from), 1);
    QCOMPARE(status().value("current_button"_L1).toInt(-1), 42);

    QVERIFY(m_gateway->isRunning());
    QVERIFY(stopsCleanly());
}

void TestGateway::reloadKeepsRunningOnBadConfig_data()
{
    QTest::addColumn<QByteArray>("file"); // null: the file is gone
    QTest::addColumn<QString>("mentions");

    QTest::newRow("line without =") << QByteArray("serial_port /dev/ttyS0\n") << u"line 1"_s;
    QTest::newRow("bad value") << QByteArray("baud = fast\n") << u"--baud"_s;
    QTest::newRow("unknown key") << QByteArray("colour = blue\n") << u"colour"_s;
    QTest::newRow("file gone") << QByteArray() << u"panel.conf"_s;
}

// A broken config file on SIGHUP: one clear line, and nothing changes.
void TestGateway::reloadKeepsRunningOnBadConfig()
{
    QFETCH(QByteArray, file);
    QFETCH(QString, mentions);
    QVERIFY2(launch({}, Panel::Config), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    QVERIFY(m_pty->write("PRESS 042\n"));
    QVERIFY(expectLine("LEDSET 042"));
    const int from = int(m_gateway->logLines().size());

    if (file.isNull())
        QVERIFY(QFile::remove(panelConfigFile()));
    else
        QVERIFY(writeFile(panelConfigFile(), file));
    const int index = signalAndWaitForLog(SIGHUP, u"panel.config:"_s);
    QVERIFY2(index >= 0, qPrintable(m_gateway->logTail(5)));
    const QString line = m_gateway->logLines().at(index);
    QVERIFY2(line.contains("not reloaded"_L1) && line.contains(mentions), qPrintable(line));
    QCOMPARE(m_gateway->countLog(u"panel.config:"_s, from), 1);

    // Running as before, on the same panel.
    QVERIFY(m_pty->write("PRESS 003\n"));
    QVERIFY(expectLine("LEDSET 003"));
    const QJsonObject after = status();
    QCOMPARE(after.value("serial_connected"_L1).toBool(), true);
    QCOMPARE(after.value("current_button"_L1).toInt(-1), 3);
    QCOMPARE(m_gateway->countLog(u"panel.serial:"_s, from), 0);
    QVERIFY(m_gateway->isRunning());
    QVERIFY(stopsCleanly());
}

// Closed by a reload (a closed date round today, in whatever zone this
// machine is), and open again by the next: the panel, browsers joining and
// /status all follow at once; the volume goes along.
void TestGateway::openingHoursAndVolumeLive()
{
    QVERIFY2(launch({}, Panel::Config), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);
    const QByteArray port = "serial_port = " + m_pty->slavePath().toUtf8() + '\n';
    const QDate today = QDate::currentDate();
    const QByteArray closedToday = "closed_dates = " + today.addDays(-1).toString(Qt::ISODate).toUtf8() + ".."
            + today.addDays(1).toString(Qt::ISODate).toUtf8() + '\n';
    QVERIFY(status().value("open"_L1).toBool(false));
    QVERIFY(status().value("next_change"_L1).isNull());
    QCOMPARE(status().value("volume"_L1).toInt(), 100);
    QVERIFY(http().get("/test/play/3").body.startsWith("OK: play 3"));
    QVERIFY(expectLine("LEDSET 003"));
    QCOMPARE(browser->take(), message(u"stop"_s));
    QCOMPARE(browser->take().value("type"_L1).toString(), u"play"_s);

    QVERIFY(writeFile(panelConfigFile(), port + closedToday + "volume = 40\n"));
    QVERIFY(signalAndWaitForLog(SIGHUP, u"panel.config: configuration reloaded"_s) >= 0);
    QVERIFY(expectLine("LEDCLR"));
    QCOMPARE(browser->take(), message(u"stop"_s));
    QCOMPARE(browser->take(), message(u"closed"_s));
    QCOMPARE(browser->take(), message(u"volume"_s, { { u"level"_s, 40 } }));
    QJsonObject report = status();
    QCOMPARE(report.value("open"_L1).toBool(true), false);
    QVERIFY(report.value("current_button"_L1).isNull());
    const QDateTime next = QDateTime::fromString(report.value("next_change"_L1).toString(), Qt::ISODate);
    QVERIFY2(next.isValid() && next.date() == today.addDays(2), qPrintable(report.value("next_change"_L1).toString()));
    QCOMPARE(report.value("volume"_L1).toInt(), 40);

    // Presses change nothing while closed, and are counted.
    const RawHttpClient::Response ignored = http().get("/test/play/3");
    QCOMPARE(ignored.status, 200);
    QVERIFY2(ignored.body.startsWith("OK: ignored 3 (closed)"), ignored.body.constData());
    QVERIFY(m_pty->write("PRESS 004\n"));
    QTRY_COMPARE(status().value("closed_presses"_L1).toInt(), 2);
    QCOMPARE(status().value("ignored_presses"_L1).toInt(), 2);
    QVERIFY(browser->roundTrip());
    QVERIFY(browser->pending().isEmpty());
    auto late = std::make_unique<WsClient>();
    QVERIFY(late->open(m_gateway->port()));
    const QJsonObject state = late->take();
    QCOMPARE(state.value("type"_L1).toString(), u"state"_s);
    QCOMPARE(state.value("open"_L1).toBool(true), false);
    QCOMPARE(state.value("volume"_L1).toInt(), 40);

    // The same file again hands nothing on; without the date it opens again.
    QVERIFY(signalAndWaitForLog(SIGHUP, u"panel.config: configuration reloaded"_s) >= 0);
    QVERIFY(browser->roundTrip());
    QVERIFY(browser->pending().isEmpty());
    QVERIFY(writeFile(panelConfigFile(), port + "volume = 40\n"));
    QVERIFY(signalAndWaitForLog(SIGHUP, u"panel.config: configuration reloaded"_s) >= 0);
    QCOMPARE(browser->take(), message(u"open"_s));
    QCOMPARE(late->take(), message(u"open"_s));
    report = status();
    QCOMPARE(report.value("open"_L1).toBool(false), true);
    QVERIFY(report.value("next_change"_L1).isNull());
    QVERIFY(http().get("/test/play/5").body.startsWith("OK: play 5"));
    QVERIFY(expectLine("LEDSET 005"));
    QVERIFY(stopsCleanly());
}

// Attract mode (docs/architecture.md, "Attract mode"): after a second without
// a press the panel shows an LED chase and browsers are told; a press ends it
// and plays, a press that does not play ends it and clears the LEDs.
void TestGateway::attractMode()
{
    const QString video = m_mediaDir + u"/attract.mp4"_s;
    QVERIFY(writeFile(video, "not really a video"));
    const auto removeVideo = qScopeGuard([&video] { QFile::remove(video); });
    QVERIFY2(launch({ u"--attract-after-s"_s, u"1"_s, u"--attract-step-ms"_s, u"50"_s }), qPrintable(m_launchError));
    auto browser = connectBrowser();
    QVERIFY(browser);

    // The chase: every ID in turn, from the first.
    for (const char *line : { "LEDSET 000", "LEDSET 001", "LEDSET 002", "LEDSET 003", "LEDSET 004" })
        QVERIFY(expectLine(line, 5000));
    QCOMPARE(browser->take(), message(u"attract"_s));
    QCOMPARE(status().value("attract"_L1).toBool(false), true);
    // A screen that joins now joins in, and learns of the video.
    WsClient late;
    QVERIFY(late.open(m_gateway->port()));
    const QJsonObject state = late.take();
    QCOMPARE(state.value("type"_L1).toString(), u"state"_s);
    QCOMPARE(state.value("attract"_L1).toBool(false), true);
    const QString videoUrl = state.value("attract_video"_L1).toString();
    QVERIFY2(videoUrl.startsWith("/media/attract.mp4?v="_L1), qPrintable(videoUrl));
    const RawHttpClient::Response served = http().get(videoUrl.toUtf8());
    QCOMPARE(served.status, 200);
    QCOMPARE(served.header("content-type"), QByteArray("video/mp4"));
    QCOMPARE(served.body, QByteArray("not really a video"));

    // A press ends it at once and plays.
    QVERIFY(m_pty->write("PRESS 003\n"));
    for (WsClient *client : { browser.get(), &late }) {
        QCOMPARE(client->take(), message(u"stop"_s));
        const QJsonObject play = client->take();
        QCOMPARE(play.value("type"_L1).toString(), u"play"_s);
        QCOMPARE(play.value("id"_L1).toInt(-1), 3);
    }
    QJsonObject report = status();
    QCOMPARE(report.value("attract"_L1).toBool(true), false);
    QCOMPARE(report.value("current_button"_L1).toInt(-1), 3);
    // The chase lines written before the press arrived, then its LED and,
    // once its sound ended, LEDCLR: no chase line after the press.
    browser->send(message(u"ended"_s, { { u"id"_s, 3 } }));
    QByteArray line;
    QByteArray before;
    for (int i = 0; i < 200 && line != "LEDCLR"; ++i) {
        before = line;
        QVERIFY(m_pty->takeLine(&line));
    }
    QCOMPARE(line, QByteArray("LEDCLR"));
    QCOMPARE(before, QByteArray("LEDSET 003"));

    // Idle again for a second: the chase starts over from the first ID.
    QVERIFY(expectLine("LEDSET 000", 5000));
    QCOMPARE(browser->take(), message(u"attract"_s));
    // A press that does not play (no such ID) ends it too: LEDs off, and
    // browsers leave attract mode with `stop`.
    QVERIFY(m_pty->write("PRESS 999\n"));
    for (int i = 0; i < 100 && line != "LEDCLR"; ++i)
        QVERIFY(m_pty->takeLine(&line));
    QCOMPARE(line, QByteArray("LEDCLR"));
    QCOMPARE(browser->take(), message(u"stop"_s));
    report = status();
    QCOMPARE(report.value("attract"_L1).toBool(true), false);
    QCOMPARE(report.value("rejected_presses"_L1).toInt(), 1);
    QVERIFY(stopsCleanly());
}

// Captions and languages on the wire (README.md, "Captions and languages"):
// the item names each language's sound and captions, a broken .vtt and a
// missing language are in /status, and the panel's language button (here
// an ID beyond the media) lights its LED for a moment, tells the browsers
// and goes with the next play.
void TestGateway::captionsAndLanguageButton()
{
    const QStringList added { u"003.de.mp3"_s, u"003.en.mp3"_s, u"003.en.vtt"_s, u"004.vtt"_s };
    const auto removeAdded = qScopeGuard([this, &added] {
        for (const QString &name : added)
            QFile::remove(m_mediaDir + u'/' + name);
    });
    QVERIFY(writeFile(m_mediaDir + u"/003.de.mp3"_s, "ID3 tiny de"));
    QVERIFY(writeFile(m_mediaDir + u"/003.en.mp3"_s, "ID3 tiny en"));
    QVERIFY(writeFile(m_mediaDir + u"/003.en.vtt"_s, "WEBVTT\n\n00:00.000 --> 00:01.000\nThree\n"));
    QVERIFY(writeFile(m_mediaDir + u"/004.vtt"_s, "no signature\n"));
    QVERIFY2(launch({ u"--languages"_s, u"de,en"_s, u"--language-button"_s, u"60"_s }), qPrintable(m_launchError));

    WsClient browser;
    QVERIFY(browser.open(m_gateway->port()));
    const QJsonObject state = browser.take();
    QCOMPARE(state.value("languages"_L1), QJsonValue(QJsonArray { u"de"_s, u"en"_s }));
    QVERIFY(state.contains("language"_L1) && state.value("language"_L1).isNull());

    QJsonObject report = status();
    QCOMPARE(report.value("captions_invalid"_L1), QJsonValue(QJsonArray { u"004.vtt"_s }));
    const QJsonObject missing = report.value("languages_missing"_L1).toObject();
    QVERIFY(missing.value("en"_L1).toArray().contains(4));
    QVERIFY(!missing.value("en"_L1).toArray().contains(3));
    QCOMPARE(missing.value("de"_L1).toArray().size(), mediaCount - 1);
    QVERIFY(report.value("media_complete"_L1).toBool(false));

    // The button: its LED for a moment, the choice to every browser.
    QVERIFY(m_pty->write("PRESS 060\n"));
    QVERIFY(expectLine("LEDSET 060"));
    QCOMPARE(browser.take(), message(u"language"_s, { { u"language"_s, u"en"_s } }));
    QVERIFY(expectLine("LEDCLR", 3000));
    QCOMPARE(status().value("language"_L1).toString(), u"en"_s);

    // The next press carries it, and the item names every language's files.
    QVERIFY(m_pty->write("PRESS 003\n"));
    QVERIFY(expectLine("LEDSET 003"));
    QCOMPARE(browser.take(), message(u"stop"_s));
    const QJsonObject play = browser.take();
    QCOMPARE(play.value("type"_L1).toString(), u"play"_s);
    QCOMPARE(play.value("language"_L1).toString(), u"en"_s);
    QVERIFY(play.value("audio"_L1).toString().startsWith("/media/003.de.mp3?v="_L1));
    const QJsonObject english = play.value("languages"_L1).toObject().value("en"_L1).toObject();
    QVERIFY(english.value("audio"_L1).toString().startsWith("/media/003.en.mp3?v="_L1));
    const QString captions = english.value("captions"_L1).toString();
    QVERIFY2(captions.startsWith("/media/003.en.vtt?v="_L1), qPrintable(captions));
    QCOMPARE(english.value("fallback"_L1), QJsonValue(false));
    const RawHttpClient::Response served = http().get(captions.toUtf8());
    QCOMPARE(served.status, 200);
    QCOMPARE(served.header("content-type"), QByteArray("text/vtt; charset=utf-8"));

    // /test/play names the choice; the next one is the default again.
    const RawHttpClient::Response cycled = http().get("/test/play/60");
    QCOMPARE(cycled.status, 200);
    QCOMPARE(cycled.body, QByteArray("OK: language de\n"));
}

QTEST_GUILESS_MAIN(TestGateway)

#include "tst_gateway.moc"
