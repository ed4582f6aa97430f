#ifndef PANELCONTROLLER_H
#define PANELCONTROLLER_H

#include "core/enumcounts.h"
#include "core/languagecycle.h"
#include "core/ledshow.h"
#include "core/openingschedule.h"
#include "core/pressgate.h"
#include "system/presspolicy.h"

#include <QHash>
#include <QList>
#include <QObject>

#include <memory>
#include <optional>

class Alarm;
class Clock;
class MediaLibrary;

// Holds the current ID and the press policy (docs/architecture.md, "A press").
// It knows nothing of serial ports, sockets or message formats: it takes
// presses and `ended` reports and emits, in order, what should happen. Time
// comes from the Clock it is given, so the whole policy runs in virtual time
// in the unit tests.
class PanelController : public QObject
{
    Q_OBJECT

public:
    // What became of a press.
    enum class Outcome {
        Played,   // it plays now
        Stopped,  // toggle: it stopped what played
        Ignored,  // by the policy, the cool-down or a quarantine
        Rejected, // not a valid ID
        Language, // the language button chose the next language
    };
    Q_ENUM(Outcome)

    // How a playback ended (docs/http.md, "/metrics"). A new way gets a value
    // here and one count where it is decided; /metrics lists every value.
    enum class Ending {
        Completed, // a browser reported `ended`
        Timer,     // the backup end: no browser reported it in time
        Preempted, // a press replaced it
        Stopped,   // toggle or /test/stop
        Closed,    // closing time (opening hours)
    };
    Q_ENUM(Ending)

    // The value's name in lower case ("played", "timer"), as /metrics, the
    // play records and the staff console write it.
    static QString nameOf(Outcome outcome);
    static QString nameOf(Ending how);

    PanelController(const MediaLibrary *media, Clock *clock, const PressPolicy &policy = {},
                    QObject *parent = nullptr);
    ~PanelController() override;

    std::optional<int> current() const { return m_current; }
    // Since the current ID's press, and what is left of its sound by its
    // length; nullopt when idle (and the second when its length is unknown).
    std::optional<qint64> elapsedMs() const;
    std::optional<qint64> remainingMs() const;
    quint64 rejectedPresses() const { return m_gate.rejected(); }
    quint64 ignoredPresses() const { return m_gate.ignored(); }
    quint64 endedByTimer() const { return endedBy(Ending::Timer); }
    // Since start, never reset.
    quint64 presses(Outcome outcome) const;
    quint64 endedBy(Ending how) const { return m_endings.count(how); }
    // IDs whose presses are ignored for now: they were pressed too often.
    QList<int> quarantined() const { return m_gate.quarantined(); }
    PressPolicy policy() const { return m_policy; }
    // From a configuration reload: applies from the next press (the sound
    // that plays keeps the end it was given); the attract times at once.
    void setPolicy(const PressPolicy &policy);
    // Opening hours (docs/architecture.md, "Opening hours"): while closed,
    // presses are ignored; closing stops what plays and clears the LEDs once.
    // Applies at once, at start and on a reload.
    void setOpeningHours(const OpeningHours &hours) { m_schedule.setHours(hours); }
    bool isOpen() const { return m_schedule.isOpen(); }
    // The next opening or closing; invalid when always open.
    QDateTime nextOpeningChange() const { return m_schedule.nextChange(); }
    // Presses ignored because it was closed (counted in ignoredPresses() too).
    quint64 closedPresses() const { return m_gate.closed(); }
    // Attract mode (docs/architecture.md, "Attract mode") runs.
    bool isAttracting() const { return m_show.kind() == LedShow::Kind::Attract; }
    // The language button (docs/architecture.md, "Captions and languages"):
    // `button` -1 for none; `languages` the default first.
    void setLanguageButton(int button, const QStringList &languages) { m_language.configure(button, languages); }
    // The language the button chose; empty when none since the default.
    QString language() const { return m_language.chosen(); }

public Q_SLOTS:
    // A press, from the panel or /test/play.
    Outcome press(int id);
    // A browser's audio for `id` finished; stale IDs change nothing.
    void ended(int id);
    // Stop whatever plays and clear the LEDs (/test/stop).
    void stop();
    // The panel (re)connected, its firmware rebooted or it spoke again after
    // a silence: its LEDs are off or unknown, so bring them back in line with
    // what is playing.
    void panelReady();
    // Attract mode now, as if the idle time had passed (the console).
    void startAttract();
    // Lights every LED once, one after the other, then brings the LEDs back
    // in line with what plays (the console's self-test).
    void runLedSelfTest();

Q_SIGNALS:
    void ledSetRequested(int id);
    void ledClearRequested();
    // `id` plays now, in place of whatever played before.
    void playbackStarted(int id);
    // Nothing plays any more, and browsers should fall silent.
    void playbackStopped();
    // Opening hours began (true) or ended (false).
    void openChanged(bool open);
    // Attract mode began (true) or ended (false).
    void attractChanged(bool attracting);
    // Every press, whatever became of it (the play records).
    void pressHandled(int id, PanelController::Outcome outcome);
    // The language button chose `language` for the presses that follow;
    // empty: back to the default (closing time, attract mode).
    void languageChanged(const QString &language);
    // A playback ended, how, and how long it played.
    void playbackEnded(int id, PanelController::Ending how, qint64 listenedMs);

private:
    void play(int id);
    void finish();
    void onEndDue();
    void onOpenChanged(bool open);
    Outcome decide(int id);
    Outcome cycleLanguage(int id);
    void resetLanguage();
    void endPlayback(Ending how);
    void clearLedsUnlessShowing();
    // Attract mode and the LED self-test (docs/architecture.md, "Attract mode").
    void armIdle();
    void onIdleDue();
    void beginShow(LedShow::Kind kind);
    void onSelfTestDone();
    void endShow();
    void endShowOnPress(Outcome outcome, LedShow::Kind kind);

    const MediaLibrary *m_media;
    Clock *m_clock;
    PressPolicy m_policy;
    std::unique_ptr<Alarm> m_endAlarm; // the backup end, in case no browser reports `ended`
    std::optional<int> m_current;
    qint64 m_startedMs = 0;
    std::optional<qint64> m_durationMs;
    PressGate m_gate;
    EnumCounts<Outcome> m_presses; // those that played, stopped or chose a language
    EnumCounts<Ending> m_endings;
    std::unique_ptr<Alarm> m_idleAlarm; // attract mode, once idle long enough
    qint64 m_idleSinceMs = 0;           // the later of the last press and the last playback's end
    LedShow m_show;                     // the attract chase or the self-test
    LanguageCycle m_language;           // the language button, if any
    OpeningSchedule m_schedule; // last: its callback reaches the members above
};

#endif // PANELCONTROLLER_H
