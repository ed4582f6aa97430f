#ifndef PTYPAIR_H
#define PTYPAIR_H

#include <QByteArray>
#include <QByteArrayList>
#include <QObject>
#include <QString>

class QSocketNotifier;

// A pseudo-terminal standing in for the panel: the gateway opens the slave
// side as its serial device, the test writes and reads the master side.
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

    // Writes raw bytes to the master, as the panel firmware would.
    bool write(const QByteArray &data);

    // Takes the next complete line the gateway wrote (without its LF),
    // waiting up to `timeoutMs`; false when none came.
    bool takeLine(QByteArray *line, int timeoutMs = 3000);
    QByteArrayList pendingLines() const { return m_lines; }

    // The device goes away: the gateway's end hangs up.
    void close();

Q_SIGNALS:
    void lineReceived();

private:
    void readMaster();

    int m_master = -1;
    int m_slave = -1; // kept open so the master never reads EIO before the gateway opens the slave
    QString m_slavePath;
    QString m_error;
    QSocketNotifier *m_notifier = nullptr;
    QByteArray m_partial;
    QByteArrayList m_lines;
};

#endif // PTYPAIR_H
