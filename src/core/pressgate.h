#ifndef PRESSGATE_H
#define PRESSGATE_H

#include "core/buttonquarantine.h"
#include "system/logthrottle.h"

#include <QString>

#include <optional>

class Clock;
class MediaLibrary;
struct PressPolicy;

// Which presses count (docs/architecture.md, "A press"): a valid ID, open,
// not quarantined, not within the cool-down, not while something plays under
// press_policy ignore. For PanelController, which asks in that order; the
// gate counts and logs what it holds back, so a panel that sends bad or
// bouncing presses without pause leaves a few lines a minute.
class PressGate
{
public:
    PressGate(const MediaLibrary *media, const Clock *clock, const PressPolicy *policy);

    // False (counted and logged as rejected) when `id` is not a media ID.
    bool isValid(int id);
    // True when a press of a valid ID, with something `playing` or not,
    // counts; it is then the last accepted press. Otherwise counted and
    // logged as ignored.
    bool admit(int id, bool playing);
    // A press held back for a reason found elsewhere (`what` says which
    // press and why); `closed` when outside the opening hours.
    void ignore(const QString &what, bool closed);

    quint64 rejected() const { return m_rejected; }
    quint64 ignored() const { return m_ignored; }
    // Ignored because it was closed (counted in ignored() too).
    quint64 closed() const { return m_closed; }
    QList<int> quarantined() const { return m_quarantine.held(); }

private:
    const char *ignoreReason(int id, bool playing);

    const MediaLibrary *m_media;
    const Clock *m_clock;
    const PressPolicy *m_policy;
    ButtonQuarantine m_quarantine;
    std::optional<qint64> m_lastAcceptedMs;
    quint64 m_rejected = 0;
    quint64 m_ignored = 0;
    quint64 m_closed = 0;
    LogThrottle m_rejectionLog;
    LogThrottle m_ignoreLog;
};

#endif // PRESSGATE_H
