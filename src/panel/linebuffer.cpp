#include "panel/linebuffer.h"

LineBuffer::LineBuffer(qsizetype maxLength)
    : m_maxLength(maxLength)
{
}

QList<QByteArray> LineBuffer::append(const QByteArray &data)
{
    QList<QByteArray> lines;
    qsizetype start = 0;
    while (start < data.size()) {
        const qsizetype lf = data.indexOf('\n', start);
        const qsizetype end = lf < 0 ? data.size() : lf;
        if (!m_discarding) {
            m_pending.append(data.constData() + start, end - start);
            // The CR of a CRLF is not part of the line's length.
            const qsizetype length = m_pending.size() - (m_pending.endsWith('\r') ? 1 : 0);
            if (length > m_maxLength) {
                m_pending.clear();
                m_discarding = true;
                ++m_dropped;
            }
        }
        if (lf < 0)
            break;
        if (!m_discarding) {
            if (m_pending.endsWith('\r'))
                m_pending.chop(1);
            lines.append(m_pending);
        }
        m_pending.clear();
        m_discarding = false;
        start = lf + 1;
    }
    return lines;
}

void LineBuffer::clear()
{
    m_pending.clear();
    m_discarding = false;
}
