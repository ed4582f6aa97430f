#ifndef LOGTAIL_H
#define LOGTAIL_H

#include <QList>
#include <QMutex>
#include <QString>
#include <QStringList>

// The gateway's last log lines, for the staff console (docs/http.md,
// "/admin and /api/admin"). While it exists it sees every message Qt logs,
// keeps it as the message pattern formats it, and hands it on to the handler
// that was there before: stderr and the journal get what they got without it.
// Only one may exist at a time; main() makes it.
class LogTail
{
public:
    static constexpr int DefaultCapacity = 200;
    // A longer message is kept cut short (a hostile path in a log line).
    static constexpr qsizetype MaxLineLength = 1000;

    explicit LogTail(int capacity = DefaultCapacity);
    ~LogTail();
    Q_DISABLE_COPY_MOVE(LogTail)

    // Oldest first.
    QStringList lines() const;

private:
    static void handleMessage(QtMsgType type, const QMessageLogContext &context, const QString &message);
    void append(QString line);

    // Messages may come from any thread.
    mutable QMutex m_mutex;
    QList<QString> m_ring;
    int m_capacity;
    int m_next = 0; // where the next line goes once the ring is full
    QtMessageHandler m_previous = nullptr;
};

#endif // LOGTAIL_H
