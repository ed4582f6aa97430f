#include "core/languagecycle.h"

#include "core/alarm.h"
#include "core/clock.h"

#include <algorithm>

LanguageCycle::LanguageCycle(Clock *clock, std::function<void()> flashDone)
    : m_flash(clock->createAlarm(std::move(flashDone)))
{
}

LanguageCycle::~LanguageCycle() = default;

void LanguageCycle::configure(int button, const QStringList &languages)
{
    m_button = button;
    m_languages = languages;
    m_index = -1;
}

QString LanguageCycle::cycle()
{
    if (!canCycle())
        return {};
    m_index = (std::max<qsizetype>(m_index, 0) + 1) % m_languages.size();
    m_flash->start(flashMs);
    return m_languages.at(m_index);
}

bool LanguageCycle::reset()
{
    const bool chosen = m_index >= 0;
    m_index = -1;
    return chosen;
}
