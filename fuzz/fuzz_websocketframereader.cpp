// What browsers send on /ws after the handshake: frames, cut into arbitrary
// pieces as TCP may deliver them, through WebSocketFrameReader
// (docs/websocket.md, "Framing and limits").
//
// Input: byte 0 picks the message limit (below 0x80: the gateway's 64 KiB;
// from 0x80 on: 0 to 127 bytes, so that the limit is cheap to reach), byte 1
// seeds how the rest is cut into pieces (0: one piece), the rest is the
// byte stream.

#include "fuzzcheck.h"

#include "web/websocketframereader.h"

#include <QByteArray>
#include <QList>

#include <cstddef>
#include <cstdint>

namespace {

struct Outcome
{
    QList<WebSocketFrameReader::Message> messages;
    quint16 failure = 0;
};

Outcome read(const QByteArray &stream, qsizetype limit, quint32 random, bool onePiece)
{
    WebSocketFrameReader reader(limit);
    Outcome outcome;
    WebSocketFrameReader::Message message;
    qsizetype at = 0;
    while (at < stream.size() && !reader.hasFailed()) {
        random ^= random << 13;
        random ^= random >> 17;
        random ^= random << 5;
        const qsizetype length = onePiece ? stream.size() : qMin(qsizetype(random % 24), stream.size() - at);
        reader.append(QByteArrayView(stream).sliced(at, length));
        at += length;
        while (reader.next(&message)) {
            const bool control = message.opcode & 0x8;
            FUZZ_CHECK(control ? message.payload.size() <= 125 : message.payload.size() <= limit);
            if (message.opcode == WebSocketFrameReader::Text)
                FUZZ_CHECK(QByteArrayView(message.payload).isValidUtf8());
            if (message.opcode == WebSocketFrameReader::Close)
                FUZZ_CHECK(WebSocketFrameReader::readClose(message.payload, nullptr));
            FUZZ_CHECK(message.opcode != WebSocketFrameReader::Continuation);
            outcome.messages.append(message);
        }
    }
    outcome.failure = reader.failure().code;
    // A broken rule ends the stream: nothing comes out after it.
    if (reader.hasFailed()) {
        FUZZ_CHECK(outcome.failure == 1002 || outcome.failure == 1007 || outcome.failure == 1009);
        reader.append(QByteArrayView(stream));
        FUZZ_CHECK(!reader.next(&message));
    }
    return outcome;
}

bool same(const Outcome &a, const Outcome &b)
{
    if (a.failure != b.failure || a.messages.size() != b.messages.size())
        return false;
    for (qsizetype i = 0; i < a.messages.size(); ++i) {
        if (a.messages.at(i).opcode != b.messages.at(i).opcode || a.messages.at(i).payload != b.messages.at(i).payload)
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const qsizetype limit = data[0] < 0x80 ? 64 * 1024 : data[0] - 0x80;
    const quint32 random = data[1] * 2654435761u + 1; // xorshift32 state, never 0
    const QByteArray stream(reinterpret_cast<const char *>(data + 2), qsizetype(size - 2));

    // However the stream was cut, the same messages and the same verdict.
    const Outcome whole = read(stream, limit, random, true);
    FUZZ_CHECK(same(whole, read(stream, limit, random, data[1] == 0)));
    return 0;
}
