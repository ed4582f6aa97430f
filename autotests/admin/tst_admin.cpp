#include "gatewayprocess.h"
#include "ptypair.h"
#include "rawhttpclient.h"
#include "staffsession.h"
#include "wsclient.h"

#include "system/adminpassword.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

const QByteArray password = QByteArrayLiteral("correct horse battery staple");

QJsonObject json(const RawHttpClient::Response &response)
{
    return QJsonDocument::fromJson(response.body).object();
}

QByteArray loginBody(const QByteArray &password)
{
    return StaffSession::loginBody(password);
}

QByteArray cookiePair(const RawHttpClient::Response &response)
{
    return StaffSession::cookiePair(response);
}

} // namespace

// The staff console's server side (docs/http.md, "/admin and /api/admin"):
// the password file --set-admin-password writes, login and its throttle,
// the gate in front of /api/admin/ and /api/stats, and what a session can do.
class tst_Admin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void passwordFile();
    void passwordRefused_data();
    void passwordRefused();
    void passwordFromTerminal_data();
    void passwordFromTerminal();
    void consoleOffWithoutPassword();
    void gateRefuses_data();
    void gateRefuses();
    void login_data();
    void login();
    void logoutEndsSession();
    void throttle();
    void pressDuringLogin();
    void virtualPress();
    void stopAttractSelfTest_data();
    void stopAttractSelfTest();
    void volume_data();
    void volume();
    void state();
    void panelLayout_data();
    void panelLayout();
    void methods_data();
    void methods();
    void crossOrigin_data();
    void crossOrigin();

private:
    // Runs `selection-panel --config <dir>/gateway.conf --set-admin-password`
    // with `input` on stdin; its exit status, its output in `output`.
    int setPassword(const QByteArray &input, QByteArray *output = nullptr);
    QString passwordPath() const { return m_dir.filePath(u"admin-password"_s); }
    // A gateway with the pty as its panel (when `withPanel`), its LEDs cleared.
    bool launch(const QStringList &extra = {}, bool withPanel = true);
    RawHttpClient http() const { return RawHttpClient(m_gateway->port()); }
    RawHttpClient::Response post(const QByteArray &target, const QByteArray &body = {},
                                 const QByteArray &cookie = {});
    RawHttpClient::Response get(const QByteArray &target, const QByteArray &cookie = {});
    // Logs in; the `sp_admin=…` pair, empty on failure.
    QByteArray logIn();
    QJsonObject status() { return json(http().get("/status")); }

    QTemporaryDir m_dir;
    std::unique_ptr<PtyPair> m_pty;
    std::unique_ptr<GatewayProcess> m_gateway;
};

void tst_Admin::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(PANEL_GATEWAY_BINARY)));
    QVERIFY(m_dir.isValid());
    QFile config(m_dir.filePath(u"gateway.conf"_s));
    QVERIFY(config.open(QIODevice::WriteOnly));
}

void tst_Admin::cleanup()
{
    if (m_gateway) {
        m_gateway->stop();
        QVERIFY2(m_gateway->countProblems() == 0, qPrintable(m_gateway->logLines().join(u'\n')));
    }
    m_gateway.reset();
    m_pty.reset();
}

int tst_Admin::setPassword(const QByteArray &input, QByteArray *output)
{
    return StaffSession::setPassword(m_dir.filePath(u"gateway.conf"_s), input, output);
}

bool tst_Admin::launch(const QStringList &extra, bool withPanel)
{
    QStringList arguments { u"--media-dir"_s, QStringLiteral(PANEL_SOURCE_MEDIA_DIR) };
    if (withPanel) {
        m_pty = std::make_unique<PtyPair>();
        if (!m_pty->open())
            return false;
        arguments << u"--serial-port"_s << m_pty->slavePath();
    } else {
        arguments << u"--serial-port"_s << u"none"_s;
    }
    m_gateway = std::make_unique<GatewayProcess>();
    if (!m_gateway->start(arguments + extra, m_dir.filePath(u"gateway.conf"_s))) {
        qWarning().noquote() << m_gateway->errorString();
        return false;
    }
    if (!withPanel)
        return true;
    // A panel that connects gets its LEDs cleared: after that, every line is news.
    QByteArray line;
    if (m_gateway->waitForLog(u"panel.serial: panel connected on"_s) < 0 || !m_pty->takeLine(&line)
        || line != "LEDCLR") {
        qWarning().noquote() << "the gateway did not take the pty:" << m_gateway->logLines().join(u'\n');
        return false;
    }
    return true;
}

RawHttpClient::Response tst_Admin::post(const QByteArray &target, const QByteArray &body, const QByteArray &cookie)
{
    return http().requestWithBody("POST", target, body, StaffSession::cookieHeader(cookie));
}

RawHttpClient::Response tst_Admin::get(const QByteArray &target, const QByteArray &cookie)
{
    return http().request("GET", target, StaffSession::cookieHeader(cookie));
}

QByteArray tst_Admin::logIn()
{
    return StaffSession::logIn(http(), password);
}

void tst_Admin::passwordFile()
{
    QFile::remove(passwordPath());
    QByteArray output;
    QCOMPARE(setPassword(password + '\n', &output), 0);
    QVERIFY2(output.contains(QFileInfo(passwordPath()).absoluteFilePath().toUtf8()), output.constData());
    QFile file(passwordPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray first = file.readAll();
    file.close();

    // One line: scheme, iterations, salt and hash in base64.
    static const QRegularExpression format(
            u"^pbkdf2-sha256\\$([0-9]+)\\$([A-Za-z0-9+/]+=*)\\$([A-Za-z0-9+/]+=*)\\n$"_s);
    const QRegularExpressionMatch match = format.match(QString::fromLatin1(first));
    QVERIFY2(match.hasMatch(), first.constData());
    QVERIFY(match.captured(1).toInt() >= 10000);
    QVERIFY(QByteArray::fromBase64(match.captured(2).toLatin1()).size() >= 16);
    QCOMPARE(QByteArray::fromBase64(match.captured(3).toLatin1()).size(), 32);
    QVERIFY(!first.contains(password));
    QVERIFY(!first.contains(password.toBase64()));

    // Readable by the owner and the group only, also while it was written.
    struct stat info;
    QCOMPARE(::stat(QFile::encodeName(passwordPath()).constData(), &info), 0);
    QCOMPARE(info.st_mode & 07777, mode_t(0640));
    QCOMPARE(info.st_gid, ::stat(QFile::encodeName(m_dir.path()).constData(), &info) == 0 ? info.st_gid : gid_t(-1));

    // Salted: the same password again gives another line.
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray second = file.readAll();
    QVERIFY(format.match(QString::fromLatin1(second)).hasMatch());
    QVERIFY(second != first);
}

void tst_Admin::passwordRefused_data()
{
    QTest::addColumn<QByteArray>("input");

    QTest::newRow("nothing") << QByteArray();
    QTest::newRow("empty line") << QByteArray("\n");
    QTest::newRow("CRLF only") << QByteArray("\r\n");
    QTest::newRow("too long") << QByteArray(2000, 'x') + '\n';
}

// Nothing usable on stdin: exit 2, and the stored password stays as it was.
void tst_Admin::passwordRefused()
{
    QFETCH(QByteArray, input);
    QCOMPARE(setPassword(password + '\n'), 0);
    QFile file(passwordPath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray before = file.readAll();
    file.close();
    QByteArray output;
    QCOMPARE(setPassword(input, &output), 2);
    QVERIFY2(output.startsWith("selection-panel: "), output.constData());
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), before);
}

void tst_Admin::passwordFromTerminal_data()
{
    QTest::addColumn<QByteArray>("again");
    QTest::addColumn<int>("exitCode");

    QTest::newRow("the same twice") << password << 0;
    QTest::newRow("two different") << QByteArray("correct horse battery stable") << 2;
}

// From a terminal (a pty as stdin): asked twice, never echoed; two that
// differ store nothing.
void tst_Admin::passwordFromTerminal()
{
    QFETCH(QByteArray, again);
    QFETCH(int, exitCode);
    QFile::remove(passwordPath());
    PtyPair terminal;
    QVERIFY(terminal.open());
    terminal.setQueueSupervisionLines(true);
    // Cooked, with echo, as a shell leaves its terminal (PtyPair makes it raw).
    {
        const int slave = ::open(QFile::encodeName(terminal.slavePath()).constData(), O_RDWR | O_NOCTTY);
        QVERIFY(slave >= 0);
        struct termios attributes;
        QCOMPARE(::tcgetattr(slave, &attributes), 0);
        attributes.c_lflag |= ICANON | ECHO;
        attributes.c_iflag |= ICRNL;
        attributes.c_oflag |= OPOST | ONLCR;
        QCOMPARE(::tcsetattr(slave, TCSANOW, &attributes), 0);
        ::close(slave);
    }
    QProcess process;
    process.setStandardInputFile(terminal.slavePath());
    process.start(QStringLiteral(PANEL_GATEWAY_BINARY),
                  { u"--config"_s, m_dir.filePath(u"gateway.conf"_s), u"--set-admin-password"_s });
    QVERIFY(process.waitForStarted(10000));
    QByteArray prompts;
    const auto waitForPrompt = [&](const QByteArray &prompt) {
        QTRY_VERIFY_WITH_TIMEOUT((prompts += process.readAllStandardError()).endsWith(prompt), 10000);
    };
    waitForPrompt("New admin password: ");
    QVERIFY(terminal.write(password + '\n'));
    waitForPrompt("Once more: ");
    QVERIFY(terminal.write(again + '\n'));
    QVERIFY(process.waitForFinished(30000));
    QCOMPARE(process.exitCode(), exitCode);
    QCOMPARE(QFile::exists(passwordPath()), exitCode == 0);
    // What the terminal shows: the line ends, never the password.
    QByteArray line;
    while (terminal.takeLine(&line, 200))
        QVERIFY2(!line.contains("correct"), line.constData());
}

// No password file, no console; setting one takes effect without a restart.
void tst_Admin::consoleOffWithoutPassword()
{
    QFile::remove(passwordPath());
    QVERIFY(launch({}, false));
    RawHttpClient::Response response = post("/admin/login", loginBody(password));
    QCOMPARE(response.status, 404);
    QCOMPARE(json(response).value("error"_L1).toString(), u"console off: run selection-panel --set-admin-password"_s);
    QVERIFY(response.header("Set-Cookie").isEmpty());
    // The page is there all the same: it finds out the rest.
    response = get("/admin");
    QCOMPARE(response.status, 200);
    QVERIFY(response.header("Content-Type").startsWith("text/html"));

    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(!logIn().isEmpty());
}

void tst_Admin::gateRefuses_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("body");

    const QList<std::tuple<const char *, QByteArray, QByteArray, QByteArray>> routes {
        { "state", "GET", "/api/admin/state", {} },
        { "press", "POST", "/api/admin/press/3", {} },
        { "stop", "POST", "/api/admin/stop", {} },
        { "volume", "POST", "/api/admin/volume", "{\"level\":7}" },
        { "attract", "POST", "/api/admin/attract", {} },
        { "selftest", "POST", "/api/admin/selftest", {} },
        { "unknown admin route", "GET", "/api/admin/nothing", {} },
        { "bare /api/admin", "GET", "/api/admin", {} },
        { "stats", "GET", "/api/stats", {} },
        { "stats with range", "GET", "/api/stats?from=2026-01-01&to=2026-01-02", {} },
        { "stats csv", "GET", "/api/stats.csv", {} },
    };
    for (const auto &[name, method, target, body] : routes)
        QTest::newRow(name) << method << target << body;
}

// Without a session, with a made-up cookie and with one that was logged out:
// 401 and nothing else happens (no LED, no browser message, no volume).
void tst_Admin::gateRefuses()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, body);
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch());
    WsClient browser;
    QVERIFY(browser.open(m_gateway->port()));
    QCOMPARE(browser.take().value("type"_L1).toString(), u"state"_s);

    const QByteArray ended = logIn();
    QVERIFY(!ended.isEmpty());
    QCOMPARE(post("/admin/logout", {}, ended).status, 200);
    const QByteArrayList cookies { QByteArray(), "sp_admin=" + QByteArray(43, 'A'), ended, "sp_admin=", "other=1" };
    for (const QByteArray &cookie : cookies) {
        const QByteArray headers = cookie.isEmpty() ? QByteArray() : "Cookie: " + cookie + "\r\n";
        const RawHttpClient::Response response = http().requestWithBody(method, target, body, headers);
        QCOMPARE(response.status, 401);
        QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(json(response), QJsonObject({ { u"error"_s, u"log in at /admin"_s } }));
    }
    const QJsonObject after = status();
    QCOMPARE(after.value("volume"_L1).toInt(), 100);
    QVERIFY(after.value("current_button"_L1).isNull());
    QCOMPARE(after.value("rejected_presses"_L1).toInt(), 0);
    QVERIFY(browser.roundTrip());
    QVERIFY2(browser.pending().isEmpty(), QJsonDocument(browser.pending().value(0)).toJson().constData());
    QByteArray line;
    QVERIFY2(!m_pty->takeLine(&line, 300), line.constData());
}

void tst_Admin::login_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("error");

    QTest::newRow("right") << loginBody(password) << 200 << QString();
    QTest::newRow("wrong") << loginBody("correct horse battery stapler") << 403 << u"wrong password"_s;
    QTest::newRow("empty") << loginBody("") << 403 << u"wrong password"_s;
    QTest::newRow("not JSON") << QByteArray("password=x") << 400 << QString();
    QTest::newRow("no body") << QByteArray() << 400 << QString();
    QTest::newRow("array") << QByteArray("[\"x\"]") << 400 << QString();
    QTest::newRow("number") << QByteArray("{\"password\":42}") << 400 << QString();
    QTest::newRow("other key") << QByteArray("{\"pass\":\"x\"}") << 400 << QString();
}

void tst_Admin::login()
{
    QFETCH(QByteArray, body);
    QFETCH(int, status);
    QFETCH(QString, error);
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch({}, false));
    const RawHttpClient::Response response = post("/admin/login", body);
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("Content-Type"), QByteArray("application/json"));
    QVERIFY(!response.body.contains(password));
    if (status != 200) {
        QVERIFY(response.header("Set-Cookie").isEmpty());
        if (!error.isEmpty())
            QCOMPARE(json(response).value("error"_L1).toString(), error);
        else
            QVERIFY(!json(response).value("error"_L1).toString().isEmpty());
        QCOMPARE(get("/api/admin/state").status, 401);
        return;
    }
    QCOMPARE(json(response), QJsonObject({ { u"ok"_s, true } }));
    const QByteArray setCookie = response.header("Set-Cookie");
    static const QRegularExpression exact(
            u"^sp_admin=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200$"_s);
    QVERIFY2(exact.match(QString::fromLatin1(setCookie)).hasMatch(), setCookie.constData());
    QCOMPARE(get("/api/admin/state", cookiePair(response)).status, 200);
    // Another login is another session.
    const QByteArray second = logIn();
    QVERIFY(!second.isEmpty() && second != cookiePair(response));
    QCOMPARE(get("/api/admin/state", second).status, 200);
    QVERIFY(m_gateway->waitForLog(u"panel.admin: console login from 127.0.0.1"_s) >= 0);
}

void tst_Admin::logoutEndsSession()
{
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch({}, false));
    const QByteArray first = logIn();
    const QByteArray second = logIn();
    QCOMPARE(get("/api/admin/state", first).status, 200);
    const RawHttpClient::Response response = post("/admin/logout", {}, first);
    QCOMPARE(response.status, 200);
    QCOMPARE(json(response), QJsonObject({ { u"ok"_s, true } }));
    QCOMPARE(response.header("Set-Cookie"), QByteArray("sp_admin=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"));
    QCOMPARE(get("/api/admin/state", first).status, 401);
    // Only that session ended.
    QCOMPARE(get("/api/admin/state", second).status, 200);
    QVERIFY(m_gateway->waitForLog(u"panel.admin: console logout from 127.0.0.1"_s) >= 0);
}

// Five wrong passwords, then even the right one waits; once the wait is
// over the right one gets in and the count starts afresh.
void tst_Admin::throttle()
{
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch({}, false));
    for (int i = 0; i < 5; ++i)
        QCOMPARE(post("/admin/login", loginBody("guess")).status, 403);
    RawHttpClient::Response response = post("/admin/login", loginBody(password));
    QCOMPARE(response.status, 429);
    QVERIFY(response.header("Set-Cookie").isEmpty());
    const int retryAfter = response.header("Retry-After").toInt();
    QVERIFY2(retryAfter >= 1 && retryAfter <= 300, response.header("Retry-After").constData());
    QCOMPARE(json(response).value("retry_after_s"_L1).toInt(), retryAfter);
    QVERIFY(!json(response).value("error"_L1).toString().isEmpty());
    QCOMPARE(post("/admin/login", loginBody("guess")).status, 429);

    // The right password once the wait is over.
    QTRY_COMPARE_WITH_TIMEOUT(post("/admin/login", loginBody(password)).status, 200, 10000);
    // Reset: five more tries before the next wait.
    for (int i = 0; i < 4; ++i)
        QCOMPARE(post("/admin/login", loginBody("guess")).status, 403);
    QCOMPARE(post("/admin/login", loginBody(password)).status, 200);
    // Logged, but not once per guess.
    QVERIFY(m_gateway->countLog(u"wrong admin password from 127.0.0.1"_s) >= 1);
    QVERIFY(m_gateway->countLog(u"wrong admin password from 127.0.0.1"_s) <= 3);
}

// The password check runs beside the presses: with a password file whose
// check takes about a second, a press made meanwhile is lit before the
// login is answered, and a second login from the same address waits.
void tst_Admin::pressDuringLogin()
{
    QFile file(passwordPath());
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QVERIFY(file.write(AdminPassword::create(password, 1000000).toLine() + '\n') > 0);
    file.close();
    QVERIFY(launch());

    QTcpSocket login;
    login.connectToHost(QHostAddress::LocalHost, m_gateway->port());
    QVERIFY(login.waitForConnected(5000));
    const QByteArray body = loginBody(password);
    login.write(http().requestBytes("POST", "/admin/login",
                                    "Content-Length: " + QByteArray::number(body.size()) + "\r\n")
                + body);
    QVERIFY(login.waitForBytesWritten(5000));
    // The gateway has the login once a second one from here is refused.
    QTRY_COMPARE_WITH_TIMEOUT(post("/admin/login", loginBody(password)).status, 429, 5000);

    QVERIFY(m_pty->write("PRESS 003\n"));
    QByteArray line;
    QVERIFY(m_pty->takeLine(&line));
    QCOMPARE(line, QByteArray("LEDSET 003"));
    QVERIFY2(login.bytesAvailable() == 0 && !login.waitForReadyRead(0), "the login was answered first");

    QByteArray answer;
    while (!answer.contains("\r\n\r\n") && login.waitForReadyRead(10000))
        answer += login.readAll();
    QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    QVERIFY(answer.contains("Set-Cookie: sp_admin="));
}

// The console's press takes the serial PRESS's way: LED, then the browsers.
void tst_Admin::virtualPress()
{
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch());
    WsClient browser;
    QVERIFY(browser.open(m_gateway->port()));
    QCOMPARE(browser.take().value("type"_L1).toString(), u"state"_s);
    const QByteArray cookie = logIn();

    RawHttpClient::Response response = post("/api/admin/press/3", {}, cookie);
    QCOMPARE(response.status, 200);
    QCOMPARE(json(response), QJsonObject({ { u"outcome"_s, u"played"_s } }));
    QByteArray line;
    QVERIFY(m_pty->takeLine(&line));
    QCOMPARE(line, QByteArray("LEDSET 003"));
    QJsonObject message = browser.take();
    if (message.value("type"_L1).toString() == u"stop"_s)
        message = browser.take();
    QCOMPARE(message.value("type"_L1).toString(), u"play"_s);
    QCOMPARE(message.value("id"_L1).toInt(-1), 3);
    QCOMPARE(status().value("current_button"_L1).toInt(-1), 3);

    // IDs the panel could not send either.
    for (const QByteArray &bad : { QByteArray("99"), QByteArray("abc"), QByteArray("-1"), QByteArray("3x"),
                                   QByteArray("") }) {
        response = post("/api/admin/press/" + bad, {}, cookie);
        QCOMPARE(response.status, 400);
        QCOMPARE(json(response), QJsonObject({ { u"outcome"_s, u"rejected"_s } }));
    }
    QCOMPARE(status().value("current_button"_L1).toInt(-1), 3);
    QVERIFY(!m_pty->takeLine(&line, 300));
}

void tst_Admin::stopAttractSelfTest_data()
{
    QTest::addColumn<QByteArray>("target");

    QTest::newRow("stop") << QByteArray("/api/admin/stop");
    QTest::newRow("attract") << QByteArray("/api/admin/attract");
    QTest::newRow("selftest") << QByteArray("/api/admin/selftest");
}

void tst_Admin::stopAttractSelfTest()
{
    QFETCH(QByteArray, target);
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch());
    const QByteArray cookie = logIn();
    QCOMPARE(post("/api/admin/press/4", {}, cookie).status, 200);
    QByteArray line;
    QVERIFY(m_pty->takeLine(&line));
    QCOMPARE(line, QByteArray("LEDSET 004"));
    const RawHttpClient::Response response = post(target, {}, cookie);
    QCOMPARE(response.status, 200);
    QCOMPARE(json(response), QJsonObject({ { u"ok"_s, true } }));
    if (target.endsWith("/stop")) {
        QVERIFY(m_pty->takeLine(&line));
        QCOMPARE(line, QByteArray("LEDCLR"));
        QVERIFY(status().value("current_button"_L1).isNull());
    }
}

void tst_Admin::volume_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("level"); // -1: refused

    QTest::newRow("40") << QByteArray("{\"level\":40}") << 40;
    QTest::newRow("0") << QByteArray("{\"level\":0}") << 0;
    QTest::newRow("100") << QByteArray("{\"level\":100}") << 100;
    QTest::newRow("40.0") << QByteArray("{\"level\":40.0}") << 40;
    QTest::newRow("101") << QByteArray("{\"level\":101}") << -1;
    QTest::newRow("-1") << QByteArray("{\"level\":-1}") << -1;
    QTest::newRow("fraction") << QByteArray("{\"level\":40.5}") << -1;
    QTest::newRow("string") << QByteArray("{\"level\":\"40\"}") << -1;
    QTest::newRow("missing") << QByteArray("{}") << -1;
    QTest::newRow("not JSON") << QByteArray("level=40") << -1;
}

// The browsers get the new volume and /status shows it, as after a reload.
void tst_Admin::volume()
{
    QFETCH(QByteArray, body);
    QFETCH(int, level);
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch({}, false));
    WsClient browser;
    QVERIFY(browser.open(m_gateway->port()));
    QCOMPARE(browser.take().value("type"_L1).toString(), u"state"_s);
    const QByteArray cookie = logIn();

    const RawHttpClient::Response response = post("/api/admin/volume", body, cookie);
    if (level < 0) {
        QCOMPARE(response.status, 400);
        QVERIFY(!json(response).value("error"_L1).toString().isEmpty());
        QCOMPARE(status().value("volume"_L1).toInt(), 100);
        QVERIFY(browser.roundTrip());
        QVERIFY(browser.pending().isEmpty());
        return;
    }
    QCOMPARE(response.status, 200);
    QCOMPARE(json(response), QJsonObject({ { u"level"_s, level } }));
    QCOMPARE(browser.take(), QJsonObject({ { u"type"_s, u"volume"_s }, { u"level"_s, level } }));
    QCOMPARE(status().value("volume"_L1).toInt(), level);
}

void tst_Admin::state()
{
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch());
    const qint64 before = QDateTime::currentMSecsSinceEpoch() / 1000 * 1000;
    QWebSocket screen;
    QNetworkRequest request(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_gateway->port())));
    request.setRawHeader("User-Agent", "ExhibitScreen/2.0 (room 3)");
    screen.open(request);
    QTRY_COMPARE_WITH_TIMEOUT(screen.state(), QAbstractSocket::ConnectedState, 5000);
    // A visitor's phone is counted, not listed among the screens.
    QWebSocket phone;
    phone.open(QUrl(u"ws://127.0.0.1:%1/ws?role=listener"_s.arg(m_gateway->port())));
    QTRY_COMPARE_WITH_TIMEOUT(phone.state(), QAbstractSocket::ConnectedState, 5000);
    const QByteArray cookie = logIn();

    auto screens = [&] { return json(get("/api/admin/state", cookie)).value("screens"_L1).toArray(); };
    QCOMPARE(screens().size(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(status().value("listeners"_L1).toInt(), 1, 5000);
    QJsonObject entry = screens().at(0).toObject();
    QCOMPARE(entry.value("address"_L1).toString(), u"127.0.0.1"_s);
    QCOMPARE(entry.value("user_agent"_L1).toString(), u"ExhibitScreen/2.0 (room 3)"_s);
    const QDateTime since = QDateTime::fromString(entry.value("since"_L1).toString(), Qt::ISODate);
    QVERIFY2(since.isValid(), qPrintable(entry.value("since"_L1).toString()));
    QVERIFY(since.toMSecsSinceEpoch() >= before);
    QVERIFY(since.toMSecsSinceEpoch() <= QDateTime::currentMSecsSinceEpoch());
    QVERIFY(entry.value("last_ended"_L1).isNull());

    // Its `ended` reports show up, stale or not.
    QCOMPARE(post("/api/admin/press/6", {}, cookie).status, 200);
    screen.sendTextMessage(u"{\"type\":\"ended\",\"id\":6}"_s);
    QTRY_VERIFY_WITH_TIMEOUT(!screens().at(0).toObject().value("last_ended"_L1).isNull(), 5000);
    const QJsonObject lastEnded = screens().at(0).toObject().value("last_ended"_L1).toObject();
    QCOMPARE(lastEnded.value("id"_L1).toInt(-1), 6);
    QVERIFY(QDateTime::fromString(lastEnded.value("at"_L1).toString(), Qt::ISODate).toMSecsSinceEpoch() >= before);

    const RawHttpClient::Response response = get("/api/admin/state", cookie);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Cache-Control"), QByteArray("no-store"));
    const QJsonObject state = json(response);
    // The same object as /status.
    const QJsonObject statusNow = status();
    QCOMPARE(state.value("status"_L1).toObject().keys(), statusNow.keys());
    QCOMPARE(state.value("status"_L1).toObject().value("serial_state"_L1).toString(), u"connected"_s);
    QCOMPARE(state.value("panel_layout"_L1).toObject(),
             QJsonObject({ { u"first_id"_s, 0 }, { u"count"_s, 10 }, { u"columns"_s, 5 } }));
    // The log, oldest first, as the gateway wrote it.
    const QJsonArray log = state.value("log"_L1).toArray();
    QVERIFY(log.size() >= 4 && log.size() <= 200);
    QVERIFY2(log.at(0).toString().startsWith("panel.config: selection-panel"_L1), qPrintable(log.at(0).toString()));
    QStringList lines;
    for (const QJsonValue &value : log)
        lines.append(value.toString());
    const qsizetype listening = lines.indexOf(u"panel.http: listening on 127.0.0.1:%1"_s.arg(m_gateway->port()));
    const qsizetype login = lines.indexOf(QRegularExpression(u"panel\\.admin: console login from 127\\.0\\.0\\.1 .*"_s));
    QVERIFY(listening >= 0);
    QVERIFY(login > listening);

    screen.close();
    QTRY_COMPARE_WITH_TIMEOUT(screens().size(), 0, 5000);
}

void tst_Admin::panelLayout_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QJsonObject>("layout");

    QTest::newRow("production") << QStringList { u"--mode"_s, u"production"_s }
                                << QJsonObject({ { u"first_id"_s, 0 }, { u"count"_s, 100 }, { u"columns"_s, 10 } });
    QTest::newRow("ten from 1") << QStringList { u"--first-id"_s, u"1"_s }
                                << QJsonObject({ { u"first_id"_s, 1 }, { u"count"_s, 10 }, { u"columns"_s, 5 } });
    QTest::newRow("twelve") << QStringList { u"--media-count"_s, u"12"_s }
                            << QJsonObject({ { u"first_id"_s, 0 }, { u"count"_s, 12 }, { u"columns"_s, 10 } });
}

void tst_Admin::panelLayout()
{
    QFETCH(QStringList, arguments);
    QFETCH(QJsonObject, layout);
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch(arguments, false));
    const QJsonObject state = json(get("/api/admin/state", logIn()));
    QCOMPARE(state.value("panel_layout"_L1).toObject(), layout);
}

void tst_Admin::methods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("allow");

    for (const char *target : { "/api/admin/press/3", "/api/admin/stop", "/api/admin/volume", "/api/admin/attract",
                                "/api/admin/selftest", "/admin/login", "/admin/logout" }) {
        QTest::addRow("GET %s", target) << QByteArray("GET") << QByteArray(target) << QByteArray("POST");
        QTest::addRow("PUT %s", target) << QByteArray("PUT") << QByteArray(target) << QByteArray("POST");
    }
    QTest::newRow("POST state") << QByteArray("POST") << QByteArray("/api/admin/state") << QByteArray("GET, HEAD");
    QTest::newRow("DELETE state") << QByteArray("DELETE") << QByteArray("/api/admin/state") << QByteArray("GET, HEAD");
}

// With a session: the wrong method changes nothing.
void tst_Admin::methods()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, allow);
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch());
    const QByteArray cookie = logIn();
    const RawHttpClient::Response response =
            http().requestWithBody(method, target, "{\"level\":5}", "Cookie: " + cookie + "\r\n");
    QCOMPARE(response.status, 405);
    QCOMPARE(response.header("Allow"), allow);
    QVERIFY(!json(response).value("error"_L1).toString().isEmpty());
    QVERIFY(response.header("Set-Cookie").isEmpty());
    // Still logged in, nothing played, volume as it was.
    QCOMPARE(get("/api/admin/state", cookie).status, 200);
    const QJsonObject after = status();
    QVERIFY(after.value("current_button"_L1).isNull());
    QCOMPARE(after.value("volume"_L1).toInt(), 100);
    QByteArray line;
    QVERIFY(!m_pty->takeLine(&line, 200));
}

void tst_Admin::crossOrigin_data()
{
    QTest::addColumn<QByteArray>("origin"); // "@port": the gateway's
    QTest::addColumn<bool>("refused");

    QTest::newRow("no Origin (not a browser)") << QByteArray() << false;
    QTest::newRow("same origin") << QByteArray("http://127.0.0.1:@port") << false;
    QTest::newRow("same origin, other case") << QByteArray("HTTP://127.0.0.1:@port") << false;
    QTest::newRow("other site") << QByteArray("http://exhibit.example") << true;
    QTest::newRow("other port") << QByteArray("http://127.0.0.1:1") << true;
    QTest::newRow("other scheme's default port") << QByteArray("https://127.0.0.1") << true;
    QTest::newRow("null") << QByteArray("null") << true;
}

// A browser's POST from a page of another origin (SameSite lets another
// port of the same host through) is refused before it does anything.
void tst_Admin::crossOrigin()
{
    QFETCH(QByteArray, origin);
    QFETCH(bool, refused);
    QCOMPARE(setPassword(password + '\n'), 0);
    QVERIFY(launch());
    origin.replace("@port", QByteArray::number(m_gateway->port()));
    const QByteArray originHeader = origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n";
    const QByteArray cookie = logIn();

    RawHttpClient::Response response = http().requestWithBody("POST", "/admin/login", loginBody(password), originHeader);
    QCOMPARE(response.status, refused ? 403 : 200);
    QCOMPARE(response.header("Set-Cookie").isEmpty(), refused);

    response = http().requestWithBody("POST", "/api/admin/press/3", {}, originHeader + "Cookie: " + cookie + "\r\n");
    QByteArray line;
    if (refused) {
        QCOMPARE(response.status, 403);
        QCOMPARE(json(response), QJsonObject({ { u"error"_s, u"cross-origin request refused"_s } }));
        QVERIFY(!m_pty->takeLine(&line, 300));
        QVERIFY(status().value("current_button"_L1).isNull());
        // Nor does it log out.
        QCOMPARE(http().requestWithBody("POST", "/admin/logout", {}, originHeader + "Cookie: " + cookie + "\r\n").status,
                 403);
        QCOMPARE(get("/api/admin/state", cookie).status, 200);
    } else {
        QCOMPARE(response.status, 200);
        QVERIFY(m_pty->takeLine(&line));
        QCOMPARE(line, QByteArray("LEDSET 003"));
    }
}

QTEST_GUILESS_MAIN(tst_Admin)
#include "tst_admin.moc"
