#include "records/playrecorder.h"
#include "records/recordwriter.h"
#include "records/statsstore.h"
#include "web/httpserver.h"
#include "web/statsapi.h"
#include "virtualclock.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;

namespace {

// Local time in the test's zone, "2026-12-01T10:00:00.000".
qint64 at(const QString &local)
{
    const QDateTime time = QDateTime::fromString(local, Qt::ISODateWithMs);
    Q_ASSERT(time.isValid());
    return time.toMSecsSinceEpoch();
}

// "2026-12-01T10:00:00.000 3 end completed 41000" → a record.
PlayRecord record(const QString &text)
{
    const QStringList parts = text.split(u' ');
    PlayRecord r { at(parts.at(0)), parts.at(1).toInt(), parts.at(2), parts.at(3), std::nullopt };
    if (parts.size() > 4)
        r.listenedMs = parts.at(4).toLongLong();
    return r;
}

// One query on a connection of the test's own.
QVariant pragma(const QString &path, const QString &statement)
{
    QVariant value;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"check"_s);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery query(db);
            if (query.exec(statement) && query.next())
                value = query.value(0);
        }
    }
    QSqlDatabase::removeDatabase(u"check"_s);
    return value;
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// panel.records warnings, to count the lines an outage costs.
QStringList recordWarnings;
QtMessageHandler previousHandler = nullptr;
void countRecordWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && context.category && QByteArrayView(context.category) == "panel.records")
        recordWarnings.append(message);
    previousHandler(type, context, message);
}

} // namespace

class tst_PlayRecords : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void writtenAndReadBack();
    void recorderStampsAndCommits();
    void quitCommitsLastBatch();
    void groupCommit();
    void newerLayoutRefused();
    void olderLayoutMigrated();
    void notADatabase();
    void outageLoggedOnceAndResumed();
    void median_data();
    void median();
    void summary_data();
    void summary();
    void api_data();
    void api();
    void csv();
    void recordsOff();

private:
    QString dbPath() const { return m_dir->filePath(u"stats.sqlite"_s); }
    void write(const QStringList &records);
    struct Reply
    {
        int status = 0;
        QByteArray contentType;
        QByteArray body;
    };
    Reply get(StatsStore *store, const QByteArray &target, const QByteArray &method = "GET");

    std::unique_ptr<QTemporaryDir> m_dir;
    VirtualClock m_clock;
};

void tst_PlayRecords::initTestCase()
{
    // A zone with daylight saving time: days of 23 and 25 hours, offsets that change.
    qputenv("TZ", "Europe/Berlin");
    QVERIFY2(QSqlDatabase::isDriverAvailable(u"QSQLITE"_s), "needs Qt's SQLite driver (libqt6sql6-sqlite)");
    QCOMPARE(QDateTime::fromString(u"2026-07-01T12:00:00"_s, Qt::ISODate).offsetFromUtc(), 7200);
    previousHandler = qInstallMessageHandler(countRecordWarnings);
}

void tst_PlayRecords::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    recordWarnings.clear();
}

void tst_PlayRecords::write(const QStringList &records)
{
    RecordWriter writer(dbPath());
    writer.open();
    for (const QString &text : records)
        writer.append(record(text));
    writer.close();
    QCOMPARE(writer.written(), quint64(records.size()));
    QCOMPARE(writer.errorString(), QString());
}

// Records in, the same records out; the file is in WAL mode at layout 1.
void tst_PlayRecords::writtenAndReadBack()
{
    const QStringList records = { u"2026-12-01T10:00:00.000 3 press played"_s,
                                  u"2026-12-01T10:00:41.500 3 end completed 41500"_s,
                                  u"2026-12-01T10:01:00.000 42 press rejected"_s };
    write(records);
    QCOMPARE(pragma(dbPath(), u"PRAGMA user_version"_s).toInt(), RecordWriter::schemaVersion);
    QCOMPARE(pragma(dbPath(), u"PRAGMA journal_mode"_s).toString(), u"wal"_s);
    QCOMPARE(pragma(dbPath(), u"SELECT COUNT(*) FROM sqlite_master WHERE name = 'records_by_time'"_s).toInt(), 1);

    StatsStore store(dbPath());
    QStringList back;
    QVERIFY2(store.rows(QDate(2026, 12, 1), QDate(2026, 12, 1),
                        [&back](const StatsStore::Row &row) {
                            back.append(QDateTime::fromMSecsSinceEpoch(row.timeMs).toString(Qt::ISODateWithMs) + u' '
                                        + QString::number(row.id) + u' ' + row.event + u' ' + row.detail
                                        + (row.listenedMs ? u' ' + QString::number(*row.listenedMs) : QString()));
                        }),
             qPrintable(store.errorString()));
    QCOMPARE(back, records);
}

// PlayRecorder: wall-clock time from its Clock, names of the controller's
// enums, the count of written records once committed by the thread.
void tst_PlayRecords::recorderStampsAndCommits()
{
    m_clock.setWallMs(at(u"2026-12-02T09:30:00.000"_s));
    {
        PlayRecorder recorder(dbPath(), &m_clock);
        QVERIFY(recorder.isEnabled());
        recorder.recordPress(4, PanelController::Outcome::Played);
        m_clock.setWallMs(at(u"2026-12-02T09:30:02.000"_s));
        recorder.recordPress(5, PanelController::Outcome::Played);
        recorder.recordEnding(4, PanelController::Ending::Preempted, 2000);
        recorder.recordPress(5, PanelController::Outcome::Stopped);
        recorder.recordEnding(5, PanelController::Ending::Stopped, 0);
        recorder.recordPress(6, PanelController::Outcome::Ignored);
        QTRY_COMPARE(recorder.written(), quint64(6));
        QCOMPARE(recorder.failed(), quint64(0));
        QCOMPARE(recorder.errorString(), QString());
    }
    QStringList back;
    StatsStore store(dbPath());
    QVERIFY(store.rows(QDate(2026, 12, 2), QDate(2026, 12, 2), [&back](const StatsStore::Row &row) {
        back.append(StatsApi::csvLine(row.timeMs, row.id, row.event, row.detail,
                                      row.listenedMs ? &*row.listenedMs : nullptr));
    }));
    QCOMPARE(back, QStringList({ u"2026-12-02T09:30:00+01:00,4,press,played,"_s,
                                 u"2026-12-02T09:30:02+01:00,5,press,played,"_s,
                                 u"2026-12-02T09:30:02+01:00,4,end,preempted,2000"_s,
                                 u"2026-12-02T09:30:02+01:00,5,press,stopped,"_s,
                                 u"2026-12-02T09:30:02+01:00,5,end,stopped,0"_s,
                                 u"2026-12-02T09:30:02+01:00,6,press,ignored,"_s }));
}

// The records queued when the recorder goes (the gateway quits) are committed first.
void tst_PlayRecords::quitCommitsLastBatch()
{
    m_clock.setWallMs(at(u"2026-12-02T09:30:00.000"_s));
    {
        PlayRecorder recorder(dbPath(), &m_clock);
        for (int i = 0; i < 1000; ++i)
            recorder.recordPress(i % 10, PanelController::Outcome::Played);
    }
    QCOMPARE(pragma(dbPath(), u"SELECT COUNT(*) FROM records"_s).toInt(), 1000);
}

// A burst of presses is committed in a few transactions, not one each: the
// records queued while one commits go into the next together.
void tst_PlayRecords::groupCommit()
{
    PlayRecorder recorder(dbPath(), &m_clock);
    QTRY_VERIFY(QFile::exists(dbPath())); // opened, so the burst meets a ready writer
    QSignalSpy batches(&recorder, &PlayRecorder::progressed);
    for (int i = 0; i < 1000; ++i)
        recorder.recordPress(i % 10, PanelController::Outcome::Played);
    QTRY_COMPARE(recorder.written(), quint64(1000));
    QVERIFY2(batches.size() <= 100, qPrintable(QString::number(batches.size())));
}

// A file from a later release: not touched, and a clear error on both sides.
void tst_PlayRecords::newerLayoutRefused()
{
    QCOMPARE(pragma(dbPath(), u"PRAGMA user_version = 7"_s), QVariant());
    pragma(dbPath(), u"CREATE TABLE records (whatever TEXT)"_s);
    QCOMPARE(pragma(dbPath(), u"PRAGMA user_version"_s).toInt(), 7);
    const QByteArray before = readAll(dbPath());
    QVERIFY(!before.isEmpty());

    RecordWriter writer(dbPath());
    writer.open();
    QVERIFY2(writer.errorString().contains(u"layout 7, newer than this release's 1"_s), qPrintable(writer.errorString()));
    writer.append(record(u"2026-12-01T10:00:00.000 3 press played"_s));
    writer.close();
    QCOMPARE(writer.written(), quint64(0));
    QCOMPARE(writer.failed(), quint64(1));
    QCOMPARE(recordWarnings.size(), 1);
    QVERIFY2(recordWarnings.first().contains(dbPath()), qPrintable(recordWarnings.first()));
    QCOMPARE(readAll(dbPath()), before);
    QVERIFY(!QFile::exists(dbPath() + u"-wal"_s));

    StatsStore store(dbPath());
    StatsStore::Summary summary;
    QVERIFY(!store.summary(QDate(2026, 12, 1), QDate(2026, 12, 1), &summary));
    QVERIFY2(store.errorString().contains(u"layout 7"_s), qPrintable(store.errorString()));
}

// Layout 0, an SQLite file without records (from sqlite3, say): brought to
// the current layout in place, its other tables kept.
void tst_PlayRecords::olderLayoutMigrated()
{
    pragma(dbPath(), u"CREATE TABLE notes (text TEXT)"_s);
    pragma(dbPath(), u"INSERT INTO notes VALUES ('kept')"_s);
    QCOMPARE(pragma(dbPath(), u"PRAGMA user_version"_s).toInt(), 0);
    write({ u"2026-12-01T10:00:00.000 3 press played"_s });
    QCOMPARE(pragma(dbPath(), u"PRAGMA user_version"_s).toInt(), RecordWriter::schemaVersion);
    QCOMPARE(pragma(dbPath(), u"SELECT text FROM notes"_s).toString(), u"kept"_s);
    QCOMPARE(pragma(dbPath(), u"SELECT COUNT(*) FROM records"_s).toInt(), 1);
}

// A file that is no database: an error, the file as it was.
void tst_PlayRecords::notADatabase()
{
    const QByteArray garbage = QByteArray("this is not an SQLite file\n").repeated(200);
    {
        QFile file(dbPath());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(garbage);
    }
    RecordWriter writer(dbPath());
    writer.open();
    QVERIFY2(writer.errorString().contains(u"not a database"_s), qPrintable(writer.errorString()));
    writer.close();
    QCOMPARE(readAll(dbPath()), garbage);
}

// A place that cannot be written: one warning for the outage, however many
// records are dropped; counted; writing resumes by itself once it can.
void tst_PlayRecords::outageLoggedOnceAndResumed()
{
    // The folder is a file for now: nothing can be created in it.
    const QString folder = m_dir->filePath(u"state"_s);
    {
        QFile file(folder);
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    const QString path = folder + u"/stats.sqlite"_s;
    RecordWriter writer(path, 50);
    QSignalSpy progressed(&writer, &RecordWriter::progressed);
    writer.open();
    QVERIFY(!writer.errorString().isEmpty());
    for (int i = 0; i < 20; ++i) {
        writer.append(record(u"2026-12-01T10:00:00.000 3 press played"_s));
        writer.flush();
    }
    QCOMPARE(writer.failed(), quint64(20));
    QCOMPARE(writer.written(), quint64(0));
    QCOMPARE(recordWarnings.size(), 1);
    QVERIFY2(recordWarnings.first().contains(path), qPrintable(recordWarnings.first()));
    QCOMPARE(progressed.size(), 21);
    QCOMPARE(progressed.last().at(1).value<quint64>(), quint64(20));

    QVERIFY(QFile::remove(folder));
    QTest::qWait(60); // the retry interval: the next batch tries the file again
    writer.append(record(u"2026-12-01T10:00:01.000 3 press played"_s));
    writer.flush();
    QCOMPARE(writer.errorString(), QString());
    QCOMPARE(writer.written(), quint64(1));
    QCOMPARE(writer.failed(), quint64(20));
    QCOMPARE(recordWarnings.size(), 1);
    writer.close();
    QCOMPARE(pragma(path, u"SELECT COUNT(*) FROM records"_s).toInt(), 1);
}

void tst_PlayRecords::median_data()
{
    QTest::addColumn<QList<qint64>>("sorted");
    QTest::addColumn<qint64>("expected"); // -1: none

    QTest::newRow("none") << QList<qint64>() << qint64(-1);
    QTest::newRow("one") << QList<qint64> { 41000 } << qint64(41000);
    QTest::newRow("odd") << QList<qint64> { 10, 20, 900 } << qint64(20);
    QTest::newRow("even: mean of the middle two") << QList<qint64> { 10, 20, 30, 900 } << qint64(25);
    QTest::newRow("even, rounded down") << QList<qint64> { 10, 21 } << qint64(15);
    QTest::newRow("large") << QList<qint64> { Q_INT64_C(9000000000000000000), Q_INT64_C(9000000000000000002) }
                           << Q_INT64_C(9000000000000000001);
}

void tst_PlayRecords::median()
{
    QFETCH(QList<qint64>, sorted);
    QFETCH(qint64, expected);
    const std::optional<qint64> median = StatsStore::median(sorted);
    QCOMPARE(median.value_or(-1), expected);
}

void tst_PlayRecords::summary_data()
{
    QTest::addColumn<QStringList>("records");
    QTest::addColumn<QString>("from");
    QTest::addColumn<QString>("to");
    QTest::addColumn<QStringList>("ids");  // id:presses/played/completed/median
    QTest::addColumn<QStringList>("days"); // date:id:presses

    const QString day = u"2026-12-01"_s;
    QTest::newRow("nothing") << QStringList() << day << day << QStringList() << QStringList();
    QTest::newRow("played and completed")
            << QStringList { u"2026-12-01T10:00:00.000 3 press played"_s, u"2026-12-01T10:00:41.000 3 end completed 41000"_s }
            << day << day << QStringList { u"3:1/1/1/41000"_s } << QStringList { u"2026-12-01:3:1"_s };
    QTest::newRow("still playing: no median")
            << QStringList { u"2026-12-01T10:00:00.000 3 press played"_s } << day << day
            << QStringList { u"3:1/1/0/null"_s } << QStringList { u"2026-12-01:3:1"_s };
    QTest::newRow("every outcome counts as a press")
            << QStringList { u"2026-12-01T10:00:00.000 3 press played"_s, u"2026-12-01T10:00:01.000 3 press stopped"_s,
                             u"2026-12-01T10:00:01.000 3 end stopped 1000"_s, u"2026-12-01T10:00:02.000 3 press ignored"_s,
                             u"2026-12-01T10:00:03.000 42 press rejected"_s }
            << day << day << QStringList { u"3:3/1/0/1000"_s, u"42:1/0/0/null"_s }
            << QStringList { u"2026-12-01:3:3"_s, u"2026-12-01:42:1"_s };
    QTest::newRow("median over every ending, odd count")
            << QStringList { u"2026-12-01T10:00:00.000 5 press played"_s, u"2026-12-01T10:00:30.000 5 end completed 30000"_s,
                             u"2026-12-01T10:01:00.000 5 press played"_s, u"2026-12-01T10:01:05.000 5 end preempted 5000"_s,
                             u"2026-12-01T10:02:00.000 5 press played"_s, u"2026-12-01T10:12:00.000 5 end timer 600000"_s }
            << day << day << QStringList { u"5:3/3/1/30000"_s } << QStringList { u"2026-12-01:5:3"_s };
    QTest::newRow("median, even count: mean of the middle two")
            << QStringList { u"2026-12-01T10:00:00.000 5 end completed 10000"_s, u"2026-12-01T10:00:01.000 5 end completed 20001"_s,
                             u"2026-12-01T10:00:02.000 5 end closed 30000"_s, u"2026-12-01T10:00:03.000 5 end completed 90000"_s,
                             u"2026-12-01T10:00:04.000 5 press played"_s }
            << day << day << QStringList { u"5:1/1/3/25000"_s } << QStringList { u"2026-12-01:5:1"_s };
    QTest::newRow("an end without a press in the range: not listed")
            << QStringList { u"2026-11-30T23:59:00.000 7 press played"_s, u"2026-12-01T00:00:30.000 7 end completed 90000"_s }
            << day << day << QStringList() << QStringList();
    const QStringList midnight { u"2026-11-30T23:59:59.999 1 press played"_s, u"2026-12-01T00:00:00.000 2 press played"_s,
                                 u"2026-12-01T23:59:59.999 3 press played"_s, u"2026-12-02T00:00:00.000 4 press played"_s };
    QTest::newRow("local midnight, one day") << midnight << day << day << QStringList { u"2:1/1/0/null"_s, u"3:1/1/0/null"_s }
                                             << QStringList { u"2026-12-01:2:1"_s, u"2026-12-01:3:1"_s };
    QTest::newRow("local midnight, the day before") << midnight << u"2026-11-30"_s << u"2026-11-30"_s
                                                    << QStringList { u"1:1/1/0/null"_s } << QStringList { u"2026-11-30:1:1"_s };
    QTest::newRow("local midnight, three days")
            << midnight << u"2026-11-30"_s << u"2026-12-02"_s
            << QStringList { u"1:1/1/0/null"_s, u"2:1/1/0/null"_s, u"3:1/1/0/null"_s, u"4:1/1/0/null"_s }
            << QStringList { u"2026-11-30:1:1"_s, u"2026-12-01:2:1"_s, u"2026-12-01:3:1"_s, u"2026-12-02:4:1"_s };
    // 2026-03-29 has 23 hours in Berlin, 2026-10-25 has 25.
    QTest::newRow("days with a clock change")
            << QStringList { u"2026-03-29T00:30:00.000 1 press played"_s, u"2026-03-29T23:30:00.000 1 press played"_s,
                             u"2026-03-30T00:00:00.000 1 press played"_s, u"2026-10-25T00:30:00.000 2 press played"_s,
                             u"2026-10-25T23:59:00.000 2 press played"_s }
            << u"2026-03-29"_s << u"2026-10-25"_s << QStringList { u"1:3/3/0/null"_s, u"2:2/2/0/null"_s }
            << QStringList { u"2026-03-29:1:2"_s, u"2026-03-30:1:1"_s, u"2026-10-25:2:2"_s };
    QTest::newRow("days by date, then ID")
            << QStringList { u"2026-12-02T10:00:00.000 9 press played"_s, u"2026-12-01T10:00:00.000 9 press played"_s,
                             u"2026-12-01T11:00:00.000 2 press ignored"_s, u"2026-12-01T12:00:00.000 9 press played"_s }
            << day << u"2026-12-02"_s << QStringList { u"2:1/0/0/null"_s, u"9:3/3/0/null"_s }
            << QStringList { u"2026-12-01:2:1"_s, u"2026-12-01:9:2"_s, u"2026-12-02:9:1"_s };
}

void tst_PlayRecords::summary()
{
    QFETCH(QStringList, records);
    QFETCH(QString, from);
    QFETCH(QString, to);
    QFETCH(QStringList, ids);
    QFETCH(QStringList, days);

    write(records);
    StatsStore store(dbPath());
    StatsStore::Summary summary;
    QVERIFY2(store.summary(QDate::fromString(from, Qt::ISODate), QDate::fromString(to, Qt::ISODate), &summary),
             qPrintable(store.errorString()));
    QStringList gotIds;
    for (const StatsStore::IdStats &s : std::as_const(summary.ids)) {
        gotIds.append(u"%1:%2/%3/%4/%5"_s.arg(s.id).arg(s.presses).arg(s.played).arg(s.completed).arg(
                s.medianListeningMs ? QString::number(*s.medianListeningMs) : u"null"_s));
    }
    QStringList gotDays;
    for (const StatsStore::DayCount &d : std::as_const(summary.days))
        gotDays.append(u"%1:%2:%3"_s.arg(d.date.toString(Qt::ISODate)).arg(d.id).arg(d.presses));
    QCOMPARE(gotIds, ids);
    QCOMPARE(gotDays, days);
}

tst_PlayRecords::Reply tst_PlayRecords::get(StatsStore *store, const QByteArray &target, const QByteArray &method)
{
    StatsApi api(store, &m_clock);
    HttpServer server(HttpLimits(), u"/ws"_s, [&api](const HttpRequest &request, HttpResponder &responder) {
        api.respond(request, responder, request.url.path().endsWith(u".csv"_s));
    });
    if (!server.listen(QHostAddress::LocalHost, 0))
        return {};
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(u"http://127.0.0.1:%1"_s.arg(server.serverPort()) + QString::fromLatin1(target)));
    std::unique_ptr<QNetworkReply> reply(method == "HEAD" ? network.head(request)
                                                          : network.sendCustomRequest(request, method));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    if (!finished.wait(5000))
        return {};
    return { reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
             reply->header(QNetworkRequest::ContentTypeHeader).toByteArray(), reply->readAll() };
}

// The query: default range, bad dates, methods; the JSON's shape.
void tst_PlayRecords::api_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("from"); // of the answer; or a word of the error
    QTest::addColumn<QString>("to");

    const QByteArray get = "GET";
    QTest::newRow("default: the last 7 days up to today") << get << QByteArray("/api/stats") << 200 << "2026-11-26" << "2026-12-02";
    QTest::newRow("from only: up to today") << get << QByteArray("/api/stats?from=2026-11-01") << 200 << "2026-11-01" << "2026-12-02";
    QTest::newRow("to only: 7 days") << get << QByteArray("/api/stats?to=2026-03-31") << 200 << "2026-03-25" << "2026-03-31";
    QTest::newRow("one day") << get << QByteArray("/api/stats?from=2026-12-01&to=2026-12-01") << 200 << "2026-12-01" << "2026-12-01";
    QTest::newRow("HEAD") << QByteArray("HEAD") << QByteArray("/api/stats") << 200 << "" << "";
    QTest::newRow("from after to") << get << QByteArray("/api/stats?from=2026-12-02&to=2026-12-01") << 400 << "after" << "";
    QTest::newRow("no such day") << get << QByteArray("/api/stats?from=2026-02-30") << 400 << "from" << "";
    QTest::newRow("short month") << get << QByteArray("/api/stats?from=2026-2-03") << 400 << "from" << "";
    QTest::newRow("empty to") << get << QByteArray("/api/stats?to=") << 400 << "to" << "";
    QTest::newRow("time in the date") << get << QByteArray("/api/stats?to=2026-12-01T10:00") << 400 << "to" << "";
    QTest::newRow("bad date in the CSV") << get << QByteArray("/api/stats.csv?from=yesterday") << 400 << "from" << "";
    QTest::newRow("POST") << QByteArray("POST") << QByteArray("/api/stats") << 405 << "GET" << "";
}

void tst_PlayRecords::api()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QString, from);
    QFETCH(QString, to);

    write({ u"2026-12-01T10:00:00.000 3 press played"_s });
    m_clock.setWallMs(at(u"2026-12-02T23:59:59.000"_s));
    StatsStore store(dbPath());
    const Reply reply = get(&store, target, method);
    QCOMPARE(reply.status, status);
    if (method == "HEAD") {
        QCOMPARE(reply.body, QByteArray());
        return;
    }
    QCOMPARE(reply.contentType, QByteArray("application/json"));
    const QJsonObject body = QJsonDocument::fromJson(reply.body).object();
    if (status != 200) {
        QVERIFY2(body.value(u"error"_s).toString().contains(from), reply.body.constData());
        return;
    }
    QCOMPARE(body.value(u"from"_s).toString(), from);
    QCOMPARE(body.value(u"to"_s).toString(), to);
    const bool holdsDay = from <= u"2026-12-01"_s && to >= u"2026-12-01"_s;
    const QJsonArray ids = body.value(u"ids"_s).toArray();
    QCOMPARE(ids.size(), holdsDay ? 1 : 0);
    if (holdsDay) {
        const QJsonObject id = ids.first().toObject();
        QCOMPARE(id.value(u"id"_s).toInt(), 3);
        QCOMPARE(id.value(u"presses"_s).toInt(), 1);
        QCOMPARE(id.value(u"played"_s).toInt(), 1);
        QCOMPARE(id.value(u"completed"_s).toInt(), 0);
        QVERIFY(id.value(u"median_listening_ms"_s).isNull());
        QCOMPARE(body.value(u"days"_s).toArray(),
                 QJsonArray({ QJsonObject { { u"date"_s, u"2026-12-01"_s }, { u"id"_s, 3 }, { u"presses"_s, 1 } } }));
    }
}

// The CSV: header, one line per record oldest first, each time with the
// offset in effect then.
void tst_PlayRecords::csv()
{
    write({ u"2026-03-29T01:59:59.000 1 press played"_s, u"2026-03-29T03:00:00.000 1 end completed 3601000"_s,
            u"2026-03-31T10:00:00.000 2 press rejected"_s, u"2026-04-01T00:00:00.000 3 press played"_s });
    StatsStore store(dbPath());
    const Reply reply = get(&store, "/api/stats.csv?from=2026-03-29&to=2026-03-31");
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.contentType, QByteArray("text/csv; charset=utf-8"));
    QCOMPARE(reply.body, QByteArray("time,id,event,detail,listened_ms\r\n"
                                    "2026-03-29T01:59:59+01:00,1,press,played,\r\n"
                                    "2026-03-29T03:00:00+02:00,1,end,completed,3601000\r\n"
                                    "2026-03-31T10:00:00+02:00,2,press,rejected,\r\n"));
    const Reply empty = get(&store, "/api/stats.csv?from=2025-01-01&to=2025-01-01");
    QCOMPARE(empty.status, 200);
    QCOMPARE(empty.body, QByteArray("time,id,event,detail,listened_ms\r\n"));
}

// stats_db = none: both routes say so, and the recorder does nothing.
void tst_PlayRecords::recordsOff()
{
    StatsStore store{ QString() };
    for (const QByteArray &target : { QByteArray("/api/stats"), QByteArray("/api/stats.csv") }) {
        const Reply reply = get(&store, target);
        QCOMPARE(reply.status, 404);
        QVERIFY2(QJsonDocument::fromJson(reply.body).object().value(u"error"_s).toString().contains(u"off"_s),
                 reply.body.constData());
    }
    PlayRecorder recorder(QString(), &m_clock);
    QVERIFY(!recorder.isEnabled());
    recorder.recordPress(1, PanelController::Outcome::Played);
    QCOMPARE(recorder.written(), quint64(0));
    QCOMPARE(QDir(m_dir->path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries), QStringList());
}

QTEST_GUILESS_MAIN(tst_PlayRecords)
#include "tst_playrecords.moc"
