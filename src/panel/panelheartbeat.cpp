#include "panel/panelheartbeat.h"

#include "system/logging.h"

PanelHeartbeat::PanelHeartbeat(QObject *parent) : QObject(parent)
{
    // One timer, armed for the next due time rather than restarted by every
    // line: a fast panel costs a clock read per line, not a timer restart.
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &PanelHeartbeat::onTimeout);
}

void PanelHeartbeat::setInterval(int ms)
{
    const int interval = qMax(0, ms);
    if (interval == m_intervalMs)
        return;
    m_intervalMs = interval;
    if (m_open)
        m_quietIntervals = interval > 0 ? m_quiet.elapsed() / interval : 0;
    if (interval == 0 && m_silent)
        endSilence(QStringLiteral("heartbeat off: the panel on %1 is no longer called silent").arg(m_device));
    arm();
}

void PanelHeartbeat::portOpened(const QString &device)
{
    portClosed();
    m_device = device;
    m_open = true;
    m_quiet.start();
    arm();
}

void PanelHeartbeat::lineArrived(bool pong)
{
    if (!m_open)
        return;
    const qint64 quietMs = m_quiet.restart();
    m_sawLine = true;
    m_quietIntervals = 0;
    if (pong)
        m_answered = true;
    if (m_silent)
        endSilence(QStringLiteral("panel on %1 answers again after %2 s")
                           .arg(m_device)
                           .arg(double(quietMs) / 1000, 0, 'f', 1));
    // The timer stays as it is: it fires no later than the new due time and re-arms then.
}

void PanelHeartbeat::portClosed()
{
    m_timer.stop();
    m_open = false;
    m_sawLine = false;
    m_answered = false;
    m_silent = false;
    m_quietIntervals = 0;
}

std::optional<qint64> PanelHeartbeat::lastLineAgeMs() const
{
    if (!m_open || !m_sawLine)
        return std::nullopt;
    return m_quiet.elapsed();
}

void PanelHeartbeat::arm()
{
    if (!m_open || m_intervalMs == 0) {
        m_timer.stop();
        return;
    }
    const qint64 due = qint64(m_intervalMs) * (m_quietIntervals + 1) - m_quiet.elapsed();
    m_timer.start(int(qBound(qint64(0), due, qint64(m_intervalMs))));
}

void PanelHeartbeat::onTimeout()
{
    if (!m_open || m_intervalMs == 0)
        return;
    // Whole intervals, so that an event loop held up for a while asks once, not once per missed interval.
    const qint64 intervals = m_quiet.elapsed() / m_intervalMs;
    if (intervals > m_quietIntervals) {
        m_quietIntervals = intervals;
        if (intervals >= SilentAfterIntervals && m_answered && !m_silent) {
            m_silent = true;
            qCWarning(lcSerial).noquote() << QStringLiteral("panel on %1 is silent: no line for %2 s although it "
                                                            "answered PING before; still asking every %3 s")
                                                     .arg(m_device)
                                                     .arg(double(m_quiet.elapsed()) / 1000, 0, 'f', 1)
                                                     .arg(double(m_intervalMs) / 1000);
            Q_EMIT respondingChanged(false);
        }
        Q_EMIT pingDue();
    }
    arm();
}

void PanelHeartbeat::endSilence(const QString &logLine)
{
    m_silent = false;
    qCInfo(lcSerial).noquote() << logLine;
    Q_EMIT respondingChanged(true);
}
