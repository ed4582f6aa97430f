#ifndef LANGUAGECYCLE_H
#define LANGUAGECYCLE_H

#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class Alarm;
class Clock;

// The panel's language button for PanelController (docs/architecture.md,
// "Captions and languages"): each press chooses the next of the configured
// languages for the presses that follow, and its LED is lit for a moment.
// The choice stays until the button is pressed again, and goes back to the
// default (the first language) when the controller says so: at closing time
// and when attract mode begins.
class LanguageCycle
{
public:
    static constexpr qint64 flashMs = 800; // the button's LED, lit to say "heard"

    // `flashDone()` once the button's LED has been lit for flashMs.
    LanguageCycle(Clock *clock, std::function<void()> flashDone);
    ~LanguageCycle();

    // `button` -1: none. The choice goes back to the default.
    void configure(int button, const QStringList &languages);
    bool isButton(int id) const { return m_button >= 0 && id == m_button; }
    int button() const { return m_button; }
    QStringList languages() const { return m_languages; }
    // Something to choose from: a button and two languages or more.
    bool canCycle() const { return m_button >= 0 && m_languages.size() > 1; }
    // The language the button chose; empty when it was not pressed since the default.
    QString chosen() const { return m_index < 0 ? QString() : m_languages.value(m_index); }
    // Chooses the language after the one in effect (the default's, when
    // none was chosen), starts the LED's flash and returns the choice.
    QString cycle();
    // Back to the default; true when a language had been chosen.
    bool reset();

private:
    std::unique_ptr<Alarm> m_flash;
    int m_button = -1;
    QStringList m_languages;
    qsizetype m_index = -1; // the chosen language, -1: none
};

#endif // LANGUAGECYCLE_H
