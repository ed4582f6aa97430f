#ifndef PANELCONTROLLER_H
#define PANELCONTROLLER_H

#include <QJsonObject>
#include <QObject>

#include <optional>

class MediaLibrary;

// Holds the current ID and the press policy of CONTRACT.md §2. It knows
// nothing of serial ports or sockets: it takes presses and `ended` reports and
// emits, in order, what the panel and the browsers should be sent.
class PanelController : public QObject
{
    Q_OBJECT

public:
    PanelController(const MediaLibrary *media, const QString &version, QObject *parent = nullptr);

    std::optional<int> current() const { return m_current; }
    bool isPanelConnected() const { return m_panelConnected; }
    // False when the gateway runs without a panel on purpose (--serial-port
    // none): browsers then show no panel rather than a panel that is offline.
    void setPanelExpected(bool expected) { m_panelExpected = expected; }
    quint64 rejectedPresses() const { return m_rejectedPresses; }

    // What a browser needs on connect to show what is playing.
    QJsonObject stateMessage() const;

public Q_SLOTS:
    // A press, from the panel or /test/play: false when the ID is out of range.
    bool press(int id);
    // A browser's audio for `id` finished; stale IDs change nothing.
    void ended(int id);
    // Stop whatever plays and clear the LEDs (/test/stop).
    void stop();
    // The panel (re)connected or its firmware rebooted: its LEDs are off or
    // unknown, so bring them back in line with what is playing.
    void panelReady();
    void setPanelConnected(bool connected);
    // The media folder changed: browsers re-preload.
    void mediaChanged();

Q_SIGNALS:
    void ledSetRequested(int id);
    void ledClearRequested();
    void broadcastRequested(const QJsonObject &message);

private:
    const MediaLibrary *m_media;
    QString m_version;
    std::optional<int> m_current;
    bool m_panelConnected = false;
    bool m_panelExpected = true;
    quint64 m_rejectedPresses = 0;
};

#endif // PANELCONTROLLER_H
