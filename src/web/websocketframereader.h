#ifndef WEBSOCKETFRAMEREADER_H
#define WEBSOCKETFRAMEREADER_H

#include <QByteArray>
#include <QByteArrayView>

// Reads what a browser sends on a WebSocket, RFC 6455 §5, and holds it to
// the rules (docs/websocket.md, "Framing and limits"): every frame masked,
// no reserved bits, known opcodes, control frames short and whole,
// fragments in order, messages within the size limit, text valid UTF-8.
// It does no I/O: bytes go in as they arrive, in any pieces, and whole
// messages and control frames come out. The first broken rule ends the
// stream, with the close code RFC 6455 §7.4.1 gives for it.
class WebSocketFrameReader
{
public:
    enum Opcode : quint8 {
        Continuation = 0x0,
        Text = 0x1,
        Binary = 0x2,
        Close = 0x8,
        Ping = 0x9,
        Pong = 0xa,
    };

    // A whole text or binary message, or one control frame.
    struct Message
    {
        Opcode opcode = Text;
        QByteArray payload;
    };

    struct Failure
    {
        quint16 code = 0; // 0: none
        const char *reason = "";
    };

    explicit WebSocketFrameReader(qsizetype maxMessageSize) : m_maxMessageSize(maxMessageSize) { }

    void append(QByteArrayView bytes) { m_buffer.append(bytes.data(), bytes.size()); }

    // The next message or control frame, in the order they were sent; false
    // when none is complete yet, or once a rule was broken.
    bool next(Message *message);

    const Failure &failure() const { return m_failure; }
    bool hasFailed() const { return m_failure.code != 0; }

    // The close code a close frame's payload carries: 1005 (none given) for
    // an empty payload. False when the payload breaks the rules.
    static bool readClose(QByteArrayView payload, quint16 *code);
    static bool isValidCloseCode(quint16 code);

private:
    bool fail(quint16 code, const char *reason);
    void dropRead();

    QByteArray m_buffer;      // bytes not yet read into a frame
    qsizetype m_read = 0;     // how many of them have been
    QByteArray m_message;     // a fragmented message's payload so far
    Opcode m_messageOpcode = Text;
    bool m_inMessage = false;
    qsizetype m_maxMessageSize;
    Failure m_failure;
};

#endif // WEBSOCKETFRAMEREADER_H
