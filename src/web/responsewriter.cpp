#include "web/responsewriter.h"

#include "system/logging.h"
#include "web/fileslice.h"

#include <QIODevice>

// The responder's API changed without deprecation between the two Qt
// versions the gateway ships on (6.4: header lists and the socket; 6.8:
// QHttpHeaders, no socket); the versions in between are not supported.
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#else
#include <QTcpSocket>
#endif

ResponseWriter::ResponseWriter(QHttpServerResponder &responder, bool head)
    : m_responder(responder), m_head(head)
{
}

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)

namespace {

// Qt 6.8 adds a Content-Length to every answer it writes, from the body's
// size; the only way to answer HEAD with the representation's length and no
// body is a device that reports that size and has nothing to read. A 304
// gets the full file's length that way, which RFC 9110 §8.6 allows.
class AnnouncedLength final : public QIODevice
{
public:
    explicit AnnouncedLength(qint64 length) : m_length(length) { open(ReadOnly); }
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_length; }
    bool atEnd() const override { return true; }

protected:
    qint64 readData(char *, qint64) override { return 0; }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 m_length;
};

QHttpHeaders httpHeaders(const ResponseWriter::HeaderList &list)
{
    QHttpHeaders headers;
    for (const auto &header : list)
        headers.append(header.first, header.second);
    return headers;
}

} // namespace

void ResponseWriter::write(StatusCode status, const HeaderList &headers, const QByteArray &body)
{
    if (m_head)
        m_responder.write(new AnnouncedLength(body.size()), httpHeaders(headers), status);
    else
        m_responder.write(body, httpHeaders(headers), status);
}

void ResponseWriter::write(StatusCode status, const HeaderList &headers, std::unique_ptr<FileSlice> body)
{
    if (m_head) {
        m_responder.write(new AnnouncedLength(body->size()), httpHeaders(headers), status);
        return;
    }
    body->open(QIODevice::ReadOnly);
    m_responder.write(body.release(), httpHeaders(headers), status); // streamed from disk
}

void ResponseWriter::writeNotModified(const HeaderList &headers, qint64 fullLength)
{
    m_responder.write(new AnnouncedLength(fullLength), httpHeaders(headers), StatusCode::NotModified);
}

#else

namespace {

// Qt 6.4 copies a device's body into the socket's buffer as fast as it can
// read it, however slowly the client takes it: a slow client makes the
// gateway hold the rest of the file in memory. So the body is written here,
// topped up only while the socket has less than this much left to send.
constexpr qint64 highWater = 64 * 1024;
constexpr qint64 chunkSize = 32 * 1024;

void pump(QTcpSocket *socket, FileSlice *slice)
{
    char buffer[chunkSize];
    while (socket->bytesToWrite() < highWater) {
        if (slice->atEnd()) {
            QObject::disconnect(socket, nullptr, slice, nullptr);
            slice->deleteLater();
            return;
        }
        const qint64 got = slice->read(buffer, chunkSize);
        if (got <= 0) {
            // Content-Length is out already: closing is the only honest end.
            qCWarning(lcHttp).noquote() << "reading the body failed:" << slice->errorString();
            QObject::disconnect(socket, nullptr, slice, nullptr);
            slice->deleteLater();
            socket->disconnectFromHost();
            return;
        }
        socket->write(buffer, got);
    }
}

// Status line and headers; a negative length writes no Content-Length.
void writeHead(QHttpServerResponder &responder, QHttpServerResponder::StatusCode status,
               const ResponseWriter::HeaderList &headers, qint64 length)
{
    responder.writeStatusLine(status);
    for (const auto &header : headers)
        responder.writeHeader(header.first, header.second);
    if (length >= 0)
        responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(length));
}

} // namespace

void ResponseWriter::write(StatusCode status, const HeaderList &headers, const QByteArray &body)
{
    writeHead(m_responder, status, headers, body.size());
    m_responder.writeBody(m_head ? QByteArray() : body);
}

void ResponseWriter::write(StatusCode status, const HeaderList &headers, std::unique_ptr<FileSlice> body)
{
    writeHead(m_responder, status, headers, body->size());
    m_responder.writeBody(QByteArray()); // ends the header block
    if (m_head)
        return;

    QTcpSocket *socket = m_responder.socket();
    FileSlice *slice = body.release();
    slice->setParent(socket); // a closed connection takes the open file with it
    if (!slice->open(QIODevice::ReadOnly)) {
        qCWarning(lcHttp).noquote() << "cannot read the body:" << slice->errorString();
        delete slice;
        socket->disconnectFromHost(); // the announced body will not come
        return;
    }
    if (slice->atEnd()) {
        delete slice;
        return;
    }
    QObject::connect(socket, &QTcpSocket::bytesWritten, slice, [socket, slice] { pump(socket, slice); });
    QObject::connect(socket, &QTcpSocket::disconnected, slice, &QObject::deleteLater);
    pump(socket, slice);
}

void ResponseWriter::writeNotModified(const HeaderList &headers, qint64 /*fullLength*/)
{
    // A 304 has no length of its own; Qt 6.4 does not ask for one.
    writeHead(m_responder, StatusCode::NotModified, headers, -1);
    m_responder.writeBody(QByteArray());
}

#endif
