#ifndef WSFRAMEREADER_H
#define WSFRAMEREADER_H

#include <QByteArray>
#include <QByteArrayView>

// The receiving half of one WebSocket client connection: a buffer that the
// socket is read into and in which the server's frames (RFC 6455 §5) are
// taken apart in place. The buffer only grows, to the largest frame seen, so
// that the steady state allocates nothing per message.
class WsFrameReader
{
public:
    enum class Item {
        None,     // nothing complete buffered; read more
        Text,     // a whole text message (fragments joined)
        Ping,     // payload() to be sent back in a pong
        Close,    // payload() holds the status code and reason
        Error     // protocol error; errorString() says which
    };

    WsFrameReader();

    // Where the next read() puts its bytes, and how many fit (never 0).
    char *writePointer() { return m_buffer.data() + m_end; }
    qsizetype writeSpace() const { return m_buffer.size() - m_end; }
    void commit(qsizetype bytes) { m_end += bytes; }

    // The bytes not consumed yet (the handshake reads its response here).
    QByteArrayView buffered() const
    {
        return QByteArrayView(m_buffer.constData() + m_begin, m_end - m_begin);
    }
    void discard(qsizetype bytes) { m_begin += bytes; }

    // The next complete message or control frame. Pongs, binary messages
    // and empty continuation steps are skipped. payload() stays valid until
    // next() is called again.
    Item next();
    QByteArrayView payload() const { return m_payload; }
    const char *errorString() const { return m_error; }

    void reset();

private:
    Item fail(const char *why);
    void makeRoom(qsizetype frameSize);

    QByteArray m_buffer;        // its size() is the capacity in use
    qsizetype m_begin = 0;      // first unconsumed byte
    qsizetype m_end = 0;        // one past the last byte read
    QByteArray m_fragments;     // a fragmented text message so far
    int m_fragmentOpcode = -1;  // opcode of the message being continued
    QByteArrayView m_payload;
    const char *m_error = "";
};

#endif // WSFRAMEREADER_H
