#include "web/statsapi.h"

#include "core/clock.h"
#include "records/statsstore.h"
#include "web/httprequest.h"
#include "web/httpresponder.h"

#include "system/logging.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryFile>
#include <QThread>
#include <QUrlQuery>

#include <cstdio>

namespace {

// YYYY-MM-DD and nothing else; an invalid QDate when it is not a real date.
QDate parseDate(const QString &text)
{
    static const QRegularExpression shape(QStringLiteral("^\\d{4}-\\d{2}-\\d{2}$"));
    if (!shape.match(text).hasMatch())
        return {};
    return QDate::fromString(text, QStringLiteral("yyyy-MM-dd"));
}

QString dateText(QDate date)
{
    return date.toString(Qt::ISODate);
}

} // namespace

StatsApi::StatsApi(StatsStore *store, const Clock *clock, QObject *parent)
    : QObject(parent), m_store(store), m_clock(clock)
{
    // One query at a time; the others wait their turn.
    m_reads.setMaxThreadCount(1);
}

StatsApi::~StatsApi()
{
    // Queries not begun are dropped; one under way is waited for.
    m_reads.clear();
    m_reads.waitForDone();
}

QByteArray StatsApi::csvLine(qint64 timeMs, int id, const QString &event, const QString &detail,
                             const qint64 *listenedMs)
{
    LocalOffsets offsets;
    return csvLine(offsets, timeMs, id, event, detail, listenedMs);
}

QByteArray StatsApi::csvLine(LocalOffsets &offsets, qint64 timeMs, int id, const QString &event,
                             const QString &detail, const qint64 *listenedMs)
{
    // ISO 8601 with the offset in effect then, e.g. 2026-03-29T03:00:00+02:00,
    // and +00:00 rather than Z, so that every line has the same shape.
    const int offsetS = offsets.at(timeMs);
    const qint64 localMs = timeMs + offsetS * 1000;
    const qint64 localS = localMs >= 0 ? localMs / 1000 : (localMs - 999) / 1000; // rounded down
    const qint64 days = localS >= 0 ? localS / 86400 : (localS - 86399) / 86400;
    const int secondOfDay = int(localS - days * 86400);
    const QDate date = QDate(1970, 1, 1).addDays(days);
    const int offsetMinutes = qAbs(offsetS) / 60;
    char text[40];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d,", date.year(), date.month(), date.day(),
                  secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60, offsetS < 0 ? '-' : '+',
                  offsetMinutes / 60, offsetMinutes % 60);
    QByteArray line(text);
    line += QByteArray::number(id) + ',' + event.toLatin1() + ',' + detail.toLatin1() + ',';
    if (listenedMs)
        line += QByteArray::number(*listenedMs);
    return line;
}

int StatsApi::LocalOffsets::at(qint64 timeMs)
{
    // Clocks change on a quarter hour in every zone there is: one look-up per
    // quarter hour keeps a year of records cheap to write out.
    const qint64 quarter = timeMs >= 0 ? timeMs / 900000 : (timeMs - 899999) / 900000;
    if (quarter != m_quarter) {
        m_quarter = quarter;
        m_offsetS = QDateTime::fromMSecsSinceEpoch(quarter * 900000).offsetFromUtc();
    }
    return m_offsetS;
}

void StatsApi::respond(const HttpRequest &request, HttpResponder &responder, bool csv)
{
    if (!request.isGet() && !request.isHead())
        return responder.writeJsonError(405, QStringLiteral("use GET"), { { "Allow", "GET, HEAD" } });
    if (!m_store->isEnabled())
        return responder.writeJsonError(404, QStringLiteral("records are off (stats_db = none)"));

    // Both ends included; by default the last 7 days up to today, local time.
    const QUrlQuery query(request.url);
    const QDate today = QDateTime::fromMSecsSinceEpoch(m_clock->wallMs()).date();
    QDate to = today;
    if (query.hasQueryItem(QStringLiteral("to")))
        to = parseDate(query.queryItemValue(QStringLiteral("to"), QUrl::FullyDecoded));
    if (!to.isValid())
        return responder.writeJsonError(400, QStringLiteral("to: expected a date YYYY-MM-DD"));
    QDate from = to.addDays(-6);
    if (query.hasQueryItem(QStringLiteral("from")))
        from = parseDate(query.queryItemValue(QStringLiteral("from"), QUrl::FullyDecoded));
    if (!from.isValid())
        return responder.writeJsonError(400, QStringLiteral("from: expected a date YYYY-MM-DD"));
    if (from > to)
        return responder.writeJsonError(400, QStringLiteral("from is after to"));

    if (m_pending.size() >= MaxPendingQueries) {
        return responder.writeJson(503, { { QStringLiteral("error"), QStringLiteral("busy with other queries: try again") } },
                                   { { "Retry-After", "5" } });
    }
    const quint64 ticket = ++m_lastTicket;
    m_pending.emplace(ticket, responder.defer());
    QThread *answering = thread();
    m_reads.start([this, ticket, from, to, csv, answering] {
        auto answer = std::make_shared<Answer>(csv ? readCsv(from, to, answering) : readSummary(from, to));
        QMetaObject::invokeMethod(this, [this, ticket, answer] { deliver(ticket, std::move(*answer)); },
                                  Qt::QueuedConnection);
    });
}

StatsApi::Answer StatsApi::readSummary(QDate from, QDate to)
{
    Answer answer;
    StatsStore::Summary summary;
    if (!m_store->summary(from, to, &summary)) {
        answer.status = 503;
        answer.json = { { QStringLiteral("error"), m_store->errorString() } };
        return answer;
    }
    QJsonArray ids;
    for (const StatsStore::IdStats &stats : std::as_const(summary.ids)) {
        ids.append(QJsonObject {
                { QStringLiteral("id"), stats.id },
                { QStringLiteral("presses"), stats.presses },
                { QStringLiteral("played"), stats.played },
                { QStringLiteral("completed"), stats.completed },
                { QStringLiteral("median_listening_ms"),
                  stats.medianListeningMs ? QJsonValue(*stats.medianListeningMs) : QJsonValue() },
        });
    }
    QJsonArray days;
    for (const StatsStore::DayCount &day : std::as_const(summary.days)) {
        days.append(QJsonObject { { QStringLiteral("date"), dateText(day.date) },
                                  { QStringLiteral("id"), day.id },
                                  { QStringLiteral("presses"), day.presses } });
    }
    answer.json = { { QStringLiteral("from"), dateText(from) }, { QStringLiteral("to"), dateText(to) },
                    { QStringLiteral("ids"), ids }, { QStringLiteral("days"), days } };
    return answer;
}

StatsApi::Answer StatsApi::readCsv(QDate from, QDate to, QThread *answering)
{
    Answer answer;
    auto file = std::make_unique<QTemporaryFile>();
    if (!file->open()) {
        qCWarning(lcRecords).noquote() << "cannot write the CSV to a temporary file:" << file->errorString();
        answer.status = 503;
        answer.json = { { QStringLiteral("error"), QStringLiteral("no room for the CSV: %1").arg(file->errorString()) } };
        return answer;
    }
    QByteArray chunk = QByteArrayLiteral("time,id,event,detail,listened_ms\r\n");
    bool written = true;
    LocalOffsets offsets;
    const bool ok = m_store->rows(from, to, [&](const StatsStore::Row &row) {
        chunk += csvLine(offsets, row.timeMs, row.id, row.event, row.detail, row.listenedMs ? &*row.listenedMs : nullptr);
        chunk += "\r\n";
        if (chunk.size() >= 64 * 1024) {
            written = written && file->write(chunk) == chunk.size();
            chunk.truncate(0); // keeps its buffer for the next lines
        }
    });
    written = written && file->write(chunk) == chunk.size() && file->flush() && file->seek(0);
    if (!ok || !written) {
        answer.status = 503;
        answer.json = { { QStringLiteral("error"), ok ? file->errorString() : m_store->errorString() } };
        return answer;
    }
    // The answer's thread reads it and deletes it.
    file->moveToThread(answering);
    answer.csv = std::move(file);
    answer.csvName = "records-" + dateText(from).toLatin1() + "-to-" + dateText(to).toLatin1() + ".csv";
    return answer;
}

void StatsApi::deliver(quint64 ticket, Answer answer)
{
    auto pending = m_pending.extract(ticket);
    if (pending.empty())
        return;
    HttpResponder &responder = pending.mapped();
    if (!answer.csv)
        return responder.writeJson(answer.status, answer.json);
    responder.write(200,
                    { { "Content-Type", "text/csv; charset=utf-8" },
                      { "Content-Disposition", "attachment; filename=\"" + answer.csvName + '"' },
                      { "Cache-Control", "no-store" } },
                    std::move(answer.csv));
}
