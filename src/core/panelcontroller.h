#ifndef PANELCONTROLLER_H
#define PANELCONTROLLER_H

#include "system/logthrottle.h"

#include <QObject>

#include <optional>

class MediaLibrary;

// Holds the current ID and the press policy (docs/architecture.md, "A press").
// It knows nothing of serial ports, sockets or message formats: it takes
// presses and `ended` reports and emits, in order, what should happen.
class PanelController : public QObject
{
    Q_OBJECT

public:
    explicit PanelController(const MediaLibrary *media, QObject *parent = nullptr);

    std::optional<int> current() const { return m_current; }
    quint64 rejectedPresses() const { return m_rejectedPresses; }

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

Q_SIGNALS:
    void ledSetRequested(int id);
    void ledClearRequested();
    // `id` plays now, in place of whatever played before.
    void playbackStarted(int id);
    // Nothing plays any more, and browsers should fall silent.
    void playbackStopped();

private:
    const MediaLibrary *m_media;
    std::optional<int> m_current;
    quint64 m_rejectedPresses = 0;
    LogThrottle m_rejectionLog; // a panel may send bad IDs without pause
};

#endif // PANELCONTROLLER_H
