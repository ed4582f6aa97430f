#ifndef PTYPAIR_H
#define PTYPAIR_H

#include <QByteArray>
#include <QByteArrayList>
#include <QObject>
#include <QString>

class QSocketNotifier;

// A pseudo-terminal standing in for the panel: the gateway opens the slave
// side by its path, as its serial device; the caller writes the master side
// and gets back, line by line, what the gateway wrote.
class PtyPair : public QObject
{
    Q_OBJECT

public:
    explicit PtyPair(QObject *parent = nullptr);
    ~PtyPair() override;

    bool open();
    bool isOpen() const { return m_master >= 0; }
    QString slavePath() const { return m_slavePath; }
    QString errorString() const { return m_error; }

    // Writes all of `data` to the master, as the panel firmware would.
    bool write(const QByteArray &data);
    // The same for a large amount, as a fast panel would: while the pty is
    // full the event loop runs, so that a reader in this process (a WebSocket
    // client, or the gateway's own code in a unit test) keeps up meanwhile.
    bool feed(const QByteArray &data, int timeoutMs = 30000);
    // One write() that does not wait: the number of bytes the pty took, or
    // -1 when it took none (full or gone).
    qint64 writeSome(const char *data, qint64 size);
    // While enabled, writable() is emitted whenever the master takes bytes again.
    void setNotifyWritable(bool enabled);
    // A panel that stops reading: what the gateway writes stays in the pty
    // until reading resumes, and the gateway's writes fill it up.
    void setReading(bool enabled);

    // Received lines are queued for takeLine() unless this is turned off by a
    // caller that handles lineReceived() itself.
    void setQueueLines(bool queue) { m_queueLines = queue; }
    // The gateway's supervision lines, `VERSION` and `PING`
    // (docs/serial-protocol.md, "Heartbeat"), are left out of the queue
    // unless this is turned on, so that takeLine() sees the LED commands
    // only. lineReceived() carries every line either way.
    void setQueueSupervisionLines(bool queue) { m_queueSupervision = queue; }
    // Takes the next complete line the gateway wrote (without its LF),
    // waiting up to `timeoutMs`; false when none came.
    bool takeLine(QByteArray *line, int timeoutMs = 3000);
    QByteArrayList pendingLines() const { return m_lines; }

    // The device goes away: the gateway's end hangs up.
    void close();

Q_SIGNALS:
    // A complete line without its LF (a CR is kept: the gateway must write
    // bare LF lines); readNs is MonoClock right after the read() that
    // completed it.
    void lineReceived(const QByteArray &line, qint64 readNs);
    void writable();

private:
    bool fail(const QString &error);
    void readMaster();

    int m_master = -1;
    int m_slave = -1; // kept open so the master never reads EIO before the gateway opens the slave
    QString m_slavePath;
    QString m_error;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    QByteArray m_partial;
    QByteArrayList m_lines;
    bool m_queueLines = true;
    bool m_queueSupervision = false;
};

#endif // PTYPAIR_H
