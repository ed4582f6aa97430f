#ifndef LINEBUFFER_H
#define LINEBUFFER_H

#include <QByteArray>
#include <QList>

// Reassembles LF-terminated lines from the pieces a USB-CDC link delivers.
// A line longer than maxLength is dropped up to its LF, so a babbling or
// misconfigured device can never grow memory or produce a half line.
class LineBuffer
{
public:
    static constexpr qsizetype DefaultMaxLength = 256;

    explicit LineBuffer(qsizetype maxLength = DefaultMaxLength);

    // Returns the lines completed by `data`, without LF and a trailing CR.
    QList<QByteArray> append(const QByteArray &data);
    void clear();

    qsizetype droppedLines() const { return m_dropped; }

private:
    QByteArray m_pending;
    qsizetype m_maxLength;
    qsizetype m_dropped = 0;
    bool m_discarding = false; // inside an overlong line, waiting for its LF
};

#endif // LINEBUFFER_H
