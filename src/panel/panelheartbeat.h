#ifndef PANELHEARTBEAT_H
#define PANELHEARTBEAT_H

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <optional>

// Supervision of an open panel link (docs/serial-protocol.md, "Heartbeat").
// After an interval without any line from the panel it asks for a PING, and
// again every interval while nothing arrives. A panel that has answered PING
// since the port opened and then says nothing for three intervals is silent
// until its next line; firmware that never answered (2.2) never is. It logs
// the start and end of a silence, once each; PanelLink does the writing.
class PanelHeartbeat : public QObject
{
    Q_OBJECT

public:
    static constexpr int DefaultIntervalMs = 5000;
    static constexpr int SilentAfterIntervals = 3;

    explicit PanelHeartbeat(QObject *parent = nullptr);

    // 0 turns pinging and silence off. Applies at once to an open port.
    void setInterval(int ms);
    int interval() const { return m_intervalMs; }

    // What the link tells it. `device` only names the panel in the log.
    void portOpened(const QString &device);
    void lineArrived(bool pong);
    void portClosed(); // forgets everything, without a signal

    bool isSilent() const { return m_silent; }
    bool hasAnsweredPing() const { return m_answered; }
    // Since the last line from the panel; nullopt while closed or before the
    // first line since the port opened.
    std::optional<qint64> lastLineAgeMs() const;

Q_SIGNALS:
    void pingDue();
    // false: the panel fell silent; true: a silence ended (a line arrived,
    // or the heartbeat was turned off).
    void respondingChanged(bool responding);

private:
    void onTimeout();
    void arm();
    void endSilence(const QString &logLine);

    QTimer m_timer;
    QElapsedTimer m_quiet; // since the port opened or the last line arrived
    QString m_device;
    int m_intervalMs = DefaultIntervalMs;
    qint64 m_quietIntervals = 0; // whole intervals without a line, as last acted on
    bool m_open = false;
    bool m_sawLine = false;
    bool m_answered = false; // a PONG since the port opened
    bool m_silent = false;
};

#endif // PANELHEARTBEAT_H
