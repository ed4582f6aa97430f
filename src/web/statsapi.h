#ifndef STATSAPI_H
#define STATSAPI_H

#include <QByteArray>
#include <QDate>
#include <QString>

#include <limits>

class Clock;
class HttpResponder;
class StatsStore;
struct HttpRequest;

// GET /api/stats and /api/stats.csv (docs/http.md, "/api/stats"): the date
// range from the query, the numbers from a StatsStore, as JSON or CSV.
// Answers at once: the queries are indexed by time.
class StatsApi
{
public:
    // `clock` says what today is, for the default range.
    StatsApi(StatsStore *store, const Clock *clock);

    void respond(const HttpRequest &request, HttpResponder &responder, bool csv);

    // One record as a CSV line, without its line end.
    static QByteArray csvLine(qint64 timeMs, int id, const QString &event, const QString &detail,
                              const qint64 *listenedMs);

private:
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
};

#endif // STATSAPI_H
