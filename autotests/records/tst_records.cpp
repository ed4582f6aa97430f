#include "gatewayprocess.h"
#include "ptypair.h"
#include "rawhttpclient.h"
#include "staffsession.h"

#include <QDate>
#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStorageInfo>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

#include <unistd.h>

using namespace Qt::StringLiterals;

namespace {

// The most memory the process has held so far (VmHWM), in kB; -1 unknown.
qint64 peakRssKb(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

const QByteArray staffPassword = QByteArrayLiteral("records are for staff");

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

int countRows(const QString &path)
{
    int rows = -1;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"count"_s);
        db.setDatabaseName(path);
        db.setConnectOptions(u"QSQLITE_OPEN_READONLY"_s);
        QSqlQuery query(db);
        if (db.open() && query.exec(u"SELECT COUNT(*) FROM records"_s) && query.next())
            rows = query.value(0).toInt();
    }
    QSqlDatabase::removeDatabase(u"count"_s);
    return rows;
}

} // namespace

// The play records on the real program (docs/architecture.md, "src/records/";
// docs/http.md, "/api/stats"): what /status counts as written is in the file
// after SIGKILL, /api/stats agrees with the presses made, and a file that
// cannot be written costs a log line and the records, never a press.
class tst_Records : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void acknowledgedSurviveKill();
    void unwritablePlace_data();
    void unwritablePlace();
    void readOnlyFileSystem();
    void fullDisk();
    void yearOfRecords();

private:
    bool launch(const QStringList &extra, bool withPanel = false);
    RawHttpClient http() const { return RawHttpClient(m_gateway->port()); }
    // GET of a statistics route, in a staff session of its own.
    RawHttpClient::Response getStats(const QByteArray &target);
    QJsonObject records();
    // A tiny tmpfs of our own (root only); false when it cannot be had.
    bool mountSmall(const QString &options);
    // A press on the pty panel, answered with its LEDSET.
    bool pressAndLight(int id);

    QTemporaryDir m_dir;
    QString m_configFile;
    std::unique_ptr<GatewayProcess> m_gateway;
    std::unique_ptr<PtyPair> m_pty;
    QString m_mountPoint;
};

void tst_Records::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(PANEL_GATEWAY_BINARY)));
    QVERIFY(m_dir.isValid());
    QVERIFY2(QSqlDatabase::isDriverAvailable(u"QSQLITE"_s), "needs Qt's SQLite driver (libqt6sql6-sqlite)");
    m_configFile = m_dir.filePath(u"empty.conf"_s);
    QVERIFY(writeFile(m_configFile, {}));
    // /api/stats needs a staff session.
    QCOMPARE(StaffSession::setPassword(m_configFile, staffPassword + '\n'), 0);
}

void tst_Records::cleanup()
{
    if (m_gateway) {
        m_gateway->stop();
        QVERIFY2(m_gateway->countProblems() == 0, qPrintable(m_gateway->logLines().join(u'\n')));
    }
    m_gateway.reset();
    m_pty.reset();
    if (!m_mountPoint.isEmpty()) {
        QProcess::execute(u"umount"_s, { u"-l"_s, m_mountPoint });
        m_mountPoint.clear();
    }
}

bool tst_Records::launch(const QStringList &extra, bool withPanel)
{
    QStringList arguments { u"--media-dir"_s, QStringLiteral(PANEL_SOURCE_MEDIA_DIR), u"--stuck-presses"_s, u"0"_s };
    if (withPanel) {
        m_pty = std::make_unique<PtyPair>();
        if (!m_pty->open()) {
            qWarning().noquote() << m_pty->errorString();
            return false;
        }
        arguments << u"--serial-port"_s << m_pty->slavePath();
    } else {
        arguments << u"--serial-port"_s << u"none"_s;
    }
    m_gateway = std::make_unique<GatewayProcess>();
    if (!m_gateway->start(arguments + extra, m_configFile)) {
        qWarning().noquote() << m_gateway->errorString();
        return false;
    }
    if (withPanel) {
        QByteArray clear; // the LEDs brought in line on connect
        if (m_gateway->waitForLog(u"panel connected on"_s) < 0 || !m_pty->takeLine(&clear) || clear != "LEDCLR") {
            qWarning().noquote() << "the gateway did not take the pty:" << m_gateway->logLines().join(u'\n');
            return false;
        }
    }
    return true;
}

RawHttpClient::Response tst_Records::getStats(const QByteArray &target)
{
    const QByteArray cookie = StaffSession::logIn(http(), staffPassword);
    return http().request("GET", target, StaffSession::cookieHeader(cookie));
}

QJsonObject tst_Records::records()
{
    const RawHttpClient::Response response = http().get("/status");
    return QJsonDocument::fromJson(response.body).object().value(u"records"_s).toObject();
}

bool tst_Records::pressAndLight(int id)
{
    const QByteArray number = QByteArray::number(id).rightJustified(3, '0');
    QByteArray line;
    if (!m_pty->write("PRESS " + number + '\n') || !m_pty->takeLine(&line))
        return false;
    if (line != "LEDSET " + number) {
        qWarning("the gateway wrote '%s' for PRESS %s", line.constData(), number.constData());
        return false;
    }
    return true;
}

// 1,000 presses through /test/play, every record acknowledged in /status,
// SIGKILL, a new start on the same file: every one is there, and /api/stats
// counts exactly the presses made.
void tst_Records::acknowledgedSurviveKill()
{
    const QString path = m_dir.filePath(u"state/stats.sqlite"_s);
    QVERIFY(launch({ u"--stats-db"_s, path }));
    QVERIFY(m_gateway->waitForLog(u"panel.records: recording presses in "_s + path) >= 0);
    const QDate firstDay = QDate::currentDate();

    QHash<int, int> presses;
    QHash<int, int> played;
    int playedTotal = 0;
    for (int i = 0; i < 1000; ++i) {
        const int id = i % 50 == 49 ? 99 : (i * 7) % 10; // every 50th is not a button
        const RawHttpClient::Response response = http().get("/test/play/" + QByteArray::number(id));
        ++presses[id];
        if (response.status == 200 && response.body.startsWith("OK: play ")) {
            ++played[id];
            ++playedTotal;
        } else {
            QVERIFY2(id == 99 && response.status == 400, response.body.constData());
        }
    }
    QCOMPARE(http().get("/test/stop").status, 200);
    // Every press, and an end for every playback: preempted, or stopped at last.
    const int expected = 1000 + playedTotal;
    QTRY_COMPARE_WITH_TIMEOUT(records().value(u"written"_s).toInt(), expected, 30000);
    const QJsonObject acknowledged = records();
    QCOMPARE(acknowledged.value(u"enabled"_s).toBool(), true);
    QCOMPARE(acknowledged.value(u"failed"_s).toInt(), 0);
    QVERIFY(acknowledged.value(u"error"_s).isNull());

    m_gateway->process()->kill();
    QVERIFY(m_gateway->process()->waitForFinished(5000));
    QCOMPARE(m_gateway->process()->exitStatus(), QProcess::CrashExit);
    QCOMPARE(countRows(path), expected);

    QVERIFY(launch({ u"--stats-db"_s, path }));
    const QByteArray range = "?from=" + firstDay.toString(Qt::ISODate).toLatin1() + "&to="
            + QDate::currentDate().toString(Qt::ISODate).toLatin1();
    const RawHttpClient::Response stats = getStats("/api/stats" + range);
    QCOMPARE(stats.status, 200);
    const QJsonArray ids = QJsonDocument::fromJson(stats.body).object().value(u"ids"_s).toArray();
    QCOMPARE(ids.size(), presses.size());
    for (const QJsonValue &value : ids) {
        const QJsonObject entry = value.toObject();
        const int id = entry.value(u"id"_s).toInt();
        QCOMPARE(entry.value(u"presses"_s).toInt(), presses.value(id));
        QCOMPARE(entry.value(u"played"_s).toInt(), played.value(id));
        QCOMPARE(entry.value(u"completed"_s).toInt(), 0);
        QCOMPARE(entry.value(u"median_listening_ms"_s).isNull(), played.value(id) == 0);
    }
    const RawHttpClient::Response csv = getStats("/api/stats.csv" + range);
    QCOMPARE(csv.status, 200);
    QCOMPARE(csv.body.count("\r\n"), expected + 1);
    QCOMPARE(csv.body.count(",press,rejected,"), presses.value(99));
    QCOMPARE(csv.body.count(",end,stopped,"), 1);
    QCOMPARE(csv.body.count(",end,preempted,"), playedTotal - 1);
}

// A file the gateway cannot create: one warning, the records counted as
// failed in /status, the presses played as ever.
void tst_Records::unwritablePlace_data()
{
    QTest::addColumn<QString>("path");
    // /proc takes no new files, not even from root.
    QTest::newRow("under /proc") << u"/proc/selection-panel-test/stats.sqlite"_s;
    QTest::newRow("a folder that is a file") << u"@file/stats.sqlite"_s;
}

void tst_Records::unwritablePlace()
{
    QFETCH(QString, path);
    if (path.startsWith(u"@file"_s)) {
        QVERIFY(writeFile(m_dir.filePath(u"plain"_s), "not a folder"));
        path.replace(u"@file"_s, m_dir.filePath(u"plain"_s));
    }
    QVERIFY(launch({ u"--stats-db"_s, path }, true));
    QVERIFY(m_gateway->waitForLog(u"panel.records: cannot write records to "_s + path) >= 0);
    for (int i = 0; i < 20; ++i)
        QVERIFY(pressAndLight(i % 10));
    QTRY_COMPARE(records().value(u"failed"_s).toInt(), 20 + 19); // the presses, and the playbacks they ended
    const QJsonObject state = records();
    QCOMPARE(state.value(u"enabled"_s).toBool(), true);
    QCOMPARE(state.value(u"written"_s).toInt(), 0);
    QVERIFY2(!state.value(u"error"_s).toString().isEmpty(), QJsonDocument(state).toJson().constData());
    QCOMPARE(m_gateway->countLog(u"panel.records: cannot write"_s), 1);
    // /api/stats says why it has nothing to say.
    const RawHttpClient::Response stats = getStats("/api/stats");
    QCOMPARE(stats.status, 503);
    QVERIFY(QJsonDocument::fromJson(stats.body).object().contains(u"error"_s));
}

bool tst_Records::mountSmall(const QString &options)
{
    if (::geteuid() != 0)
        return false;
    m_mountPoint = m_dir.filePath(u"small"_s);
    if (!QDir().mkpath(m_mountPoint)
        || QProcess::execute(u"mount"_s, { u"-t"_s, u"tmpfs"_s, u"-o"_s, options, u"tmpfs"_s, m_mountPoint }) != 0) {
        m_mountPoint.clear();
        return false;
    }
    return true;
}

// The records file on a file system that turned read-only (an SD card that
// failed, say): one warning, presses played.
void tst_Records::readOnlyFileSystem()
{
    if (!mountSmall(u"size=1m"_s))
        QSKIP("needs root and a tmpfs of its own");
    const QString path = m_mountPoint + u"/stats.sqlite"_s;
    QVERIFY(launch({ u"--stats-db"_s, path }));
    QCOMPARE(http().get("/test/play/1").status, 200);
    QTRY_COMPARE(records().value(u"written"_s).toInt(), 1);
    m_gateway->stop();
    QCOMPARE(QProcess::execute(u"mount"_s, { u"-o"_s, u"remount,ro"_s, m_mountPoint }), 0);

    QVERIFY(launch({ u"--stats-db"_s, path }, true));
    for (int i = 0; i < 5; ++i)
        QVERIFY(pressAndLight(i));
    QTRY_COMPARE(records().value(u"failed"_s).toInt(), 5 + 4);
    QCOMPARE(records().value(u"written"_s).toInt(), 0);
    QVERIFY(!records().value(u"error"_s).toString().isEmpty());
    QVERIFY(m_gateway->waitForLog(u"panel.records: cannot write records to "_s + path) >= 0);
    QCOMPARE(m_gateway->countLog(u"panel.records: cannot write"_s), 1);
}

// A full disk (a tiny tmpfs, root only): one warning, records dropped and
// counted, presses played; when space is back, recording resumes by itself.
void tst_Records::fullDisk()
{
    if (!mountSmall(u"size=512k"_s))
        QSKIP("needs root and a tmpfs of its own");
    const QString path = m_mountPoint + u"/stats.sqlite"_s;
    QVERIFY(launch({ u"--stats-db"_s, path }, true));
    QVERIFY(pressAndLight(1));
    QTRY_COMPARE(records().value(u"written"_s).toInt(), 1);

    // Fill what is left, to the last byte the file system gives.
    const QString filler = m_mountPoint + u"/filler"_s;
    {
        QFile file(filler);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray block(4096, 'x');
        while (file.write(block) == block.size() && file.flush()) { }
    }
    // Each commit adds to the WAL file: the disk is full within a few.
    int pressed = 1;
    for (int i = 0; i < 200 && m_gateway->countLog(u"panel.records: cannot write"_s) == 0; ++i) {
        QVERIFY(pressAndLight(pressed++ % 10));
        QTRY_VERIFY(records().value(u"written"_s).toInt() + records().value(u"failed"_s).toInt() == 2 * pressed - 1);
    }
    QCOMPARE(m_gateway->countLog(u"panel.records: cannot write"_s), 1);
    QVERIFY2(records().value(u"error"_s).toString().contains(u"full"_s),
             QJsonDocument(records()).toJson().constData());
    for (int i = 0; i < 10; ++i)
        QVERIFY(pressAndLight(pressed++ % 10));
    QTRY_VERIFY(records().value(u"failed"_s).toInt() >= 20);
    QCOMPARE(m_gateway->countLog(u"panel.records: cannot write"_s), 1);

    // Space again: the next batch after the retry interval is written.
    QVERIFY(QFile::remove(filler));
    const int writtenBefore = records().value(u"written"_s).toInt();
    QTRY_VERIFY_WITH_TIMEOUT(pressAndLight(pressed++ % 10) && records().value(u"written"_s).toInt() > writtenBefore,
                             15000);
    QVERIFY(m_gateway->waitForLog(u"panel.records: writing records to "_s + path + u" again"_s) >= 0);
    QTRY_COMPARE(records().value(u"written"_s).toInt() + records().value(u"failed"_s).toInt(), 2 * pressed - 1);
    QVERIFY(records().value(u"error"_s).isNull());
    const int written = records().value(u"written"_s).toInt();
    m_gateway->stop();
    QCOMPARE(countRows(path), written);
}

// A year of records (2,500 presses a day, 1.8 million rows) takes seconds
// to read: the gateway reads them on a thread of its own, so a press made
// meanwhile is lit and /health answered before the statistics come, and
// the CSV of the year leaves through a file, not memory.
void tst_Records::yearOfRecords()
{
    const QString path = m_dir.filePath(u"year.sqlite"_s);
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"year"_s);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery q(db);
        const QStringList statements = {
            u"PRAGMA journal_mode=WAL"_s,
            u"CREATE TABLE records (time_ms INTEGER NOT NULL, id INTEGER NOT NULL,"
            " event TEXT NOT NULL, detail TEXT NOT NULL, listened_ms INTEGER)"_s,
            u"CREATE INDEX records_by_time ON records (time_ms)"_s,
            u"PRAGMA user_version=1"_s,
            // From 2025-01-01 00:00 UTC, a press every 34.56 s and its end 20 s later.
            u"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 912499)"
            " INSERT INTO records SELECT 1735689600000 + i * 34560, i % 10, 'press', 'played', NULL FROM n"_s,
            u"WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 912499)"
            " INSERT INTO records SELECT 1735689600000 + i * 34560 + 20000, i % 10, 'end', 'completed', 20000 FROM n"_s,
        };
        for (const QString &statement : statements)
            QVERIFY2(q.exec(statement), qPrintable(statement));
        db.close();
    }
    QSqlDatabase::removeDatabase(u"year"_s);
    QVERIFY(launch({ u"--stats-db"_s, path }, true));
    const QByteArray cookie = StaffSession::logIn(http(), staffPassword);
    QVERIFY(!cookie.isEmpty());

    QTcpSocket stats;
    stats.connectToHost(QHostAddress::LocalHost, m_gateway->port());
    QVERIFY(stats.waitForConnected(5000));
    stats.write(http().requestBytes("GET", "/api/stats?from=2024-12-31&to=2026-01-01",
                                    StaffSession::cookieHeader(cookie)));
    QVERIFY(stats.waitForBytesWritten(5000));
    QVERIFY(pressAndLight(3));
    QCOMPARE(http().get("/health").status, 200);
    QVERIFY2(stats.bytesAvailable() == 0 && !stats.waitForReadyRead(0), "the statistics came first");

    QByteArray answer;
    RawHttpClient::Response response;
    qsizetype bodyAt = -1;
    while ((bodyAt < 0 || answer.size() - bodyAt < response.header("Content-Length").toLongLong())
           && stats.waitForReadyRead(60000)) {
        answer += stats.readAll();
        bodyAt = RawHttpClient::parseHead(answer, &response);
    }
    QCOMPARE(response.status, 200);
    const QJsonObject summary = QJsonDocument::fromJson(answer.mid(bodyAt)).object();
    qint64 presses = 0;
    for (const QJsonValue &id : summary.value(u"ids"_s).toArray())
        presses += id.toObject().value(u"presses"_s).toInteger();
    QCOMPARE(presses, 912500); // the press just made is of today, not in the range

    // The CSV of the year: every record a line, the gateway's memory at
    // no time more than a few MB above what it was.
    const qint64 before = peakRssKb(m_gateway->pid());
    const RawHttpClient::Response csv = http().request("GET", "/api/stats.csv?from=2024-12-31&to=2026-01-01",
                                                       StaffSession::cookieHeader(cookie), 60000);
    QCOMPARE(csv.status, 200);
    QCOMPARE(csv.body.count('\n'), 1 + 2 * 912500);
#if !defined(__SANITIZE_ADDRESS__) // AddressSanitizer's quarantine: resident memory says nothing there
    QVERIFY2(peakRssKb(m_gateway->pid()) - before < 20000,
             qPrintable(u"%1 kB more at the peak for a %2 MB CSV"_s.arg(peakRssKb(m_gateway->pid()) - before)
                                .arg(csv.body.size() / 1000000)));
#endif
}

QTEST_GUILESS_MAIN(tst_Records)
#include "tst_records.moc"
