#ifndef BUTTONQUARANTINE_H
#define BUTTONQUARANTINE_H

#include <QHash>
#include <QList>

class Clock;
struct PressPolicy;

// Buttons pressed too often, stuck or bouncing (README.md, "Configuration",
// stuck_presses): one pressed more than stuckPresses times within
// stuckWindowMs has its presses ignored for quarantineMs. For PanelController,
// which reads the rules from its policy at each press.
class ButtonQuarantine
{
public:
    ButtonQuarantine(const Clock *clock, const PressPolicy *policy);

    // Counts a press of `id`; true when its presses are ignored for now.
    bool holds(int id);
    // The IDs held now, in order.
    QList<int> held() const;

private:
    bool isHeld(int id);
    bool looksStuck(int id);

    const Clock *m_clock;
    const PressPolicy *m_policy;
    QHash<int, QList<qint64>> m_recentPresses; // per ID, within the stuck window
    QHash<int, qint64> m_heldUntil;
};

#endif // BUTTONQUARANTINE_H
