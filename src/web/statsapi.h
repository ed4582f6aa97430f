#ifndef STATSAPI_H
#define STATSAPI_H

#include "web/httpresponder.h"

#include <QByteArray>
#include <QDate>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <limits>
#include <map>
#include <memory>

class Clock;
class QTemporaryFile;
class StatsStore;
struct HttpRequest;

// GET /api/stats and /api/stats.csv (docs/http.md, "/api/stats"): the date
// range from the query, the numbers from a StatsStore, as JSON or CSV.
// A year of records takes seconds to read, so the store is read on a
// thread of its own and the answer follows when it is done; the CSV goes
// through a temporary file, not memory.
class StatsApi : public QObject
{
    Q_OBJECT

public:
    // `clock` says what today is, for the default range. `store` is used
    // only from the reading thread, one query at a time.
    StatsApi(StatsStore *store, const Clock *clock, QObject *parent = nullptr);
    ~StatsApi() override;

    void respond(const HttpRequest &request, HttpResponder &responder, bool csv);

    // One record as a CSV line, without its line end.
    static QByteArray csvLine(qint64 timeMs, int id, const QString &event, const QString &detail,
                              const qint64 *listenedMs);

private:
    // What a query read, handed back to the thread that answers.
    struct Answer
    {
        int status = 200;
        QJsonObject json;                    // the summary, or {"error": …}
        std::unique_ptr<QTemporaryFile> csv; // the CSV's body, read from the start
        QByteArray csvName;
    };
    static constexpr size_t MaxPendingQueries = 4;

    // On the reading thread.
    Answer readSummary(QDate from, QDate to);
    Answer readCsv(QDate from, QDate to, QThread *answering);
    // Back on this object's thread.
    void deliver(quint64 ticket, Answer answer);

    // The local time's offset from UTC, looked up once per quarter hour.
    class LocalOffsets
    {
    public:
        int at(qint64 timeMs);

    private:
        qint64 m_quarter = std::numeric_limits<qint64>::min();
        int m_offsetS = 0;
    };
    static QByteArray csvLine(LocalOffsets &offsets, qint64 timeMs, int id, const QString &event,
                              const QString &detail, const qint64 *listenedMs);

    StatsStore *m_store;
    const Clock *m_clock;
    std::map<quint64, HttpResponder> m_pending;
    quint64 m_lastTicket = 0;
    QThreadPool m_reads; // last: destroyed first, once no query runs
};

#endif // STATSAPI_H
