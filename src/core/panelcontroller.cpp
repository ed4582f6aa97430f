#include "core/panelcontroller.h"

#include "core/clock.h"
#include "media/medialibrary.h"
#include "system/logging.h"

#include <QStringList>

#include <algorithm>
#include <utility>

namespace {
QString idText(int id)
{
    return QString::number(id).rightJustified(3, u'0');
}
} // namespace

PanelController::PanelController(const MediaLibrary *media, Clock *clock, const PressPolicy &policy, QObject *parent)
    : QObject(parent),
      m_media(media),
      m_clock(clock),
      m_policy(policy),
      m_endAlarm(clock->createAlarm([this] { onEndDue(); })),
      m_gate(media, clock, &m_policy),
      m_idleAlarm(clock->createAlarm([this] { onIdleDue(); })),
      m_idleSinceMs(clock->nowMs()),
      m_show(clock, media, &m_policy, [this](int id) { Q_EMIT ledSetRequested(id); }, [this] { onSelfTestDone(); }),
      m_language(clock, [this] { panelReady(); }),
      m_schedule(clock, [this](bool open) { onOpenChanged(open); })
{
    armIdle();
}

PanelController::~PanelController() = default;

QString PanelController::nameOf(Outcome outcome)
{
    return EnumCounts<Outcome>::nameOf(outcome);
}

QString PanelController::nameOf(Ending how)
{
    return EnumCounts<Ending>::nameOf(how);
}

std::optional<qint64> PanelController::elapsedMs() const
{
    if (!m_current)
        return std::nullopt;
    return m_clock->nowMs() - m_startedMs;
}

std::optional<qint64> PanelController::remainingMs() const
{
    if (!m_current || !m_durationMs)
        return std::nullopt;
    return std::max<qint64>(0, *m_durationMs - *elapsedMs());
}

PanelController::Outcome PanelController::press(int id)
{
    // Any press counts as a visitor, whatever becomes of it. The idle alarm is
    // left running: when it falls due it looks at this time again, so a press
    // costs one look at the clock here.
    m_idleSinceMs = m_clock->nowMs();
    const LedShow::Kind show = m_show.kind();
    if (show != LedShow::Kind::None)
        endShow(); // at once, before the press sets its LED
    const Outcome outcome = m_language.isButton(id) ? cycleLanguage(id) : decide(id);
    if (show != LedShow::Kind::None)
        endShowOnPress(outcome, show);
    Q_EMIT pressHandled(id, outcome);
    return outcome;
}

PanelController::Outcome PanelController::decide(int id)
{
    if (!m_gate.isValid(id))
        return Outcome::Rejected;
    if (!m_schedule.refresh()) {
        m_gate.ignore(QStringLiteral("press %1 ignored: closed (opening_hours)").arg(idText(id)), true);
        return Outcome::Ignored;
    }
    if (!m_gate.admit(id, m_current.has_value()))
        return Outcome::Ignored;
    if (m_policy.mode == PressPolicy::Mode::Toggle && m_current == id) {
        qCDebug(lcController).noquote() << "press" << idText(id) << "stops it";
        m_presses.add(Outcome::Stopped);
        stop();
        return Outcome::Stopped;
    }
    m_presses.add(Outcome::Played);
    play(id);
    return Outcome::Played;
}

// The language button plays nothing: it lights its LED for a moment (the
// flash's end brings the LEDs back in line) and names the next language.
PanelController::Outcome PanelController::cycleLanguage(int id)
{
    const bool open = m_schedule.refresh();
    if (!open || !m_language.canCycle()) {
        m_gate.ignore(open ? QStringLiteral("language button ignored: fewer than two languages")
                           : QStringLiteral("language button ignored: closed"),
                      !open);
        return Outcome::Ignored;
    }
    const QString language = m_language.cycle();
    m_presses.add(Outcome::Language);
    qCInfo(lcController).noquote() << "language button: next presses play" << language;
    Q_EMIT ledSetRequested(id);
    Q_EMIT languageChanged(language);
    return Outcome::Language;
}

void PanelController::resetLanguage()
{
    if (m_language.reset()) {
        qCInfo(lcController) << "language back to the default";
        Q_EMIT languageChanged(QString());
    }
}

quint64 PanelController::presses(Outcome outcome) const
{
    // The gate counts what it holds back.
    if (outcome == Outcome::Ignored)
        return m_gate.ignored();
    if (outcome == Outcome::Rejected)
        return m_gate.rejected();
    return m_presses.count(outcome);
}

void PanelController::play(int id)
{
    // A new press preempts, the same ID included: it restarts.
    if (m_current)
        endPlayback(Ending::Preempted);
    m_current = id;
    m_startedMs = m_clock->nowMs();
    m_durationMs = m_media->durationMs(id);
    m_endAlarm->start(m_durationMs ? *m_durationMs + m_policy.endGraceMs : m_policy.maxPlayMs);
    qCDebug(lcController, "press %03d", id);
    Q_EMIT ledSetRequested(id);
    Q_EMIT playbackStarted(id);
}

// Counts the current playback's end and tells how long it played; the
// caller then clears or replaces it.
void PanelController::endPlayback(Ending how)
{
    m_endings.add(how);
    Q_EMIT playbackEnded(*m_current, how, m_clock->nowMs() - m_startedMs);
}

void PanelController::finish()
{
    m_current.reset();
    m_durationMs.reset();
    m_endAlarm->cancel();
    m_idleSinceMs = m_clock->nowMs();
    armIdle();
}

// The self-test puts the LEDs back in line when it is done.
void PanelController::clearLedsUnlessShowing()
{
    if (!m_show.isRunning())
        Q_EMIT ledClearRequested();
}

void PanelController::ended(int id)
{
    if (m_current != id) {
        qCDebug(lcController, "stale ended %d ignored (current %d)", id, m_current.value_or(-1));
        return;
    }
    qCDebug(lcController, "ended %03d", id);
    endPlayback(Ending::Completed);
    finish();
    clearLedsUnlessShowing();
}

void PanelController::onEndDue()
{
    if (!m_current)
        return;
    endPlayback(Ending::Timer);
    // No browser said the sound ended: none is connected, a tablet sleeps, or
    // autoplay is blocked. The LED must still go out.
    qCInfo(lcController).noquote() << QStringLiteral("%1 ended by timer after %2 s: no browser reported its end")
                                              .arg(idText(*m_current))
                                              .arg(double(m_clock->nowMs() - m_startedMs) / 1000, 0, 'f', 1);
    finish();
    clearLedsUnlessShowing();
}

void PanelController::stop()
{
    endShow();
    if (m_current)
        endPlayback(Ending::Stopped);
    finish();
    Q_EMIT playbackStopped();
    Q_EMIT ledClearRequested();
}

void PanelController::panelReady()
{
    if (m_show.isRunning())
        return; // the next step sets the LEDs, and the end of a self-test resyncs them
    if (m_current)
        Q_EMIT ledSetRequested(*m_current);
    else
        Q_EMIT ledClearRequested();
}

void PanelController::onOpenChanged(bool open)
{
    if (!open) {
        // Closing time: attract mode ends, whatever plays stops, and the
        // panel goes dark once.
        endShow();
        const bool playing = m_current.has_value();
        if (playing)
            endPlayback(Ending::Closed);
        finish();
        Q_EMIT ledClearRequested();
        if (playing)
            Q_EMIT playbackStopped();
    } else {
        m_idleSinceMs = m_clock->nowMs();
        armIdle();
    }
    Q_EMIT openChanged(open);
    if (!open)
        resetLanguage(); // the next visitors start in the default language
}

void PanelController::setPolicy(const PressPolicy &policy)
{
    m_policy = policy;
    armIdle();
}

// Attract mode (docs/architecture.md, "Attract mode") begins once the panel
// has been idle for attract_after_s: open, nothing playing, no press. The
// alarm is armed when idleness begins and checks the time again when due, so
// presses in between need not touch it.
void PanelController::armIdle()
{
    if (m_policy.attractAfterMs <= 0 || m_current || m_show.isRunning() || !m_schedule.isOpen()) {
        m_idleAlarm->cancel();
        return;
    }
    m_idleAlarm->start(std::max<qint64>(0, m_idleSinceMs + m_policy.attractAfterMs - m_clock->nowMs()));
}

void PanelController::onIdleDue()
{
    const qint64 idleMs = m_clock->nowMs() - m_idleSinceMs;
    if (m_policy.attractAfterMs <= 0 || m_current || m_show.isRunning() || !m_schedule.isOpen()
        || idleMs < m_policy.attractAfterMs) {
        armIdle();
        return;
    }
    qCInfo(lcController, "attract mode begins: no press for %lld s", static_cast<long long>(idleMs / 1000));
    beginShow(LedShow::Kind::Attract);
}

void PanelController::beginShow(LedShow::Kind kind)
{
    m_idleAlarm->cancel();
    m_show.start(kind);
    if (kind == LedShow::Kind::Attract) {
        Q_EMIT attractChanged(true);
        resetLanguage();
    }
    m_show.advance();
}

void PanelController::onSelfTestDone()
{
    qCInfo(lcController) << "LED self-test done";
    panelReady();
    m_idleSinceMs = m_clock->nowMs();
    armIdle();
}

void PanelController::endShow()
{
    if (m_show.stop() == LedShow::Kind::Attract) {
        qCInfo(lcController) << "attract mode ends";
        Q_EMIT attractChanged(false);
    }
}

// A press ended attract mode or the self-test. One that played has set its
// LED and told the browsers; one that did not (ignored, rejected) leaves the
// LEDs in line with what plays, and browsers leave attract mode.
void PanelController::endShowOnPress(Outcome outcome, LedShow::Kind kind)
{
    if (outcome == Outcome::Played || outcome == Outcome::Stopped)
        return;
    if (outcome != Outcome::Language) // its flash ends with the LEDs in line
        panelReady();
    // Closing during the press told the browsers already.
    if (kind == LedShow::Kind::Attract && m_schedule.isOpen())
        Q_EMIT playbackStopped();
    armIdle();
}

void PanelController::startAttract()
{
    if (!m_schedule.refresh()) {
        qCInfo(lcController) << "attract mode not started: closed (opening_hours)";
        return;
    }
    if (m_show.kind() == LedShow::Kind::Attract)
        return;
    endShow(); // a self-test
    if (m_current) {
        // As /test/stop would, but with the LEDs left to the chase.
        endPlayback(Ending::Stopped);
        finish();
        Q_EMIT playbackStopped();
    }
    qCInfo(lcController) << "attract mode begins: asked for";
    beginShow(LedShow::Kind::Attract);
}

void PanelController::runLedSelfTest()
{
    if (m_show.kind() == LedShow::Kind::Attract) {
        endShow();
        Q_EMIT playbackStopped(); // browsers leave attract mode
    }
    qCInfo(lcController, "LED self-test: %d LEDs, one every %lld ms", m_media->count(),
           static_cast<long long>(m_policy.attractStepMs));
    beginShow(LedShow::Kind::SelfTest);
}
