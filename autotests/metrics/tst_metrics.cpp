#include "gatewayprocess.h"
#include "ptypair.h"
#include "rawhttpclient.h"
#include "wsclient.h"

#include <QFile>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <signal.h>
#include <sys/types.h>

using namespace Qt::StringLiterals;

namespace {

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

QString played() { return u"selection_panel_presses_total{outcome=\"played\"}"_s; }
QString ended(const char *how)
{
    return u"selection_panel_playbacks_ended_total{how=\"%1\"}"_s.arg(QLatin1String(how));
}

} // namespace

// GET /metrics on the real program (docs/http.md, "/metrics"): counters that
// follow presses, playbacks, the panel and browsers and survive a reload and
// a reconnect; `metrics = off`; what promtool says about the output and
// about packaging/prometheus/.
class tst_Metrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void countersFollowPresses();
    void survivesReconnectAndReload();
    void headAndOtherMethods_data();
    void headAndOtherMethods();
    void switchedOff_data();
    void switchedOff();
    void promtoolAcceptsOutput();
    void promtoolAcceptsPackaging_data();
    void promtoolAcceptsPackaging();

private:
    // `port`: a serial device, or "none".
    bool launch(const QStringList &extra, const QByteArray &config = {}, const QString &port = u"none"_s);
    RawHttpClient http() const { return RawHttpClient(m_gateway->port()); }
    // Every sample of /metrics: `name{labels}` → value; empty unless 200.
    QHash<QString, double> metrics();
    double metric(const QString &sample) { return metrics().value(sample, -1); }
    // promtool with `arguments` (and `input` on stdin): its exit status, output in `output`.
    static int promtool(const QStringList &arguments, const QByteArray &input, QByteArray *output);

    QTemporaryDir m_dir;
    QString m_promtool;
    std::unique_ptr<GatewayProcess> m_gateway;
};

void tst_Metrics::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(PANEL_GATEWAY_BINARY)));
    QVERIFY(m_dir.isValid());
    m_promtool = QStandardPaths::findExecutable(u"promtool"_s);
}

void tst_Metrics::cleanup()
{
    if (m_gateway) {
        m_gateway->stop();
        QVERIFY2(m_gateway->countProblems() == 0, qPrintable(m_gateway->logLines().join(u'\n')));
    }
    m_gateway.reset();
}

bool tst_Metrics::launch(const QStringList &extra, const QByteArray &config, const QString &port)
{
    const QString configFile = m_dir.filePath(u"gateway.conf"_s);
    if (!writeFile(configFile, config))
        return false;
    m_gateway = std::make_unique<GatewayProcess>();
    const QStringList arguments = QStringList{ u"--media-dir"_s, QStringLiteral(PANEL_SOURCE_MEDIA_DIR),
                                               u"--serial-port"_s, port }
            + extra;
    if (!m_gateway->start(arguments, configFile)) {
        qWarning().noquote() << m_gateway->errorString();
        return false;
    }
    return true;
}

QHash<QString, double> tst_Metrics::metrics()
{
    const RawHttpClient::Response response = http().get("/metrics");
    QHash<QString, double> samples;
    if (response.status != 200)
        return samples;
    const QList<QByteArray> lines = response.body.split('\n');
    for (const QByteArray &line : lines) {
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const qsizetype space = line.lastIndexOf(' ');
        samples.insert(QString::fromUtf8(line.left(space)), line.mid(space + 1).toDouble());
    }
    return samples;
}

int tst_Metrics::promtool(const QStringList &arguments, const QByteArray &input, QByteArray *output)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStandardPaths::findExecutable(u"promtool"_s), arguments);
    if (!process.waitForStarted(10000))
        return -1;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60000))
        return -1;
    *output = process.readAll();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

void tst_Metrics::countersFollowPresses()
{
    QVERIFY(launch({}));
    QHash<QString, double> m = metrics();
    QCOMPARE(m.value(played(), -1), 0.0);
    // The same Qt library as this test's.
    QCOMPARE(m.value(u"selection_panel_build_info{version=\"%1\",qt=\"%2\"}"_s.arg(
                             QStringLiteral(PANEL_TEST_VERSION), QString::fromLatin1(qVersion())),
                     -1),
             1.0);
    QCOMPARE(m.value(u"selection_panel_serial_connected"_s, -1), 0.0);
    QCOMPARE(m.value(u"selection_panel_media_missing_files"_s, -1), 0.0);
    QCOMPARE(m.value(u"selection_panel_open"_s, -1), 1.0);

    QCOMPARE(http().get("/test/play/3").status, 200);
    QCOMPARE(http().get("/test/play/3").status, 200);
    QCOMPARE(http().get("/test/play/99").status, 400);
    m = metrics();
    QCOMPARE(m.value(played(), -1), 2.0);
    QCOMPARE(m.value(u"selection_panel_presses_total{outcome=\"rejected\"}"_s, -1), 1.0);
    QCOMPARE(m.value(u"selection_panel_presses_total{outcome=\"ignored\"}"_s, -1), 0.0);
    QCOMPARE(m.value(ended("preempted"), -1), 1.0);
    QCOMPARE(m.value(u"selection_panel_playing"_s, -1), 1.0);

    QCOMPARE(http().get("/test/stop").status, 200);
    QCOMPARE(metric(ended("stopped")), 1.0);
    QCOMPARE(metric(u"selection_panel_playing"_s), 0.0);

    // A browser: counted while connected; its `ended` completes the playback.
    auto browser = std::make_unique<WsClient>();
    QVERIFY(browser->open(m_gateway->port()));
    QCOMPARE(browser->take().value("type"_L1).toString(), u"state"_s);
    QCOMPARE(metric(u"selection_panel_browsers_connected"_s), 1.0);
    QCOMPARE(http().get("/test/play/5").status, 200);
    browser->send({ { u"type"_s, u"ended"_s }, { u"id"_s, 5 } });
    QTRY_COMPARE_WITH_TIMEOUT(metric(ended("completed")), 1.0, 5000);
    QCOMPARE(metric(played()), 3.0);
    browser.reset();
    QTRY_COMPARE_WITH_TIMEOUT(metric(u"selection_panel_browsers_connected"_s), 0.0, 5000);
}

// Counters are the process's: a panel unplugged and plugged in again, and a
// configuration reload (SIGHUP), leave them as they were.
void tst_Metrics::survivesReconnectAndReload()
{
    // A pty behind a symlink: it can vanish and come back at one path.
    const QString link = m_dir.filePath(u"panel"_s);
    QFile::remove(link);
    auto pty = std::make_unique<PtyPair>();
    QVERIFY(pty->open());
    QVERIFY(QFile::link(pty->slavePath(), link));
    QVERIFY(launch({}, {}, link));
    QTRY_COMPARE_WITH_TIMEOUT(metric(u"selection_panel_serial_connected"_s), 1.0, 5000);
    QCOMPARE(metric(u"selection_panel_serial_reconnects_total"_s), 0.0);

    QVERIFY(pty->write("PRESS 002\n"));
    QTRY_COMPARE_WITH_TIMEOUT(metric(played()), 1.0, 5000);
    QCOMPARE(http().get("/test/play/99").status, 400);

    // Made now, the replacement cannot reuse the pty number about to vanish.
    auto replacement = std::make_unique<PtyPair>();
    QVERIFY(replacement->open());
    pty->close();
    QVERIFY(QFile::remove(link));
    QTRY_COMPARE_WITH_TIMEOUT(metric(u"selection_panel_serial_connected"_s), 0.0, 5000);
    QCOMPARE(metric(u"selection_panel_serial_responding"_s), 0.0);
    QVERIFY(QFile::link(replacement->slavePath(), link));
    QTRY_COMPARE_WITH_TIMEOUT(metric(u"selection_panel_serial_connected"_s), 1.0, 5000);
    QCOMPARE(metric(u"selection_panel_serial_reconnects_total"_s), 1.0);
    QCOMPARE(metric(played()), 1.0);

    const int from = int(m_gateway->logLines().size());
    QCOMPARE(::kill(pid_t(m_gateway->pid()), SIGHUP), 0);
    QVERIFY(m_gateway->waitForLog(u"configuration reloaded"_s, from) >= 0);
    const QHash<QString, double> m = metrics();
    QCOMPARE(m.value(played(), -1), 1.0);
    QCOMPARE(m.value(u"selection_panel_presses_total{outcome=\"rejected\"}"_s, -1), 1.0);
    QCOMPARE(m.value(u"selection_panel_serial_reconnects_total"_s, -1), 1.0);
}

void tst_Metrics::headAndOtherMethods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<int>("status");

    QTest::newRow("GET") << QByteArray("GET") << 200;
    QTest::newRow("HEAD") << QByteArray("HEAD") << 200;
    QTest::newRow("POST") << QByteArray("POST") << 405;
    QTest::newRow("DELETE") << QByteArray("DELETE") << 405;
}

void tst_Metrics::headAndOtherMethods()
{
    QFETCH(QByteArray, method);
    QFETCH(int, status);
    QVERIFY(launch({}));
    const RawHttpClient::Response response = http().request(method, "/metrics");
    QCOMPARE(response.status, status);
    if (status == 405) {
        QCOMPARE(response.header("Allow"), QByteArray("GET, HEAD"));
        return;
    }
    QCOMPARE(response.header("Content-Type"), QByteArray("text/plain; version=0.0.4; charset=utf-8"));
    QCOMPARE(response.header("Cache-Control"), QByteArray("no-store")); // as /status
    const qsizetype length = response.header("Content-Length").toLongLong();
    QVERIFY(length > 1000);
    if (method == "HEAD")
        QVERIFY(response.body.isEmpty());
    else
        QCOMPARE(response.body.size(), length);
}

void tst_Metrics::switchedOff_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<int>("status");

    QTest::newRow("default") << QStringList() << QByteArray() << 200;
    QTest::newRow("--metrics off") << QStringList{ u"--metrics"_s, u"off"_s } << QByteArray() << 404;
    QTest::newRow("metrics = off") << QStringList() << QByteArray("metrics = off\n") << 404;
    QTest::newRow("--metrics on over the file") << QStringList{ u"--metrics"_s, u"on"_s }
                                                << QByteArray("metrics = off\n") << 200;
}

// Off, /metrics is a path like any unknown one; everything else still answers.
void tst_Metrics::switchedOff()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, config);
    QFETCH(int, status);
    QVERIFY(launch(arguments, config));
    const RawHttpClient::Response response = http().get("/metrics");
    QCOMPARE(response.status, status);
    if (status == 404) {
        const RawHttpClient::Response unknown = http().get("/no-such-path");
        QCOMPARE(response.body, unknown.body);
        QCOMPARE(response.header("Content-Type"), unknown.header("Content-Type"));
        QVERIFY(m_gateway->waitForLog(u"404 for /metrics"_s) >= 0);
    }
    QCOMPARE(http().get("/status").status, 200);
    QCOMPARE(http().get("/test/play/1").status, 200);
}

// promtool's own parser and linter on what the gateway serves, after every
// counter has moved.
void tst_Metrics::promtoolAcceptsOutput()
{
    if (m_promtool.isEmpty())
        QSKIP("promtool not installed (Debian package prometheus)");
    QVERIFY(launch({ u"--press-policy"_s, u"toggle"_s }));
    auto browser = std::make_unique<WsClient>();
    QVERIFY(browser->open(m_gateway->port()));
    for (const char *target : { "/test/play/1", "/test/play/1", "/test/play/2", "/test/play/3",
                                      "/test/play/77", "/test/stop" })
        QVERIFY(http().get(target).status != 0);
    browser->sendText(u"not json"_s);
    QVERIFY(browser->roundTrip());
    const RawHttpClient::Response response = http().get("/metrics");
    QCOMPARE(response.status, 200);
    QByteArray output;
    const int status = promtool({ u"check"_s, u"metrics"_s }, response.body, &output);
    QVERIFY2(status == 0 && output.trimmed().isEmpty(),
             qPrintable(u"promtool exit %1: %2\n%3"_s.arg(status).arg(QString::fromUtf8(output),
                                                                   QString::fromUtf8(response.body))));
}

void tst_Metrics::promtoolAcceptsPackaging_data()
{
    QTest::addColumn<QStringList>("arguments");

    const QString prometheus = QStringLiteral(PANEL_SOURCE_DIR "/packaging/prometheus/");
    QTest::newRow("check config") << QStringList{ u"check"_s, u"config"_s, prometheus + u"selection-panel.yml"_s };
    QTest::newRow("check rules") << QStringList{ u"check"_s, u"rules"_s, prometheus + u"selection-panel-rules.yml"_s };
    // The alert fires after 2 minutes without the panel while open, not before, not while closed.
    QTest::newRow("test rules") << QStringList{ u"test"_s, u"rules"_s,
                                                QStringLiteral(PANEL_SOURCE_DIR "/autotests/metrics/selection-panel-rules.test.yml") };
}

void tst_Metrics::promtoolAcceptsPackaging()
{
    QFETCH(QStringList, arguments);
    if (m_promtool.isEmpty())
        QSKIP("promtool not installed (Debian package prometheus)");
    QByteArray output;
    const int status = promtool(arguments, {}, &output);
    QVERIFY2(status == 0, qPrintable(u"promtool exit %1:\n"_s.arg(status) + QString::fromUtf8(output)));
    QVERIFY2(output.contains("SUCCESS"), output.constData());
}

QTEST_GUILESS_MAIN(tst_Metrics)
#include "tst_metrics.moc"
