#include "web/websocketconnection.h"

#include "system/logging.h"

#include <QTimerEvent>
#include <QtEndian>

#include <cerrno>
#include <sys/socket.h>
#include <unistd.h>

namespace {
// How long a close frame waits for the browser's answer.
constexpr int closeWaitMs = 1000;
// What one wake-up reads at most: a browser that floods cannot hold the
// event loop, which comes back for the rest.
constexpr qsizetype readChunk = 16 * 1024;
constexpr int readsPerWakeup = 4;
} // namespace

WebSocketConnection::WebSocketConnection(int descriptor, const QHostAddress &peerAddress, quint16 peerPort,
                                         qsizetype maxMessageSize, SocketPoller *poller, QObject *parent)
    : QObject(parent),
      m_descriptor(descriptor),
      m_peerAddress(peerAddress),
      m_peerPort(peerPort),
      m_poller(poller),
      m_reader(maxMessageSize)
{
    if (!m_poller->watch(m_descriptor, this)) {
        qCWarning(lcWs).noquote() << "cannot watch the connection from" << peer() << "-" << qt_error_string(errno);
        finish();
    }
}

WebSocketConnection::~WebSocketConnection()
{
    if (m_state == State::Open)
        sendClose(1001, "going away");
    if (m_descriptor >= 0) {
        m_poller->unwatch(m_descriptor);
        ::close(m_descriptor);
    }
}

QString WebSocketConnection::peer() const
{
    return QStringLiteral("%1:%2").arg(m_peerAddress.toString()).arg(m_peerPort);
}

QByteArray WebSocketConnection::frame(Opcode opcode, QByteArrayView payload)
{
    const qsizetype size = payload.size();
    QByteArray out;
    out.reserve(10 + size);
    out.append(char(0x80 | opcode)); // FIN: every frame the gateway sends is whole
    char length[8];
    if (size < 126) {
        out.append(char(size));
    } else if (size <= 0xffff) {
        out.append(char(126));
        qToBigEndian(quint16(size), length);
        out.append(length, 2);
    } else {
        out.append(char(127));
        qToBigEndian(quint64(size), length);
        out.append(length, 8);
    }
    out.append(payload);
    return out;
}

void WebSocketConnection::write(QByteArrayView bytes)
{
    if (m_state == State::Open)
        send(bytes.data(), bytes.size());
}

void WebSocketConnection::close(quint16 code, QByteArrayView reason)
{
    if (m_state != State::Open)
        return;
    sendClose(code, reason);
    if (m_state == State::Closed)
        return; // the browser was already gone
    m_state = State::Closing;
    // Nothing else follows the close frame: the browser sees the end at once.
    if (bytesToWrite() == 0)
        ::shutdown(m_descriptor, SHUT_WR);
    m_closeTimer = startTimer(closeWaitMs);
}

void WebSocketConnection::abort()
{
    finish();
}

void WebSocketConnection::sendClose(quint16 code, QByteArrayView reason)
{
    // 1005 (none given) never travels: the frame is then empty.
    char payload[125];
    qsizetype size = 0;
    if (code != 1005) {
        qToBigEndian(code, payload);
        const qsizetype reasonSize = qMin<qsizetype>(reason.size(), sizeof payload - 2);
        std::copy_n(reason.data(), reasonSize, payload + 2);
        size = 2 + reasonSize;
    }
    const QByteArray closeFrame = frame(Opcode::Close, QByteArrayView(payload, size));
    send(closeFrame.constData(), closeFrame.size());
}

void WebSocketConnection::send(const char *data, qint64 size)
{
    if (bytesToWrite() == 0) {
        while (size > 0) {
            const ssize_t sent = ::send(m_descriptor, data, size_t(size), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (sent < 0) {
                if (errno == EINTR)
                    continue;
                if (errno == EAGAIN || errno == EWOULDBLOCK)
                    break;
                finish(); // reset or broken pipe: the browser is gone
                return;
            }
            data += sent;
            size -= sent;
        }
        if (size == 0)
            return;
    } else if (m_pendingSent > m_pending.size() / 2) {
        m_pending.remove(0, m_pendingSent);
        m_pendingSent = 0;
    }
    if (m_pending.isEmpty())
        m_poller->watchWrites(m_descriptor, this, true);
    m_pending.append(data, size);
}

void WebSocketConnection::socketWritable()
{
    if (m_state == State::Closed)
        return;
    while (bytesToWrite() > 0) {
        const ssize_t sent = ::send(m_descriptor, m_pending.constData() + m_pendingSent, size_t(bytesToWrite()),
                                    MSG_NOSIGNAL | MSG_DONTWAIT);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                finish();
            return;
        }
        m_pendingSent += sent;
    }
    m_pending = QByteArray();
    m_pendingSent = 0;
    m_poller->watchWrites(m_descriptor, this, false);
    if (m_state == State::Closing) {
        if (m_closeWhenWritten)
            finish();
        else
            ::shutdown(m_descriptor, SHUT_WR);
    }
}

void WebSocketConnection::socketReadable()
{
    if (m_state == State::Closed)
        return;
    char buffer[readChunk];
    for (int round = 0; round < readsPerWakeup && m_state != State::Closed; ++round) {
        const ssize_t received = ::recv(m_descriptor, buffer, sizeof buffer, MSG_DONTWAIT);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (received <= 0) {
            finish(); // the browser closed, or the connection broke
            return;
        }
        if (!m_reader.hasFailed()) {
            m_reader.append(QByteArrayView(buffer, received));
            // All of what came is judged before any of it is acted on.
            QList<WebSocketFrameReader::Message> messages;
            WebSocketFrameReader::Message message;
            while (m_reader.next(&message))
                messages.append(std::move(message));
            if (m_reader.hasFailed()) {
                if (m_state == State::Open) {
                    const WebSocketFrameReader::Failure &failure = m_reader.failure();
                    qCWarning(lcWs).noquote().nospace() << "browser " << peer() << " broke the WebSocket rules: "
                                                        << failure.reason << "; closing with " << failure.code;
                    close(failure.code, failure.reason);
                }
                return;
            }
            for (const WebSocketFrameReader::Message &each : std::as_const(messages)) {
                if (m_state == State::Closed)
                    return;
                handle(each);
            }
        }
        if (received < readChunk)
            return;
    }
}

void WebSocketConnection::handle(const WebSocketFrameReader::Message &message)
{
    switch (message.opcode) {
    case Opcode::Text:
        if (m_state == State::Open)
            Q_EMIT textMessageReceived(message.payload);
        break;
    case Opcode::Binary:
        if (m_state == State::Open)
            Q_EMIT binaryMessageReceived();
        break;
    case Opcode::Ping:
        write(frame(Opcode::Pong, message.payload));
        break;
    case Opcode::Pong:
        Q_EMIT pongReceived();
        break;
    case Opcode::Close:
        if (m_state == State::Open) {
            // The answer echoes the browser's code (RFC 6455 §5.5.1).
            quint16 code = 1005;
            WebSocketFrameReader::readClose(message.payload, &code);
            sendClose(code, {});
            if (m_state == State::Closed)
                break;
            m_state = State::Closing;
            m_closeWhenWritten = true;
            if (bytesToWrite() == 0)
                finish();
        } else {
            finish(); // the answer to our close
        }
        break;
    case Opcode::Continuation:
        break; // never a whole message
    }
}

void WebSocketConnection::timerEvent(QTimerEvent *event)
{
    if (event->timerId() == m_closeTimer)
        finish(); // no answer to the close frame
}

void WebSocketConnection::finish()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    if (m_closeTimer)
        killTimer(std::exchange(m_closeTimer, 0));
    m_poller->unwatch(m_descriptor);
    ::close(m_descriptor);
    m_descriptor = -1;
    m_pending = QByteArray();
    m_pendingSent = 0;
    QMetaObject::invokeMethod(this, &WebSocketConnection::disconnected, Qt::QueuedConnection);
}
