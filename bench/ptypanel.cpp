#include "ptypanel.h"

#include "monoclock.h"

namespace {
QByteArray pressLine(int id)
{
    return QByteArrayLiteral("PRESS ") + QByteArray::number(id).rightJustified(3, '0') + '\n';
}
} // namespace

PtyPanel::PtyPanel(QObject *parent)
    : ProgressSource(parent)
{
    // Lines are handled as they arrive; nothing is queued.
    m_pty.setQueueLines(false);
    connect(&m_pty, &PtyPair::lineReceived, this, &PtyPanel::handleLine);
    connect(&m_pty, &PtyPair::writable, this, &PtyPanel::writeBurst);
}

bool PtyPanel::open(QString *error)
{
    if (m_pty.open())
        return true;
    *error = m_pty.errorString();
    return false;
}

qint64 PtyPanel::press(int id)
{
    const QByteArray line = pressLine(id);
    const qint64 t0 = MonoClock::nowNs();
    return m_pty.writeSome(line.constData(), line.size()) == line.size() ? t0 : -1;
}

void PtyPanel::startBurst(const QVector<int> &ids)
{
    m_burstLines.clear();
    m_burstLines.reserve(ids.size());
    for (int id : ids)
        m_burstLines.append(pressLine(id));
    m_burstTimes.fill(-1, ids.size());
    m_burstNext = 0;
    m_burstOffset = 0;
    writeBurst();
}

void PtyPanel::writeBurst()
{
    while (m_burstNext < m_burstLines.size()) {
        const QByteArray &line = m_burstLines.at(m_burstNext);
        const qint64 t0 = MonoClock::nowNs();
        const qint64 n = m_pty.writeSome(line.constData() + m_burstOffset, line.size() - m_burstOffset);
        if (n < 0) {
            // Full (EAGAIN) or broken: wait for room rather than spin.
            m_pty.setNotifyWritable(true);
            return;
        }
        if (m_burstOffset == 0)
            m_burstTimes[m_burstNext] = t0;
        m_burstOffset += int(n);
        if (m_burstOffset == line.size()) {
            ++m_burstNext;
            m_burstOffset = 0;
        }
    }
    m_pty.setNotifyWritable(false);
    Q_EMIT progress();
}

void PtyPanel::handleLine(const QByteArray &raw, qint64 ns)
{
    const QByteArray line = raw.endsWith('\r') ? raw.chopped(1) : raw;
    if (line.startsWith("LEDSET ")) {
        bool ok = false;
        const int id = line.mid(7).trimmed().toInt(&ok);
        m_events.append({ns, ok ? id : -2});
        Q_EMIT progress();
    } else if (line == "LEDCLR") {
        m_events.append({ns, -1});
        Q_EMIT progress();
    } else if (line == "PING") {
        // Answer like the firmware does, so a gateway that checks the link is content.
        static const char pong[] = "PONG\n";
        m_pty.writeSome(pong, sizeof pong - 1);
        ++m_otherLines;
    } else {
        // VERSION (sent once per connection) and anything else: no LED state, nothing to time.
        ++m_otherLines;
    }
}
