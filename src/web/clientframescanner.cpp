#include "web/clientframescanner.h"

#include <QtEndian>

#include <cstring>

bool ClientFrameScanner::feed(QByteArrayView bytes)
{
    const char *data = bytes.data();
    qsizetype left = bytes.size();
    while (left > 0 && !m_unmasked) {
        if (m_headerSize < m_headerLength) {
            const int take = int(qMin<qsizetype>(m_headerLength - m_headerSize, left));
            std::memcpy(m_header + m_headerSize, data, size_t(take));
            m_headerSize += take;
            m_frameBytes += quint64(take);
            data += take;
            left -= take;
            if (m_headerSize < m_headerLength)
                break; // the rest of the header is still on its way
            if (m_headerLength == 2) {
                // RFC 6455 §5.2: the mask bit, then a 7-bit length that may
                // announce a 16- or 64-bit one; the 4-byte key comes last.
                if (!(m_header[1] & 0x80)) {
                    m_unmasked = true;
                    break;
                }
                const int shortLength = m_header[1] & 0x7f;
                m_headerLength = 2 + (shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0) + 4;
                continue;
            }
            m_payloadLeft = payloadLength();
        } else {
            const quint64 take = qMin(m_payloadLeft, quint64(left));
            m_payloadLeft -= take;
            m_frameBytes += take;
            data += take;
            left -= qsizetype(take);
        }
        if (m_payloadLeft == 0)
            startFrame();
    }
    return !m_unmasked;
}

void ClientFrameScanner::skipPayload(quint64 bytes)
{
    Q_ASSERT(bytes <= m_payloadLeft);
    if (bytes == 0)
        return;
    m_payloadLeft -= bytes;
    m_frameBytes += bytes;
    if (m_payloadLeft == 0)
        startFrame();
}

quint64 ClientFrameScanner::payloadLength() const
{
    const int shortLength = m_header[1] & 0x7f;
    if (shortLength == 126)
        return qFromBigEndian<quint16>(m_header + 2);
    if (shortLength == 127)
        return qFromBigEndian<quint64>(m_header + 2);
    return quint64(shortLength);
}

void ClientFrameScanner::startFrame()
{
    ++m_frames;
    m_headerSize = 0;
    m_headerLength = 2;
    m_frameBytes = 0;
}
