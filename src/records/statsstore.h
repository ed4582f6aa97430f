#ifndef STATSSTORE_H
#define STATSSTORE_H

#include <QDate>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

// Reads the play records for /api/stats (docs/http.md, "/api/stats") through
// a read-only connection of its own, opened for each query and closed after
// it, so that whichever thread asks owns it meanwhile (one at a time); in
// WAL mode it reads while the writer writes. Days are the gateway's local
// days, from midnight to midnight.
class StatsStore
{
public:
    struct IdStats
    {
        int id = 0;
        qint64 presses = 0;   // every press, whatever became of it
        qint64 played = 0;    // presses that started a playback
        qint64 completed = 0; // playbacks a browser reported ended
        std::optional<qint64> medianListeningMs; // over every ended playback
    };
    struct DayCount
    {
        QDate date;
        int id = 0;
        qint64 presses = 0;
    };
    struct Summary
    {
        QList<IdStats> ids;  // by ID
        QList<DayCount> days; // by date, then ID
    };
    struct Row
    {
        qint64 timeMs = 0;
        int id = 0;
        QString event;
        QString detail;
        std::optional<qint64> listenedMs;
    };

    // An empty path: recording is off, and every query fails saying so.
    explicit StatsStore(const QString &path);
    ~StatsStore();
    Q_DISABLE_COPY_MOVE(StatsStore)

    bool isEnabled() const { return !m_path.isEmpty(); }

    // The days from `from` to `to`, both included. False on an error (errorString()).
    bool summary(QDate from, QDate to, Summary *summary);
    // Every record of those days, oldest first, one call of `row` each.
    bool rows(QDate from, QDate to, const std::function<void(const Row &)> &row);
    QString errorString() const { return m_error; }

    // The median of sorted values: the middle one, or for an even count the
    // mean of the middle two rounded down; nullopt for none.
    static std::optional<qint64> median(const QList<qint64> &sorted);

private:
    bool ensureOpen();
    QString openReadOnly();
    // Both give an error text, empty on success.
    QString readSummary(QDate from, QDate to, Summary *summary);
    QString readRows(QDate from, QDate to, const std::function<void(const Row &)> &row);
    bool fail(const QString &error);
    void closeConnection();

    QString m_path;
    QString m_connection;
    bool m_open = false;
    QString m_error;
};

#endif // STATSSTORE_H
