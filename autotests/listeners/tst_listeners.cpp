#include "gatewayprocess.h"
#include "ptypair.h"
#include "rawhttpclient.h"
#include "wsclient.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

constexpr int mediaCount = 50;
const QByteArray upgradeHeaders = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
const QString listenerPath = u"/ws?role=listener"_s;

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

// The value of a /metrics sample without labels; -1 when absent.
qint64 metric(const QByteArray &text, const QByteArray &name)
{
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(name + ' '))
            return line.mid(name.size() + 1).toLongLong();
    }
    return -1;
}

} // namespace

// The listener role end to end: the built program, a pty as its panel,
// WebSocket clients as screens and phones, raw HTTP for the rest.
class tst_Listeners : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void listenerFollowsButNeverEnds();
    void countedApartFromScreens();
    void limit_data();
    void limit();
    void unknownRoleRefused();
    void listenPageServed();
    void qrCodeDecodesToListenUrl_data();
    void qrCodeDecodesToListenUrl();

private:
    bool launch(const QStringList &extra = {});
    bool expectLine(const QByteArray &expected);
    QJsonObject json(const QByteArray &path);
    RawHttpClient http() const { return RawHttpClient(m_gateway->port()); }
    std::unique_ptr<WsClient> connect(const QString &path = u"/ws"_s);

    QTemporaryDir m_dir;
    QString m_mediaDir;
    QString m_configFile;
    QString m_launchError;
    std::unique_ptr<PtyPair> m_pty;
    std::vector<std::unique_ptr<PtyPair>> m_takenPtys;
    std::unique_ptr<GatewayProcess> m_gateway;
};

void tst_Listeners::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(PANEL_GATEWAY_BINARY)));
    QVERIFY(m_dir.isValid());
    m_mediaDir = m_dir.filePath(u"media"_s);
    QVERIFY(QDir().mkpath(m_mediaDir));
    const QByteArray jpeg = QByteArray::fromHex("ffd8ffe000104a46494600") + "tiny";
    const QByteArray mp3 = QByteArrayLiteral("ID3\x03\x00\x00\x00\x00\x00\x00") + "tiny";
    for (int id = 0; id < mediaCount; ++id) {
        const QString base = m_mediaDir + u'/' + QString::number(id).rightJustified(3, u'0');
        QVERIFY(writeFile(base + u".jpg"_s, jpeg));
        QVERIFY(writeFile(base + u".mp3"_s, mp3));
    }
    m_configFile = m_dir.filePath(u"empty.conf"_s);
    QVERIFY(writeFile(m_configFile, {}));
}

void tst_Listeners::cleanup()
{
    if (m_gateway) {
        m_gateway->stop();
        QVERIFY2(m_gateway->countProblems() == 0, qPrintable(m_gateway->logLines().join(u'\n')));
    }
    m_gateway.reset();
    m_pty.reset();
    m_takenPtys.clear();
}

// Starts the gateway on a fresh pty and waits for the LEDCLR it sends a
// panel that connects; a pty some other program holds is kept and another tried.
bool tst_Listeners::launch(const QStringList &extra)
{
    for (int attempt = 0; attempt < 3; ++attempt) {
        m_pty = std::make_unique<PtyPair>();
        if (!m_pty->open()) {
            m_launchError = m_pty->errorString();
            return false;
        }
        m_gateway = std::make_unique<GatewayProcess>();
        const QStringList arguments = QStringList { u"--media-dir"_s, m_mediaDir, u"--media-count"_s,
                                                    QString::number(mediaCount), u"--serial-port"_s,
                                                    m_pty->slavePath() }
                + extra;
        if (!m_gateway->start(arguments, m_configFile)) {
            m_launchError = m_gateway->errorString();
            return false;
        }
        QByteArray led;
        if (m_pty->takeLine(&led) && led == "LEDCLR")
            return true;
        qWarning("%s is used by another program; trying another pty", qPrintable(m_pty->slavePath()));
        m_gateway.reset();
        m_takenPtys.push_back(std::move(m_pty));
    }
    m_launchError = u"no pty of our own for the panel"_s;
    return false;
}

bool tst_Listeners::expectLine(const QByteArray &expected)
{
    QByteArray line;
    if (!m_pty->takeLine(&line)) {
        qWarning("no line from the gateway; expected '%s'", expected.constData());
        return false;
    }
    if (line != expected) {
        qWarning("the gateway wrote '%s'; expected '%s'", line.constData(), expected.constData());
        return false;
    }
    return true;
}

QJsonObject tst_Listeners::json(const QByteArray &path)
{
    return QJsonDocument::fromJson(http().get(path).body).object();
}

std::unique_ptr<WsClient> tst_Listeners::connect(const QString &path)
{
    auto client = std::make_unique<WsClient>();
    if (!client->open(m_gateway->port(), path))
        return nullptr;
    if (client->take().value("type"_L1).toString() != "state"_L1)
        return nullptr;
    return client;
}

// A press plays on a phone as on a screen; the phone's `ended` leaves the
// LED lit, the screen's clears it (docs/websocket.md, "Roles").
void tst_Listeners::listenerFollowsButNeverEnds()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto screen = connect();
    auto listener = connect(listenerPath);
    QVERIFY(screen && listener);

    QVERIFY(m_pty->write("PRESS 042\n"));
    QVERIFY(expectLine("LEDSET 042"));
    for (WsClient *client : { screen.get(), listener.get() }) {
        QCOMPARE(client->take(), message(u"stop"_s));
        const QJsonObject play = client->take();
        QCOMPARE(play.value("type"_L1).toString(), u"play"_s);
        QCOMPARE(play.value("id"_L1).toInt(-1), 42);
    }

    listener->send(message(u"ended"_s, { { u"id"_s, 42 } }));
    QVERIFY(listener->roundTrip());
    QCOMPARE(json("/status").value("current_button"_L1).toInt(-1), 42);
    // Marker: a panel that reboots is told what is lit. Had the phone's
    // `ended` cleared it, LEDCLR would come first or instead.
    QVERIFY(m_pty->write("READY\n"));
    QVERIFY(expectLine("LEDSET 042"));
    QVERIFY(m_pty->pendingLines().isEmpty());

    screen->send(message(u"ended"_s, { { u"id"_s, 42 } }));
    QVERIFY(expectLine("LEDCLR"));
    QVERIFY(json("/status").value("current_button"_L1).isNull());
}

// Phones are not screens: /health counts screens, /status and /metrics both.
void tst_Listeners::countedApartFromScreens()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    auto first = connect(listenerPath);
    auto second = connect(listenerPath);
    QVERIFY(first && second);

    QJsonObject health = json("/health");
    QCOMPARE(health.value("screens"_L1).toInt(-1), 0);
    QCOMPARE(health.value("status"_L1).toString(), u"healthy"_s); // no screen is no fault
    QJsonObject status = json("/status");
    QCOMPARE(status.value("listeners"_L1).toInt(-1), 2);
    QCOMPARE(status.value("ws_clients"_L1).toInt(-1), 2);
    QCOMPARE(status.value("max_listeners"_L1).toInt(-1), 500);
    QCOMPARE(metric(http().get("/metrics").body, "selection_panel_listeners_connected"), 2);

    auto screen = connect(u"/ws?role=screen"_s);
    QVERIFY(screen);
    QCOMPARE(json("/health").value("screens"_L1).toInt(-1), 1);
    status = json("/status");
    QCOMPARE(status.value("listeners"_L1).toInt(-1), 2);
    QCOMPARE(status.value("ws_clients"_L1).toInt(-1), 3);

    first.reset();
    QTRY_COMPARE(json("/status").value("listeners"_L1).toInt(-1), 1);
    QCOMPARE(metric(http().get("/metrics").body, "selection_panel_listeners_connected"), 1);
    QCOMPARE(json("/health").value("screens"_L1).toInt(-1), 1);
}

void tst_Listeners::limit_data()
{
    QTest::addColumn<int>("maxListeners");

    QTest::newRow("two") << 2;
    QTest::newRow("one") << 1;
    QTest::newRow("none") << 0;
}

// One more than max_listeners is refused: the upgrade with 503, the page
// with a 503 page that says why; with 0 there is no page at all.
void tst_Listeners::limit()
{
    QFETCH(int, maxListeners);
    QVERIFY2(launch({ u"--max-listeners"_s, QString::number(maxListeners) }), qPrintable(m_launchError));
    QCOMPARE(json("/status").value("max_listeners"_L1).toInt(-1), maxListeners);

    std::vector<std::unique_ptr<WsClient>> listeners;
    for (int i = 0; i < maxListeners; ++i) {
        QCOMPARE(http().get("/listen").status, 200);
        listeners.push_back(connect(listenerPath));
        QVERIFY(listeners.back());
    }
    const RawHttpClient::Response upgrade = http().request("GET", listenerPath.toUtf8(), upgradeHeaders);
    QCOMPARE(upgrade.status, 503);
    QCOMPARE(upgrade.header("retry-after"), QByteArray("60"));
    QCOMPARE(json("/status").value("listeners"_L1).toInt(-1), maxListeners);
    // Screens are not limited by it.
    QVERIFY(connect());

    const RawHttpClient::Response page = http().get("/listen");
    if (maxListeners == 0) {
        QCOMPARE(page.status, 404);
        QCOMPARE(http().get("/listen.svg").status, 404);
        return;
    }
    QCOMPARE(page.status, 503);
    QVERIFY(page.header("content-type").startsWith("text/html"));
    QVERIFY2(page.body.contains("Too many people are listening right now"), page.body.constData());
    QVERIFY(page.body.contains("Gerade hören zu viele Menschen zu"));

    // A place comes free when a phone leaves.
    listeners.pop_back();
    QTRY_COMPARE(http().get("/listen").status, 200);
    QVERIFY(connect(listenerPath));
}

void tst_Listeners::unknownRoleRefused()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    const RawHttpClient::Response response = http().request("GET", "/ws?role=projector", upgradeHeaders);
    QCOMPARE(response.status, 400);
    QVERIFY(response.body.contains("Unknown role"));
    QVERIFY(m_gateway->waitForLog(u"unknown role projector"_s) >= 0);
    QCOMPARE(json("/status").value("ws_clients"_L1).toInt(-1), 0);
}

void tst_Listeners::listenPageServed()
{
    QVERIFY2(launch(), qPrintable(m_launchError));
    const RawHttpClient::Response page = http().get("/listen");
    QCOMPARE(page.status, 200);
    QVERIFY(page.header("content-type").startsWith("text/html"));
    QVERIFY(page.body.contains("Start listening"));
    QVERIFY(page.body.contains("aria-live=\"polite\""));
    for (const QByteArray path : { "/static/listen.js", "/static/listen.css", "/static/listenqr.js" })
        QCOMPARE(http().get(path).status, 200);
}

void tst_Listeners::qrCodeDecodesToListenUrl_data()
{
    QTest::addColumn<QString>("configured");

    QTest::newRow("listen_url") << u"http://exhibit.example:8080/listen"_s;
    // Listening on loopback only, the gateway has no address of its own to show.
    QTest::newRow("the request's host") << QString();
}

// docs/http.md, "/listen.svg": drawn into a picture and read by zbarimg as
// a phone's camera would, the code is the listen page's address.
void tst_Listeners::qrCodeDecodesToListenUrl()
{
    QFETCH(QString, configured);
    const QString zbarimg = QStandardPaths::findExecutable(u"zbarimg"_s);
    const QString rsvg = QStandardPaths::findExecutable(u"rsvg-convert"_s);
    if (zbarimg.isEmpty() || rsvg.isEmpty())
        QSKIP("zbarimg (zbar-tools) or rsvg-convert (librsvg2-bin) is not installed");
    QVERIFY2(launch(configured.isEmpty() ? QStringList() : QStringList { u"--listen-url"_s, configured }),
             qPrintable(m_launchError));

    const RawHttpClient::Response response = http().get("/listen.svg");
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("content-type"), QByteArray("image/svg+xml"));
    const QByteArray etag = response.header("etag");
    QVERIFY(!etag.isEmpty());
    // A 304 has no body and no length: the client reads it to the close.
    QCOMPARE(http().request("GET", "/listen.svg", "If-None-Match: " + etag + "\r\nConnection: close\r\n").status, 304);

    // Without an address of its own the request's host stands in.
    const QJsonValue listenUrl = json("/status").value("listen_url"_L1);
    QString expected = configured;
    if (configured.isEmpty()) {
        QVERIFY(listenUrl.isNull());
        expected = u"http://127.0.0.1:%1/listen"_s.arg(m_gateway->port());
    } else {
        QCOMPARE(listenUrl.toString(), configured);
    }

    const QString svg = m_dir.filePath(u"listen.svg"_s);
    const QString png = m_dir.filePath(u"listen.png"_s);
    QVERIFY(writeFile(svg, response.body));
    QCOMPARE(QProcess::execute(rsvg, { u"--width=400"_s, u"--height=400"_s, u"--output"_s, png, svg }), 0);
    QProcess reader;
    reader.start(zbarimg, { u"--quiet"_s, u"--raw"_s, u"--nodbus"_s, png });
    QVERIFY(reader.waitForFinished(10000));
    QCOMPARE(reader.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(reader.readAllStandardOutput()).trimmed(), expected);
}

QTEST_GUILESS_MAIN(tst_Listeners)
#include "tst_listeners.moc"
