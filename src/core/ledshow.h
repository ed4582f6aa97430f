#ifndef LEDSHOW_H
#define LEDSHOW_H

#include <functional>
#include <memory>

class Alarm;
class Clock;
class MediaLibrary;
struct PressPolicy;

// The panel's LEDs lit one at a time, one per attract_step_ms, for
// PanelController (docs/architecture.md, "Attract mode"): the attract chase
// goes round until it is ended, the self-test goes through every ID once and
// then reports that it is done. The step and the IDs are read at each step,
// so a reload or a media change applies from the next one.
class LedShow
{
public:
    enum class Kind { None, Attract, SelfTest };

    // `light(id)` at each step; `selfTestDone()` after the self-test's last.
    LedShow(Clock *clock, const MediaLibrary *media, const PressPolicy *policy, std::function<void(int id)> light,
            std::function<void()> selfTestDone);
    ~LedShow();

    Kind kind() const { return m_kind; }
    bool isRunning() const { return m_kind != Kind::None; }
    // Replaces whatever runs; advance() then lights the first ID.
    void start(Kind kind);
    // Lights the next LED and sets the alarm for the one after.
    void advance();
    // Stops it; returns what ran.
    Kind stop();

private:

    const MediaLibrary *m_media;
    const PressPolicy *m_policy;
    std::function<void(int)> m_light;
    std::function<void()> m_selfTestDone;
    std::unique_ptr<Alarm> m_alarm; // the next step
    Kind m_kind = Kind::None;
    int m_nextId = 0;
};

#endif // LEDSHOW_H
