#ifndef PANELLINE_H
#define PANELLINE_H

#include <QByteArray>

// One line from the panel firmware, classified (docs/serial-protocol.md).
// Only a well-formed `PRESS NNN` is ever a press: boot noise from the ESP32
// ROM and debug output contain digits too.
class PanelLine
{
public:
    enum class Kind {
        Press,    // PRESS NNN
        Release,  // RELEASE NNN
        Ready,    // READY: the firmware (re)booted, its LEDs are off
        Firmware, // FW <text>
        Pong,
        Ok,
        Error,    // ERROR <text>
        Status,   // CURLED n, BTNS n, LEDS n, HEAP n, MODE …, STATUS …
        Other,    // debug output, ROM boot lines, garbage
    };

    static PanelLine parse(const QByteArray &line);

    Kind kind() const { return m_kind; }
    // Press and Release: the ID, up to the largest int; -1 otherwise.
    int id() const { return m_id; }
    QByteArray text() const { return m_text; } // the argument, or the whole line for Other

private:
    PanelLine(Kind kind, int id, const QByteArray &text);

    Kind m_kind;
    int m_id;
    QByteArray m_text;
};

#endif // PANELLINE_H
