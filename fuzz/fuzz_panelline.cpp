// The serial input path: bytes from the panel, cut into arbitrary pieces as
// USB-CDC may deliver them, through LineBuffer and each complete line through
// PanelLine::parse (docs/serial-protocol.md).
//
// Input: byte 0 picks the line limit (below 0x80: the default; from 0x80 on:
// 0 to 127, so that overlong lines are cheap to reach), byte 1 seeds how the
// rest is cut into pieces and where the buffer is cleared (0: one piece), the
// rest is the byte stream. Seeds in fuzz/corpus/fuzz_panelline/ start with two
// printable bytes, so they read as text.

#include "fuzzcheck.h"

#include "panel/linebuffer.h"
#include "panel/panelline.h"

#include <QByteArray>
#include <QList>

#include <cstddef>
#include <cstdint>
#include <limits>

namespace {

// What LineBuffer must return for `stream` fed in any pieces, without clear():
// the LF-terminated lines minus one trailing CR, those longer than `limit`
// dropped and counted, and an unterminated tail over the limit counted too.
void expectLines(const QByteArray &stream, qsizetype limit, QList<QByteArray> *lines, qsizetype *dropped)
{
    const QList<QByteArray> segments = stream.split('\n');
    for (qsizetype i = 0; i < segments.size(); ++i) {
        QByteArray line = segments.at(i);
        if (line.endsWith('\r'))
            line.chop(1);
        const bool tail = i == segments.size() - 1;
        if (line.size() > limit)
            ++*dropped;
        else if (!tail)
            lines->append(line);
    }
}

bool isDecimal(const QByteArray &text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

void checkParse(const QByteArray &line)
{
    const PanelLine parsed = PanelLine::parse(line);
    const QByteArray trimmed = line.trimmed();
    switch (parsed.kind()) {
    case PanelLine::Kind::Press:
    case PanelLine::Kind::Release: {
        // Only a well-formed `PRESS NNN` / `RELEASE NNN` has an ID.
        const QByteArray word = parsed.kind() == PanelLine::Kind::Press ? "PRESS " : "RELEASE ";
        FUZZ_CHECK(trimmed.startsWith(word));
        FUZZ_CHECK(trimmed.mid(word.size()).trimmed() == parsed.text());
        // Digits of any length: an ID too large for an int reads as the
        // largest int, which no range holds, so it is counted as rejected.
        FUZZ_CHECK(isDecimal(parsed.text()));
        FUZZ_CHECK(parsed.id() >= 0);
        bool fits = false;
        const qlonglong value = parsed.text().toLongLong(&fits);
        if (fits && value <= std::numeric_limits<int>::max())
            FUZZ_CHECK(value == parsed.id());
        else
            FUZZ_CHECK(parsed.id() == std::numeric_limits<int>::max());
        // The firmware's own form of the same ID reads the same.
        const PanelLine canonical = PanelLine::parse(word + QByteArray::number(parsed.id()).rightJustified(3, '0'));
        FUZZ_CHECK(canonical.kind() == parsed.kind() && canonical.id() == parsed.id());
        break;
    }
    case PanelLine::Kind::Ready:
        FUZZ_CHECK(trimmed == "READY" && parsed.id() == -1 && parsed.text().isEmpty());
        break;
    case PanelLine::Kind::Pong:
        FUZZ_CHECK(trimmed == "PONG" && parsed.id() == -1 && parsed.text().isEmpty());
        break;
    case PanelLine::Kind::Ok:
        FUZZ_CHECK(trimmed == "OK" && parsed.id() == -1 && parsed.text().isEmpty());
        break;
    case PanelLine::Kind::Firmware:
        FUZZ_CHECK(trimmed.startsWith("FW ") && !parsed.text().isEmpty() && parsed.id() == -1);
        break;
    case PanelLine::Kind::Error:
        FUZZ_CHECK(trimmed.startsWith("ERROR") && parsed.id() == -1);
        break;
    case PanelLine::Kind::Status:
    case PanelLine::Kind::Other:
        FUZZ_CHECK(parsed.text() == trimmed && parsed.id() == -1);
        break;
    }
    if (!trimmed.startsWith("PRESS"))
        FUZZ_CHECK(parsed.kind() != PanelLine::Kind::Press);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype limit = data[0] < 0x80 ? LineBuffer::DefaultMaxLength : data[0] - 0x80;
    quint32 random = data[1] * 2654435761u + 1; // xorshift32 state, never 0
    const bool onePiece = data[1] == 0;
    const QByteArray stream(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));

    LineBuffer buffer(limit);
    QList<QByteArray> got;
    QList<QByteArray> expected;
    qsizetype expectedDropped = 0;
    qsizetype sinceClear = 0; // where the data fed since the last clear() starts
    qsizetype at = 0;
    while (at < stream.size()) {
        random ^= random << 13;
        random ^= random >> 17;
        random ^= random << 5;
        if (!onePiece && random % 32 == 0) {
            // A reconnect: the half line of before must not glue onto what follows.
            expectLines(stream.mid(sinceClear, at - sinceClear), limit, &expected, &expectedDropped);
            buffer.clear();
            sinceClear = at;
            continue;
        }
        const qsizetype length = onePiece ? stream.size() : qsizetype(random % 24);
        const QList<QByteArray> lines = buffer.append(stream.mid(at, length));
        for (const QByteArray &line : lines) {
            FUZZ_CHECK(line.size() <= limit);
            FUZZ_CHECK(!line.contains('\n'));
            checkParse(line);
        }
        got += lines;
        at += length;
    }
    expectLines(stream.mid(sinceClear), limit, &expected, &expectedDropped);

    // However the stream was cut, the same lines come out.
    FUZZ_CHECK(got == expected);
    FUZZ_CHECK(buffer.droppedLines() == expectedDropped);
    return 0;
}
