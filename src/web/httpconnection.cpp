#include "web/httpconnection.h"

#include "web/websockethandshake.h"

#include "system/logging.h"

#include <QIODevice>
#include <QTcpSocket>

namespace {
// A body is topped up while less than this waits to be sent: a slow client
// never makes the gateway hold more of a file than this.
constexpr qint64 highWater = 64 * 1024;
constexpr qint64 chunkSize = 32 * 1024;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 426: return "Upgrade Required";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    }
    return "Unknown";
}
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const HttpLimits &limits, const QString &webSocketPath,
                               Handler handler, QObject *parent)
    : QObject(parent),
      m_socket(socket),
      m_limits(limits),
      m_webSocketPath(webSocketPath),
      m_handler(std::move(handler))
{
    m_socket->setParent(this);
    // Qt stops reading from the kernel once this much waits unread: a
    // client that pipelines without reading answers fills its own TCP
    // window, not the gateway's memory.
    m_socket->setReadBufferSize(m_limits.request.maxHeadBytes + m_limits.request.maxBodyBytes + 1024);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HttpConnection::onTimeout);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::processRequests);
    connect(m_socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(m_socket, &QTcpSocket::disconnected, this, &QObject::deleteLater);
    connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            qCDebug(lcHttp).noquote() << "connection from" << peer() << "failed:" << m_socket->errorString();
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            deleteLater();
    });
    m_timer.start(m_limits.requestTimeoutMs);
}

HttpConnection::~HttpConnection()
{
    if (m_socket)
        m_socket->disconnect(this);
}

QString HttpConnection::peer() const
{
    return QStringLiteral("%1:%2").arg(m_socket->peerAddress().toString()).arg(m_socket->peerPort());
}

void HttpConnection::onBytesWritten()
{
    if (m_body) {
        pumpBody();
    } else if (m_socket->bytesToWrite() > 0) {
        m_timer.start(m_limits.sendTimeoutMs); // it is still reading: give it time
    } else if (m_state == State::Waiting) {
        m_timer.start(m_limits.requestTimeoutMs); // all sent: idle from now on
    }
}

void HttpConnection::processRequests()
{
    // One request at a time: the next waits, unread, until this one is answered.
    if (m_processing)
        return;
    m_processing = true;
    while (m_state == State::Waiting && takeRequest()) { }
    m_processing = false;
}

// Reads and answers the request at the front of the buffer; false when
// there is none yet or the connection stops reading.
bool HttpConnection::takeRequest()
{
    const QByteArray buffered = m_socket->peek(m_socket->bytesAvailable());
    if (buffered.isEmpty())
        return false;
    const HttpRequestParser::Result parsed = HttpRequestParser::parse(buffered, m_limits.request);
    switch (parsed.status) {
    case HttpRequestParser::Result::Status::Incomplete:
        return false; // the request timer is already running
    case HttpRequestParser::Result::Status::Error:
        refuse(parsed.errorStatus, parsed.reason, parsed.reason + '\n');
        return false;
    case HttpRequestParser::Result::Status::Complete:
        break;
    }

    HttpRequest request = parsed.request;
    request.peer = m_socket->peerAddress();
    if (request.isWebSocketUpgrade()) {
        m_socket->skip(parsed.length);
        if (request.url.path() != m_webSocketPath || !request.isGet()) {
            qCWarning(lcWs).noquote() << "refused WebSocket upgrade on" << request.url.path().left(200) << "from"
                                      << peer();
            refuse(404, QByteArray(), "Not found: WebSocket connections are made on " + m_webSocketPath.toUtf8() + '\n');
            return false;
        }
        const WebSocketHandshake::Verdict verdict = WebSocketHandshake::judge(request);
        if (verdict.status != 101) {
            qCWarning(lcWs).noquote() << "refused WebSocket handshake from" << peer() << "-" << verdict.reason;
            refuse(verdict.status, QByteArray(), verdict.reason + '\n',
                   verdict.status == 426 ? HttpResponder::HeaderList { { "Sec-WebSocket-Version", "13" } }
                                         : HttpResponder::HeaderList {});
            return false;
        }
        // The hub answers it and speaks WebSocket from here on.
        m_timer.stop();
        m_socket->disconnect(this);
        m_socket->setParent(parent());
        QTcpSocket *socket = m_socket;
        m_socket = nullptr;
        m_state = State::Closing;
        deleteLater();
        Q_EMIT webSocketRequested(socket, request);
        return false;
    }

    m_socket->skip(parsed.length);
    m_timer.stop();
    m_state = State::Responding;
    m_closeAfterResponse = request.wantsClose();
    HttpResponder responder(this, request.isHead());
    const QString path = request.url.path();
    if (m_reserveOnly && path != QLatin1String("/health") && path != QLatin1String("/status")
        && path != QLatin1String("/metrics")) {
        m_closeAfterResponse = true;
        responder.write(503, { { "Content-Type", "text/plain; charset=utf-8" }, { "Retry-After", "5" } },
                        "Too many connections: try again shortly\n");
    } else {
        m_handler(request, responder);
    }
    if (!responder.hasAnswered()) {
        qCCritical(lcHttp).noquote() << "no answer for" << path.left(200);
        responder.write(500, { { "Content-Type", "text/plain; charset=utf-8" } }, "Internal error\n");
    }
    return m_state == State::Waiting;
}

void HttpConnection::refuse(int status, const QByteArray &reason, const QByteArray &text,
                            HttpResponder::HeaderList headers)
{
    if (!reason.isEmpty())
        qCInfo(lcHttp).noquote() << status << "for a request from" << peer() << "-" << reason;
    // What follows cannot be trusted to start a request: answer and close.
    m_state = State::Responding;
    m_closeAfterResponse = true;
    disconnect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::processRequests);
    headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("text/plain; charset=utf-8")));
    writeHead(status, headers, text.size(), text);
    finishResponse();
}

void HttpConnection::writeResponse(int status, const HttpResponder::HeaderList &headers, qint64 contentLength,
                                   const QByteArray &body)
{
    if (m_state != State::Responding)
        return;
    writeHead(status, headers, contentLength, body);
    finishResponse();
}

void HttpConnection::writeResponse(int status, const HttpResponder::HeaderList &headers,
                                   std::unique_ptr<QIODevice> body)
{
    if (m_state != State::Responding)
        return;
    writeHead(status, headers, body->size(), QByteArray());
    if (!body->isOpen() && !body->open(QIODevice::ReadOnly)) {
        qCWarning(lcHttp).noquote() << "cannot read the body:" << body->errorString();
        m_closeAfterResponse = true; // the announced body will not come
        finishResponse();
        return;
    }
    m_body = std::move(body);
    pumpBody();
}

void HttpConnection::awaitDeferredResponse()
{
    m_timer.start(m_limits.sendTimeoutMs);
}

void HttpConnection::writeHead(int status, const HttpResponder::HeaderList &headers, qint64 contentLength,
                               const QByteArray &body)
{
    QByteArray head = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    for (const auto &header : headers)
        head += header.first + ": " + header.second + "\r\n";
    if (contentLength >= 0)
        head += "Content-Length: " + QByteArray::number(contentLength) + "\r\n";
    if (m_closeAfterResponse)
        head += "Connection: close\r\n";
    head += "\r\n";
    // One write: head and a short body leave in one segment.
    m_socket->write(head + body);
}

void HttpConnection::pumpBody()
{
    char buffer[chunkSize];
    while (m_body && m_socket->bytesToWrite() < highWater) {
        if (m_body->atEnd()) {
            m_body.reset();
            finishResponse();
            return;
        }
        const qint64 got = m_body->read(buffer, chunkSize);
        if (got <= 0) {
            // Content-Length is out already: closing is the only honest end.
            qCWarning(lcHttp).noquote() << "reading the body failed:" << m_body->errorString();
            m_body.reset();
            m_closeAfterResponse = true;
            finishResponse();
            return;
        }
        m_socket->write(buffer, got);
    }
    if (m_body)
        m_timer.start(m_limits.sendTimeoutMs);
}

void HttpConnection::finishResponse()
{
    if (m_closeAfterResponse) {
        close();
        return;
    }
    m_state = State::Waiting;
    m_timer.start(m_socket->bytesToWrite() > 0 ? m_limits.sendTimeoutMs : m_limits.requestTimeoutMs);
    // The next pipelined request, if any; not from inside this one's call chain.
    if (m_socket->bytesAvailable() > 0 && !m_processing)
        QMetaObject::invokeMethod(this, &HttpConnection::processRequests, Qt::QueuedConnection);
}

void HttpConnection::close()
{
    m_state = State::Closing;
    m_body.reset();
    disconnect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::processRequests);
    // After what was written has gone out; the send timer ends a client
    // that never takes it.
    m_timer.start(m_limits.sendTimeoutMs);
    m_socket->disconnectFromHost();
}

void HttpConnection::onTimeout()
{
    if (m_state == State::Waiting && m_socket->bytesAvailable() > 0) {
        // Part of a request came, the rest did not (or came too slowly).
        refuse(408, "request not complete in time", "Request timeout\n");
        return;
    }
    if (m_state == State::Waiting && m_socket->bytesToWrite() == 0) {
        qCDebug(lcHttp).noquote() << "closing idle connection from" << peer();
        close();
        return;
    }
    if (m_state == State::Responding && !m_body && m_socket->bytesToWrite() == 0) {
        qCWarning(lcHttp).noquote() << "no answer in time for the request from" << peer() << "- dropping it";
        m_socket->abort();
        return;
    }
    qCInfo(lcHttp).noquote() << "client" << peer() << "stopped reading; dropping it";
    m_socket->abort();
}
