#include "records/recordwriter.h"

#include "system/logging.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <utility>

namespace {

// Each step brings a file from layout i to i + 1, inside one transaction; a
// later release appends its step and raises RecordWriter::schemaVersion.
const QList<QStringList> &migrations()
{
    static const QList<QStringList> steps = {
        // 0 → 1: one row per press or end, found by time.
        { QStringLiteral("CREATE TABLE records (time_ms INTEGER NOT NULL, id INTEGER NOT NULL,"
                         " event TEXT NOT NULL, detail TEXT NOT NULL, listened_ms INTEGER)"),
          QStringLiteral("CREATE INDEX records_by_time ON records (time_ms)") },
    };
    return steps;
}

} // namespace

QString RecordWriter::errorText(const QSqlError &error)
{
    const QString text = error.databaseText().isEmpty() ? error.text() : error.databaseText();
    return text.isEmpty() ? QStringLiteral("unknown error") : text;
}

QString RecordWriter::readLayoutVersion(QSqlDatabase &db, int *version)
{
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("PRAGMA user_version")) || !query.next())
        return errorText(query.lastError());
    *version = query.value(0).toInt();
    return {};
}

RecordWriter::RecordWriter(const QString &path, int retryMs, QObject *parent)
    : QObject(parent),
      m_path(path),
      m_connection(QStringLiteral("records-writer-%1").arg(quintptr(this), 0, 16)),
      m_retryMs(retryMs)
{
    static_assert(schemaVersion == 1, "add a step to migrations() for each new layout");
}

RecordWriter::~RecordWriter()
{
    closeConnection();
}

QString RecordWriter::openAndMigrate(QSqlDatabase &db, const QString &path)
{
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return QStringLiteral("cannot create the folder %1").arg(folder);
    db.setDatabaseName(path);
    // Readers of the same file never block the writer in WAL mode; this only
    // covers another writer, such as a technician's sqlite3 in the file.
    db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=2000"));
    if (!db.open())
        return errorText(db.lastError());
    int version = 0;
    if (const QString error = readLayoutVersion(db, &version); !error.isEmpty())
        return error;
    QSqlQuery query(db);
    if (version > schemaVersion) {
        return QStringLiteral("the file has record layout %1, newer than this release's %2; it is left as it is")
                .arg(version)
                .arg(schemaVersion);
    }
    if (!query.exec(QStringLiteral("PRAGMA journal_mode=WAL")) || !query.next())
        return errorText(query.lastError());
    if (query.value(0).toString() != QLatin1String("wal"))
        return QStringLiteral("cannot switch to WAL mode (journal mode %1)").arg(query.value(0).toString());
    // FULL: a commit is on the disk, WAL file synced, before it counts as written.
    if (!query.exec(QStringLiteral("PRAGMA synchronous=FULL")))
        return errorText(query.lastError());
    if (version == schemaVersion)
        return {};

    if (!db.transaction())
        return errorText(db.lastError());
    for (int step = version; step < schemaVersion; ++step) {
        for (const QString &statement : migrations().at(step)) {
            if (!query.exec(statement)) {
                const QString error = errorText(query.lastError());
                query.finish();
                db.rollback();
                return QStringLiteral("cannot bring the file from record layout %1 to %2: %3")
                        .arg(step)
                        .arg(step + 1)
                        .arg(error);
            }
        }
    }
    if (!query.exec(QStringLiteral("PRAGMA user_version = %1").arg(schemaVersion)) || !db.commit()) {
        const QString error = errorText(query.lastError().isValid() ? query.lastError() : db.lastError());
        query.finish();
        db.rollback();
        return error;
    }
    if (version > 0)
        qCInfo(lcRecords).noquote() << QStringLiteral("%1: record layout %2 brought to %3").arg(path).arg(version).arg(schemaVersion);
    return {};
}

void RecordWriter::open()
{
    const QString error = ensureOpen();
    if (error.isEmpty())
        qCInfo(lcRecords).noquote() << "recording presses in" << m_path;
    else
        fail(error, 0);
    Q_EMIT progressed(m_written, m_failed, m_error);
}

void RecordWriter::append(const PlayRecord &record)
{
    m_pending.append(record);
    if (m_flushQueued)
        return;
    // Behind the records already queued to this thread: they join this batch.
    m_flushQueued = true;
    QMetaObject::invokeMethod(this, &RecordWriter::flush, Qt::QueuedConnection);
}

void RecordWriter::flush()
{
    m_flushQueued = false;
    if (m_pending.isEmpty())
        return;
    const QList<PlayRecord> batch = std::exchange(m_pending, {});
    QString error = ensureOpen();
    if (error.isEmpty())
        error = commit(batch);
    if (!error.isEmpty()) {
        fail(error, batch.size());
    } else {
        m_written += quint64(batch.size());
        if (!m_error.isEmpty()) {
            qCInfo(lcRecords).noquote() << QStringLiteral("writing records to %1 again; %2 were dropped meanwhile")
                                                   .arg(m_path)
                                                   .arg(m_droppedInOutage);
            m_error.clear();
            m_droppedInOutage = 0;
        }
    }
    Q_EMIT progressed(m_written, m_failed, m_error);
}

void RecordWriter::close()
{
    flush();
    closeConnection();
}

QString RecordWriter::ensureOpen()
{
    if (m_open)
        return {};
    // In an outage the file is tried again only now and then, not per record.
    if (!m_error.isEmpty() && !m_retryAt.hasExpired())
        return m_error;
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
        error = db.isValid() ? openAndMigrate(db, m_path)
                             : QStringLiteral("Qt's SQLite driver is not installed (libqt6sql6-sqlite)");
    }
    if (!error.isEmpty()) {
        closeConnection();
        m_retryAt.setRemainingTime(m_retryMs);
        return error;
    }
    m_open = true;
    return {};
}

QString RecordWriter::commit(const QList<PlayRecord> &batch)
{
    QString error;
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (!db.transaction())
            return errorText(db.lastError());
        QSqlQuery insert(db);
        if (!insert.prepare(QStringLiteral("INSERT INTO records (time_ms, id, event, detail, listened_ms)"
                                           " VALUES (?, ?, ?, ?, ?)")))
            error = errorText(insert.lastError());
        for (const PlayRecord &record : batch) {
            if (!error.isEmpty())
                break;
            insert.addBindValue(record.timeMs);
            insert.addBindValue(record.id);
            insert.addBindValue(record.event);
            insert.addBindValue(record.detail);
            insert.addBindValue(record.listenedMs ? QVariant(*record.listenedMs)
                                                  : QVariant(QMetaType::fromType<qint64>()));
            if (!insert.exec())
                error = errorText(insert.lastError());
        }
        insert.finish();
        if (error.isEmpty() && !db.commit())
            error = errorText(db.lastError());
        if (!error.isEmpty())
            db.rollback();
    }
    if (!error.isEmpty()) {
        // Opened afresh at the next try: the file may have been replaced or repaired.
        closeConnection();
        m_retryAt.setRemainingTime(m_retryMs);
    }
    return error;
}

void RecordWriter::fail(const QString &error, qsizetype dropped)
{
    m_failed += quint64(dropped);
    m_droppedInOutage += quint64(dropped);
    const bool newOutage = m_error.isEmpty();
    m_error = error; // the latest cause, for /status
    if (!newOutage)
        return; // logged once per outage, whatever its causes along the way
    qCWarning(lcRecords).noquote() << QStringLiteral("cannot write records to %1: %2; presses still play, their records "
                                                     "are dropped and counted, and the file is tried again every %3 s")
                                              .arg(m_path, error)
                                              .arg(m_retryMs / 1000.0);
}

void RecordWriter::closeConnection()
{
    m_open = false;
    if (!QSqlDatabase::contains(m_connection))
        return;
    QSqlDatabase::database(m_connection, false).close();
    QSqlDatabase::removeDatabase(m_connection);
}
