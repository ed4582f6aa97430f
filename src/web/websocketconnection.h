#ifndef WEBSOCKETCONNECTION_H
#define WEBSOCKETCONNECTION_H

#include "web/socketpoller.h"
#include "web/websocketframereader.h"

#include <QByteArray>
#include <QHostAddress>
#include <QObject>

// One browser's WebSocket after its handshake (docs/websocket.md): the
// connection's descriptor, what the browser sends turned into signals by
// WebSocketFrameReader, and frames written straight to the kernel. The hub
// builds a broadcast's frames once and hands the same bytes to every
// connection; an idle connection holds no buffer, and only what the kernel
// would not take yet is kept (bytesToWrite()).
//
// disconnected() is emitted once, always from the event loop, never from
// inside a call to the connection: a caller may abort or write to many
// connections in a loop without any of them leaving its container meanwhile.
class WebSocketConnection : public QObject, private SocketPoller::Watcher
{
    Q_OBJECT

public:
    using Opcode = WebSocketFrameReader::Opcode;

    // Takes over `descriptor`, a connected non-blocking TCP socket, and
    // closes it when done; `poller` says when it is ready.
    WebSocketConnection(int descriptor, const QHostAddress &peerAddress, quint16 peerPort,
                        qsizetype maxMessageSize, SocketPoller *poller, QObject *parent = nullptr);
    // A connection still open says it is going away (1001).
    ~WebSocketConnection() override;

    // One unmasked frame, as a server sends it (RFC 6455 §5.2).
    static QByteArray frame(Opcode opcode, QByteArrayView payload);

    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    QString peer() const; // address:port, for the log
    // Bytes written that the kernel has not taken yet.
    qint64 bytesToWrite() const { return m_pending.size() - m_pendingSent; }

    // Whole frames, or the handshake's answer; written in order, at once
    // as far as the kernel takes them. Nothing once closing.
    void write(QByteArrayView bytes);
    // The close handshake (RFC 6455 §7): the close frame, then the
    // connection ends when the browser answers it, or after a second.
    void close(quint16 code, QByteArrayView reason);
    // Ends the connection now, without a close frame.
    void abort();

Q_SIGNALS:
    void textMessageReceived(const QByteArray &utf8);
    void binaryMessageReceived();
    void pongReceived();
    void disconnected();

protected:
    void timerEvent(QTimerEvent *event) override;

private:
    enum class State { Open, Closing, Closed };

    void socketReadable() override;
    void socketWritable() override;
    void handle(const WebSocketFrameReader::Message &message);
    void send(const char *data, qint64 size);
    void sendClose(quint16 code, QByteArrayView reason);
    void finish();

    int m_descriptor;
    QHostAddress m_peerAddress;
    quint16 m_peerPort;
    State m_state = State::Open;
    SocketPoller *m_poller;
    WebSocketFrameReader m_reader;
    QByteArray m_pending;          // written, not yet taken by the kernel
    qsizetype m_pendingSent = 0;   // of which this many have since gone
    int m_closeTimer = 0;
    bool m_closeWhenWritten = false;
};

#endif // WEBSOCKETCONNECTION_H
