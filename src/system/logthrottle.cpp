#include "system/logthrottle.h"

LogThrottle::LogThrottle(int burst, std::chrono::milliseconds interval, Summary summary)
    : m_summary(std::move(summary)), m_burst(burst)
{
    m_timer.setInterval(interval);
    QObject::connect(&m_timer, &QTimer::timeout, &m_timer, [this] { endInterval(); });
}

bool LogThrottle::allow()
{
    if (!m_timer.isActive())
        m_timer.start();
    if (m_logged < m_burst) {
        ++m_logged;
        return true;
    }
    ++m_heldBack;
    return false;
}

void LogThrottle::endInterval()
{
    if (m_heldBack == 0) {
        // Quiet for a whole interval: the next event is news again.
        m_timer.stop();
        m_logged = 0;
        return;
    }
    // Still busy: the burst stays used up, and the next summary follows.
    const quint64 heldBack = m_heldBack;
    m_heldBack = 0;
    m_summary(heldBack);
}
