#include "web/rejectiontracker.h"

#include "system/logging.h"
#include "web/websocketconnection.h"

RejectionTracker::RejectionTracker()
{
    m_clock.start();
    m_summaryTimer.setSingleShot(true);
    m_summaryTimer.setInterval(m_limits.summaryIntervalMs);
    QObject::connect(&m_summaryTimer, &QTimer::timeout, &m_summaryTimer, [this] { logSummaries(); });
}

void RejectionTracker::setLimits(const Limits &limits)
{
    m_limits = limits;
    m_summaryTimer.setInterval(limits.summaryIntervalMs);
}

void RejectionTracker::track(const WebSocketConnection *client)
{
    m_records.insert(client, Record());
}

void RejectionTracker::forget(const WebSocketConnection *client)
{
    const auto it = m_records.find(client);
    if (it == m_records.end())
        return;
    logUnlogged(client, *it);
    m_records.erase(it);
}

bool RejectionTracker::reject(const WebSocketConnection *client, const char *reason)
{
    ++m_total;
    const auto it = m_records.find(client);
    if (it == m_records.end())
        return false;
    Record &record = *it;
    ++record.rejected;
    if (record.rejected <= quint64(m_limits.loggedEach)) {
        const bool last = record.rejected == quint64(m_limits.loggedEach);
        qCWarning(lcWs).noquote() << QStringLiteral("ignored message from %1 - %2 (%3 ignored so far)%4")
                                         .arg(client->peer(), QLatin1String(reason))
                                         .arg(m_total)
                                         .arg(last ? QLatin1String("; more from it are logged as counts")
                                                   : QLatin1String());
    } else {
        ++record.unlogged;
        record.lastReason = reason;
        if (!m_summaryTimer.isActive())
            m_summaryTimer.start();
    }

    const qint64 now = m_clock.elapsed();
    if (record.windowRejected == 0 || now - record.windowStartMs >= m_limits.dropWindowMs) {
        record.windowStartMs = now;
        record.windowRejected = 0;
    }
    if (++record.windowRejected <= m_limits.dropCount)
        return false;
    qCWarning(lcWs).noquote() << QStringLiteral("browser %1 sent more than %2 invalid messages within %3 s;"
                                                " dropping it")
                                     .arg(client->peer())
                                     .arg(m_limits.dropCount)
                                     .arg(m_limits.dropWindowMs / 1000.0);
    return true;
}

void RejectionTracker::logUnlogged(const WebSocketConnection *client, Record &record)
{
    if (record.unlogged == 0)
        return;
    qCWarning(lcWs).noquote() << QStringLiteral("ignored %1 more messages from %2 - last: %3"
                                                " (%4 from it, %5 in all)")
                                     .arg(record.unlogged)
                                     .arg(client->peer(), QLatin1String(record.lastReason))
                                     .arg(record.rejected)
                                     .arg(m_total);
    record.unlogged = 0;
}

void RejectionTracker::logSummaries()
{
    for (auto it = m_records.begin(); it != m_records.end(); ++it)
        logUnlogged(it.key(), *it);
}
