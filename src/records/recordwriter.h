#ifndef RECORDWRITER_H
#define RECORDWRITER_H

#include "records/playrecord.h"

#include <QDeadlineTimer>
#include <QList>
#include <QObject>
#include <QString>

class QSqlDatabase;
class QSqlError;

// Owns the one writing connection to the records file and lives in its own
// thread (docs/architecture.md, "src/records/"). Records queue up while a
// transaction commits and go into the next one together (group commit);
// once committed they count as written, and with WAL and synchronous=FULL
// they survive kill -9 and power loss. When the file cannot be written the
// records are dropped and counted, one log line says why, and the file is
// tried again at a later batch.
class RecordWriter : public QObject
{
    Q_OBJECT

public:
    // The layout this release writes, in PRAGMA user_version.
    static constexpr int schemaVersion = 1;

    explicit RecordWriter(const QString &path, int retryMs = 5000, QObject *parent = nullptr);
    ~RecordWriter() override;

    // Opens `db` (added, not yet open) at `path`, sets WAL and synchronous=FULL
    // and brings its layout to schemaVersion; an error text, empty on success.
    // A file of a newer layout is left as it is.
    static QString openAndMigrate(QSqlDatabase &db, const QString &path);
    // Reads the layout of the open file `db` into `version`; an error text,
    // empty on success. This is where a file that is no database fails.
    static QString readLayoutVersion(QSqlDatabase &db, int *version);
    // SQLite's own words for an error, else Qt's.
    static QString errorText(const QSqlError &error);

    quint64 written() const { return m_written; }
    quint64 failed() const { return m_failed; }
    QString errorString() const { return m_error; }

public Q_SLOTS:
    // Opens the file now, so that a problem shows in the log at start.
    void open();
    // Queues one record; a commit follows as soon as the thread is free.
    void append(const PlayRecord &record);
    // Commits whatever is queued, in one transaction.
    void flush();
    // Commits the last batch and closes the file.
    void close();

Q_SIGNALS:
    // After each batch: the totals so far and the current error (empty: none).
    void progressed(quint64 written, quint64 failed, const QString &error);

private:
    // Both give an error text, empty on success.
    QString ensureOpen();
    QString commit(const QList<PlayRecord> &batch);
    void fail(const QString &error, qsizetype dropped);
    void closeConnection();

    QString m_path;
    QString m_connection;
    int m_retryMs;
    QList<PlayRecord> m_pending;
    bool m_flushQueued = false;
    bool m_open = false;
    QDeadlineTimer m_retryAt; // while an outage lasts: not before then
    QString m_error;
    quint64 m_written = 0;
    quint64 m_failed = 0;
    quint64 m_droppedInOutage = 0;
};

#endif // RECORDWRITER_H
