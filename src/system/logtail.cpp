#include "system/logtail.h"

#include <atomic>

namespace {
// qInstallMessageHandler() takes a plain function: it finds the tail here.
std::atomic<LogTail *> installed { nullptr };
} // namespace

LogTail::LogTail(int capacity) : m_capacity(qMax(1, capacity))
{
    m_ring.reserve(m_capacity);
    installed.store(this);
    m_previous = qInstallMessageHandler(&LogTail::handleMessage);
}

LogTail::~LogTail()
{
    qInstallMessageHandler(m_previous);
    installed.store(nullptr);
}

QStringList LogTail::lines() const
{
    const QMutexLocker locker(&m_mutex);
    if (m_ring.size() < m_capacity)
        return m_ring;
    return m_ring.mid(m_next) + m_ring.first(m_next);
}

void LogTail::append(QString line)
{
    if (line.size() > MaxLineLength) {
        line.truncate(MaxLineLength);
        line += QStringLiteral("…");
    }
    const QMutexLocker locker(&m_mutex);
    if (m_ring.size() < m_capacity) {
        m_ring.append(std::move(line));
        return;
    }
    m_ring[m_next] = std::move(line);
    m_next = (m_next + 1) % m_capacity;
}

void LogTail::handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    LogTail *tail = installed.load();
    if (!tail)
        return;
    tail->append(qFormatLogMessage(type, context, message));
    if (tail->m_previous)
        tail->m_previous(type, context, message);
}
