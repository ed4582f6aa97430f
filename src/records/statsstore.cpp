#include "records/statsstore.h"

#include "records/recordwriter.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

namespace {

// Local midnight at the start of `date`, in ms since 1970 UTC.
qint64 startMs(QDate date)
{
    return date.startOfDay().toMSecsSinceEpoch();
}

} // namespace

StatsStore::StatsStore(const QString &path)
    : m_path(path), m_connection(QStringLiteral("records-reader-%1").arg(quintptr(this), 0, 16))
{
}

StatsStore::~StatsStore()
{
    closeConnection();
}

std::optional<qint64> StatsStore::median(const QList<qint64> &sorted)
{
    const qsizetype n = sorted.size();
    if (n == 0)
        return std::nullopt;
    if (n % 2 == 1)
        return sorted.at(n / 2);
    const qint64 low = sorted.at(n / 2 - 1);
    const qint64 high = sorted.at(n / 2);
    return low + (high - low) / 2; // no overflow, rounds down for these non-negative times
}

bool StatsStore::summary(QDate from, QDate to, Summary *summary)
{
    *summary = {};
    if (!ensureOpen())
        return false;
    const QString error = readSummary(from, to, summary);
    closeConnection();
    return error.isEmpty() || fail(error);
}

bool StatsStore::rows(QDate from, QDate to, const std::function<void(const Row &)> &row)
{
    if (!ensureOpen())
        return false;
    const QString error = readRows(from, to, row);
    closeConnection();
    return error.isEmpty() || fail(error);
}

QString StatsStore::readSummary(QDate from, QDate to, Summary *summary)
{
    const qint64 fromMs = startMs(from);
    const qint64 toMs = startMs(to.addDays(1));
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    // One read transaction: the three queries see the same records.
    db.transaction();
    QSqlQuery query(db);
    query.setForwardOnly(true);

    query.prepare(QStringLiteral("SELECT id, SUM(event = 'press'), SUM(event = 'press' AND detail = 'played'),"
                                 " SUM(event = 'end' AND detail = 'completed')"
                                 " FROM records WHERE time_ms >= ? AND time_ms < ? GROUP BY id ORDER BY id"));
    query.addBindValue(fromMs);
    query.addBindValue(toMs);
    if (!query.exec())
        return RecordWriter::errorText(query.lastError());
    QList<IdStats> all;
    while (query.next()) {
        all.append({ query.value(0).toInt(), query.value(1).toLongLong(), query.value(2).toLongLong(),
                     query.value(3).toLongLong(), std::nullopt });
    }

    query.prepare(QStringLiteral("SELECT id, listened_ms FROM records WHERE time_ms >= ? AND time_ms < ?"
                                 " AND event = 'end' AND listened_ms IS NOT NULL ORDER BY id, listened_ms"));
    query.addBindValue(fromMs);
    query.addBindValue(toMs);
    if (!query.exec())
        return RecordWriter::errorText(query.lastError());
    QHash<int, QList<qint64>> listened;
    while (query.next())
        listened[query.value(0).toInt()].append(query.value(1).toLongLong());
    for (IdStats &stats : all) {
        stats.medianListeningMs = median(listened.value(stats.id));
        // Only buttons pressed in the range; an end just after midnight of a
        // press before it counts in its own day.
        if (stats.presses > 0)
            summary->ids.append(stats);
    }

    // Presses per local day: one indexed query per day that has any, with
    // day bounds from Qt, so that days with a DST change are 23 or 25 hours.
    query.prepare(QStringLiteral("SELECT MIN(time_ms), MAX(time_ms) FROM records"
                                 " WHERE time_ms >= ? AND time_ms < ? AND event = 'press'"));
    query.addBindValue(fromMs);
    query.addBindValue(toMs);
    if (!query.exec() || !query.next())
        return RecordWriter::errorText(query.lastError());
    if (query.isNull(0)) {
        db.commit();
        return {};
    }
    const QDate first = QDateTime::fromMSecsSinceEpoch(query.value(0).toLongLong()).date();
    const QDate last = QDateTime::fromMSecsSinceEpoch(query.value(1).toLongLong()).date();
    query.finish();
    query.prepare(QStringLiteral("SELECT id, COUNT(*) FROM records WHERE time_ms >= ? AND time_ms < ?"
                                 " AND event = 'press' GROUP BY id ORDER BY id"));
    for (QDate day = first; day <= last; day = day.addDays(1)) {
        query.addBindValue(startMs(day));
        query.addBindValue(startMs(day.addDays(1)));
        if (!query.exec())
            return RecordWriter::errorText(query.lastError());
        while (query.next())
            summary->days.append({ day, query.value(0).toInt(), query.value(1).toLongLong() });
    }
    query.finish();
    db.commit();
    return {};
}

QString StatsStore::readRows(QDate from, QDate to, const std::function<void(const Row &)> &row)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.setForwardOnly(true);
    query.prepare(QStringLiteral("SELECT time_ms, id, event, detail, listened_ms FROM records"
                                 " WHERE time_ms >= ? AND time_ms < ? ORDER BY time_ms, rowid"));
    query.addBindValue(startMs(from));
    query.addBindValue(startMs(to.addDays(1)));
    if (!query.exec())
        return RecordWriter::errorText(query.lastError());
    while (query.next()) {
        row({ query.value(0).toLongLong(), query.value(1).toInt(), query.value(2).toString(),
              query.value(3).toString(),
              query.isNull(4) ? std::nullopt : std::optional<qint64>(query.value(4).toLongLong()) });
    }
    return {};
}

bool StatsStore::ensureOpen()
{
    if (m_open)
        return true;
    if (m_path.isEmpty())
        return fail(QStringLiteral("records are off (stats_db = none)"));
    if (!QFileInfo::exists(m_path))
        return fail(QStringLiteral("no records file at %1").arg(m_path));
    const QString error = openReadOnly();
    if (!error.isEmpty())
        return fail(error);
    m_open = true;
    m_error.clear();
    return true;
}

QString StatsStore::openReadOnly()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    if (!db.isValid())
        return QStringLiteral("Qt's SQLite driver is not installed (libqt6sql6-sqlite)");
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=2000"));
    if (!db.open())
        return RecordWriter::errorText(db.lastError());
    int version = 0;
    if (const QString error = RecordWriter::readLayoutVersion(db, &version); !error.isEmpty())
        return error;
    if (version != RecordWriter::schemaVersion)
        return QStringLiteral("the file has record layout %1, this release reads %2").arg(version).arg(RecordWriter::schemaVersion);
    return {};
}

bool StatsStore::fail(const QString &error)
{
    m_error = error;
    // Opened afresh at the next query.
    closeConnection();
    return false;
}

void StatsStore::closeConnection()
{
    m_open = false;
    if (!QSqlDatabase::contains(m_connection))
        return;
    QSqlDatabase::database(m_connection, false).close();
    QSqlDatabase::removeDatabase(m_connection);
}
