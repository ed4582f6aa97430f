#ifndef PTYPANEL_H
#define PTYPANEL_H

#include "progresssource.h"
#include "ptypair.h"

#include <QByteArray>
#include <QString>
#include <QVector>

// Plays the button panel on the master side of a pty pair whose slave path
// is handed to the gateway as its serial port. Timestamps are taken right
// before write() of a press and right after read() of a reply. progress()
// is emitted when a LEDSET/LEDCLR line arrives or a burst finishes writing.
class PtyPanel : public ProgressSource
{
    Q_OBJECT

public:
    struct LedEvent
    {
        qint64 ns;   // when the read() that returned the line finished
        int id;      // LEDSET id, or -1 for LEDCLR
    };

    explicit PtyPanel(QObject *parent = nullptr);

    bool open(QString *error);
    void close() { m_pty.close(); }
    QString slavePath() const { return m_pty.slavePath(); }

    // Writes "PRESS NNN\n" now; returns the timestamp taken right before
    // write(), or -1 when the pty did not take the whole line.
    qint64 press(int id);

    // Writes one press line per id as fast as the pty takes them (one
    // write() each, waiting for the fd to become writable when it is full).
    void startBurst(const QVector<int> &ids);
    bool burstDone() const { return m_burstNext >= m_burstLines.size(); }
    const QVector<qint64> &burstTimes() const { return m_burstTimes; }

    // Every LEDSET/LEDCLR read since the last clearEvents(), in order.
    const QVector<LedEvent> &events() const { return m_events; }
    void clearEvents() { m_events.clear(); }
    int otherLines() const { return m_otherLines; }

private:
    void handleLine(const QByteArray &line, qint64 ns);
    void writeBurst();

    PtyPair m_pty;
    QVector<LedEvent> m_events;
    int m_otherLines = 0;

    QVector<QByteArray> m_burstLines;
    QVector<qint64> m_burstTimes;
    int m_burstNext = 0;
    int m_burstOffset = 0;
};

#endif // PTYPANEL_H
