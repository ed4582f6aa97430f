#ifndef PRESSPOLICY_H
#define PRESSPOLICY_H

#include <QtGlobal>

// What a press does while something plays, when the gateway ends a sound
// no browser reported ended, and when an idle panel begins attract mode
// (README.md, "Configuration"; docs/architecture.md, "A press").
struct PressPolicy
{
    enum class Mode {
        Preempt, // every press plays; the same ID restarts
        Ignore,  // presses while something plays change nothing
        Toggle,  // the playing button stops it; any other preempts
    };

    Mode mode = Mode::Preempt;
    qint64 cooldownMs = 0;       // a press this soon after the last accepted one is ignored
    int stuckPresses = 10;       // more presses of one ID within stuckWindowMs: quarantined; 0 = off
    qint64 stuckWindowMs = 2000;
    qint64 quarantineMs = 60000;
    qint64 endGraceMs = 2000;    // after a sound's length, before the gateway ends it itself
    qint64 maxPlayMs = 600000;   // a sound of unknown length ends after this
    // Attract mode (docs/architecture.md, "Attract mode"): idle this long,
    // open and silent, and the panel runs an LED chase; 0 = off.
    qint64 attractAfterMs = 0;
    qint64 attractStepMs = 300;  // one LED of the chase, and of the self-test

    bool operator==(const PressPolicy &other) const
    {
        return mode == other.mode && cooldownMs == other.cooldownMs && stuckPresses == other.stuckPresses
                && stuckWindowMs == other.stuckWindowMs && quarantineMs == other.quarantineMs
                && endGraceMs == other.endGraceMs && maxPlayMs == other.maxPlayMs
                && attractAfterMs == other.attractAfterMs && attractStepMs == other.attractStepMs;
    }
    bool operator!=(const PressPolicy &other) const { return !(*this == other); }
};

#endif // PRESSPOLICY_H
