#include "panel/panelline.h"

#include <QByteArrayView>

#include <limits>

namespace {

// IDs are decimal; the firmware pads to three digits, old firmware may not.
// Numbers of any length are IDs, so that the controller can reject and count
// them; one too large for an int becomes the largest int, which no range holds.
int parseId(QByteArrayView digits)
{
    if (digits.isEmpty())
        return -1;
    constexpr qint64 largest = std::numeric_limits<int>::max();
    qint64 id = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return -1;
        id = qMin(id * 10 + (c - '0'), largest);
    }
    return int(id);
}

} // namespace

PanelLine::PanelLine(Kind kind, int id, const QByteArray &text)
    : m_kind(kind), m_id(id), m_text(text)
{
}

PanelLine PanelLine::parse(const QByteArray &raw)
{
    const QByteArray line = raw.trimmed();
    const qsizetype space = line.indexOf(' ');
    const QByteArray word = space < 0 ? line : line.left(space);
    const QByteArray rest = space < 0 ? QByteArray() : line.mid(space + 1).trimmed();

    if (word == "PRESS" || word == "RELEASE") {
        const int id = parseId(rest);
        if (id >= 0)
            return PanelLine(word == "PRESS" ? Kind::Press : Kind::Release, id, rest);
        return PanelLine(Kind::Other, -1, line);
    }
    if (line == "READY")
        return PanelLine(Kind::Ready, -1, {});
    if (line == "PONG")
        return PanelLine(Kind::Pong, -1, {});
    if (line == "OK")
        return PanelLine(Kind::Ok, -1, {});
    if (word == "FW" && !rest.isEmpty())
        return PanelLine(Kind::Firmware, -1, rest);
    if (word == "ERROR")
        return PanelLine(Kind::Error, -1, rest);
    static const QByteArray statusWords[] = { "CURLED", "BTNS", "LEDS", "HEAP", "MODE", "STATUS" };
    for (const QByteArray &status : statusWords) {
        if (word == status)
            return PanelLine(Kind::Status, -1, line);
    }
    return PanelLine(Kind::Other, -1, line);
}
