#ifndef CLIENTFRAMESCANNER_H
#define CLIENTFRAMESCANNER_H

#include <QByteArrayView>
#include <QtGlobal>

// Follows the frame boundaries in what a browser sends after the handshake
// and checks that every frame has the mask bit, which RFC 6455 §5.1 demands
// of a client and Qt's WebSocket layer does not check (docs/websocket.md,
// "Framing and limits"). Only frame headers are read; payloads are counted,
// never looked at. Everything else about a frame is Qt's to judge.
class ClientFrameScanner
{
public:
    // Takes the next bytes of the stream, in any pieces. False once a frame
    // without the mask bit has begun, and from then on.
    bool feed(QByteArrayView bytes);

    // The rest of the current frame's payload, which need not be looked at:
    // skipPayload() passes over up to that many bytes.
    quint64 payloadLeft() const { return m_payloadLeft; }
    void skipPayload(quint64 bytes);

    bool sawUnmaskedFrame() const { return m_unmasked; }
    // How many bytes of an unfinished frame have been fed: 0 between frames.
    quint64 partialFrameBytes() const { return m_frameBytes; }
    quint64 completeFrames() const { return m_frames; }

private:
    quint64 payloadLength() const;
    void startFrame();

    // The longest header: 2 bytes, a 64-bit length and the masking key.
    unsigned char m_header[14] = {};
    int m_headerSize = 0;   // bytes of the header taken so far
    int m_headerLength = 2; // its length, known once its first 2 bytes are in
    quint64 m_payloadLeft = 0;
    quint64 m_frameBytes = 0;
    quint64 m_frames = 0;
    bool m_unmasked = false;
};

#endif // CLIENTFRAMESCANNER_H
