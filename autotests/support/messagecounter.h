#ifndef MESSAGECOUNTER_H
#define MESSAGECOUNTER_H

#include <QList>
#include <QString>
#include <QtGlobal>

// Counts, while it lives, the log messages of one type whose text contains
// `needle`, in this process. Every message still reaches the handler that was
// installed before (QtTest's), so ignoreMessage() and failOnWarning() work.
// Several may count at once; one thread only.
class MessageCounter
{
public:
    explicit MessageCounter(const QString &needle, QtMsgType type = QtWarningMsg)
        : m_needle(needle), m_type(type)
    {
        if (s_active.isEmpty())
            s_previous = qInstallMessageHandler(&MessageCounter::handle);
        s_active.append(this);
    }
    ~MessageCounter()
    {
        s_active.removeOne(this);
        if (s_active.isEmpty())
            qInstallMessageHandler(s_previous);
    }
    Q_DISABLE_COPY_MOVE(MessageCounter)

    int count() const { return m_count; }

private:
    static void handle(QtMsgType type, const QMessageLogContext &context, const QString &message)
    {
        for (MessageCounter *counter : std::as_const(s_active)) {
            if (type == counter->m_type && message.contains(counter->m_needle))
                ++counter->m_count;
        }
        if (s_previous)
            s_previous(type, context, message);
    }

    QString m_needle;
    QtMsgType m_type;
    int m_count = 0;

    static inline QList<MessageCounter *> s_active;
    static inline QtMessageHandler s_previous = nullptr;
};

#endif // MESSAGECOUNTER_H
