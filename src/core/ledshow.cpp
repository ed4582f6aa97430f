#include "core/ledshow.h"

#include "core/alarm.h"
#include "core/clock.h"
#include "media/medialibrary.h"
#include "system/presspolicy.h"

#include <utility>

LedShow::LedShow(Clock *clock, const MediaLibrary *media, const PressPolicy *policy, std::function<void(int)> light,
                 std::function<void()> selfTestDone)
    : m_media(media),
      m_policy(policy),
      m_light(std::move(light)),
      m_selfTestDone(std::move(selfTestDone)),
      m_alarm(clock->createAlarm([this] { advance(); }))
{
}

LedShow::~LedShow() = default;

void LedShow::start(Kind kind)
{
    m_alarm->cancel();
    m_kind = kind;
    m_nextId = m_media->firstId();
}

LedShow::Kind LedShow::stop()
{
    m_alarm->cancel();
    return std::exchange(m_kind, Kind::None);
}

// One LED on, the next ID at the next step: the chase wraps round, the
// self-test ends after the last ID.
void LedShow::advance()
{
    if (m_kind == Kind::None)
        return;
    if (m_nextId > m_media->firstId() + m_media->count() - 1) {
        if (m_kind == Kind::SelfTest) {
            m_kind = Kind::None;
            m_selfTestDone();
            return;
        }
        m_nextId = m_media->firstId();
    }
    m_light(m_nextId++);
    m_alarm->start(m_policy->attractStepMs);
}
