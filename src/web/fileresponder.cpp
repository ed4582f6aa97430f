#include "web/fileresponder.h"

#include "system/logging.h"
#include "web/fileslice.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QList>
#include <QMimeDatabase>
#include <QPair>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUrl>
#include <QUrlQuery>

// The responder's API changed without deprecation between the two Qt
// versions the gateway ships on (6.4: header lists and the socket; 6.8:
// QHttpHeaders, no socket); the versions in between are not supported.
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
#include <QHttpHeaders>
#else
#include <QTcpSocket>
#endif

#include <memory>
#include <optional>

using StatusCode = QHttpServerResponder::StatusCode;

namespace {

using Header = QPair<QByteArray, QByteArray>;
using HeaderList = QList<Header>;

const QByteArray textPlain = QByteArrayLiteral("text/plain; charset=utf-8");

// What a finished answer consists of; send() writes it for either Qt version.
struct Reply
{
    StatusCode status = StatusCode::Ok;
    HeaderList headers;
    QByteArray body;                  // used when there is no slice
    std::unique_ptr<FileSlice> slice; // the file's bytes, streamed
    bool notModified = false;         // 304: no body, no length of its own
    qint64 fullLength = 0;            // the 200's length, for a 304 where Qt wants one
};

Reply textReply(StatusCode status, const QByteArray &text, HeaderList headers = {})
{
    Reply reply;
    reply.status = status;
    reply.headers = std::move(headers);
    reply.headers.append(Header("Content-Type", textPlain));
    reply.body = text;
    return reply;
}

// ---- content types -------------------------------------------------------

QByteArray contentType(const QString &path)
{
    // Fixed for what the exhibit serves: the answer must not depend on the
    // shared-mime-info version installed on the device.
    static const QHash<QString, QByteArray> types = {
        { QStringLiteral("jpg"), "image/jpeg" },
        { QStringLiteral("jpeg"), "image/jpeg" },
        { QStringLiteral("png"), "image/png" },
        { QStringLiteral("webp"), "image/webp" },
        { QStringLiteral("gif"), "image/gif" },
        { QStringLiteral("svg"), "image/svg+xml" },
        { QStringLiteral("ico"), "image/x-icon" },
        { QStringLiteral("mp3"), "audio/mpeg" },
        { QStringLiteral("ogg"), "audio/ogg" },
        { QStringLiteral("oga"), "audio/ogg" },
        { QStringLiteral("wav"), "audio/wav" },
        { QStringLiteral("m4a"), "audio/mp4" },
        { QStringLiteral("mp4"), "video/mp4" },
        { QStringLiteral("webm"), "video/webm" },
        { QStringLiteral("html"), "text/html; charset=utf-8" },
        { QStringLiteral("htm"), "text/html; charset=utf-8" },
        { QStringLiteral("css"), "text/css; charset=utf-8" },
        { QStringLiteral("js"), "text/javascript; charset=utf-8" },
        { QStringLiteral("mjs"), "text/javascript; charset=utf-8" },
        { QStringLiteral("json"), "application/json" },
        { QStringLiteral("txt"), "text/plain; charset=utf-8" },
        { QStringLiteral("woff2"), "font/woff2" },
    };
    const QString suffix = QFileInfo(path).suffix().toLower();
    const auto it = types.constFind(suffix);
    if (it != types.cend())
        return *it;
    const QMimeType mime = QMimeDatabase().mimeTypeForFile(path, QMimeDatabase::MatchExtension);
    if (mime.isValid() && !mime.isDefault())
        return mime.name().toLatin1();
    return QByteArrayLiteral("application/octet-stream");
}

// ---- HTTP dates ----------------------------------------------------------

const char *const weekdays[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

QByteArray httpDate(const QDateTime &time)
{
    const QDateTime utc = time.toUTC();
    const QDate d = utc.date();
    const QTime t = utc.time();
    return QByteArray(weekdays[d.dayOfWeek() - 1]) + ", "
            + QByteArray::number(d.day()).rightJustified(2, '0') + ' ' + months[d.month() - 1] + ' '
            + QByteArray::number(d.year()) + ' ' + t.toString(QStringLiteral("HH:mm:ss")).toLatin1()
            + " GMT";
}

int monthNumber(QStringView name)
{
    for (int i = 0; i < 12; ++i) {
        if (name.compare(QLatin1String(months[i]), Qt::CaseInsensitive) == 0)
            return i + 1;
    }
    return 0;
}

// The three date forms HTTP/1.1 recipients must accept (RFC 9110 §5.6.7).
std::optional<QDateTime> parseHttpDate(const QByteArray &value)
{
    static const QRegularExpression imf(QStringLiteral(
            R"(^\s*[A-Za-z]{3}, (\d{2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT\s*$)"));
    static const QRegularExpression rfc850(QStringLiteral(
            R"(^\s*[A-Za-z]+, (\d{2})-([A-Za-z]{3})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT\s*$)"));
    static const QRegularExpression asctime(QStringLiteral(
            R"(^\s*[A-Za-z]{3} ([A-Za-z]{3}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})\s*$)"));

    const QString text = QString::fromLatin1(value);
    int day = 0, month = 0, year = 0, hour = 0, minute = 0, second = 0;
    if (const auto m = imf.match(text); m.hasMatch()) {
        day = m.captured(1).toInt();
        month = monthNumber(m.capturedView(2));
        year = m.captured(3).toInt();
        hour = m.captured(4).toInt();
        minute = m.captured(5).toInt();
        second = m.captured(6).toInt();
    } else if (const auto m = rfc850.match(text); m.hasMatch()) {
        day = m.captured(1).toInt();
        month = monthNumber(m.capturedView(2));
        year = m.captured(3).toInt();
        year += year < 70 ? 2000 : 1900; // two-digit years, RFC 9110's 50-year rule simplified
        hour = m.captured(4).toInt();
        minute = m.captured(5).toInt();
        second = m.captured(6).toInt();
    } else if (const auto m = asctime.match(text); m.hasMatch()) {
        month = monthNumber(m.capturedView(1));
        day = m.captured(2).trimmed().toInt();
        hour = m.captured(3).toInt();
        minute = m.captured(4).toInt();
        second = m.captured(5).toInt();
        year = m.captured(6).toInt();
    } else {
        return std::nullopt;
    }
    const QDate date(year, month, day);
    const QTime time(hour, minute, second);
    if (!date.isValid() || !time.isValid())
        return std::nullopt;
    return QDateTime(date, time, QTimeZone::utc());
}

// ---- validators ----------------------------------------------------------

QByteArray opaqueTag(const QByteArray &tag)
{
    return tag.startsWith("W/") ? tag.mid(2) : tag;
}

// If-None-Match and If-Match hold `*` or a list of entity tags.
bool tagListMatches(const QByteArray &header, const QByteArray &etag, bool weak)
{
    if (header.trimmed() == "*")
        return true;
    static const QRegularExpression tagPattern(QStringLiteral(R"((W/)?"[^"]*")"));
    auto it = tagPattern.globalMatch(QString::fromLatin1(header));
    while (it.hasNext()) {
        const QByteArray candidate = it.next().captured(0).toLatin1();
        if (weak ? opaqueTag(candidate) == opaqueTag(etag) : candidate == etag)
            return true;
    }
    return false;
}

// ---- Range ---------------------------------------------------------------

struct ByteRange
{
    qint64 first = 0;
    qint64 last = 0;
};

struct RangeRequest
{
    enum Kind { Whole, Partial, Unsatisfiable } kind = Whole;
    ByteRange range;
};

// A decimal byte position, optional whitespace around it; nothing else.
std::optional<qint64> parsePosition(QByteArrayView text)
{
    text = text.trimmed();
    if (text.isEmpty() || text.size() > 18) // 18 digits: far beyond any file, no overflow
        return std::nullopt;
    qint64 value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

// Follows nginx where RFC 9110 lets a server choose: a malformed
// `bytes=` set is refused with 416, another unit is ignored, and a set of
// several satisfiable ranges gets the whole file (no multipart answers).
RangeRequest parseRange(const QByteArray &header, qint64 size)
{
    RangeRequest result;
    static const QByteArray unit = QByteArrayLiteral("bytes=");
    if (!header.left(unit.size()).toLower().startsWith(unit))
        return result; // no Range, or a unit we do not offer
    const QByteArray set = header.mid(unit.size());
    if (set.trimmed().isEmpty())
        return result;
    if (size == 0)
        return result; // nothing to slice; an empty file is simply sent

    QList<ByteRange> satisfiable;
    for (const QByteArray &spec : set.split(',')) {
        const int dash = spec.indexOf('-');
        if (dash < 0) {
            result.kind = RangeRequest::Unsatisfiable;
            return result;
        }
        const QByteArrayView firstText = QByteArrayView(spec).first(dash).trimmed();
        const QByteArrayView lastText = QByteArrayView(spec).sliced(dash + 1).trimmed();
        if (firstText.isEmpty()) { // suffix: the last n bytes
            const auto suffix = parsePosition(lastText);
            if (!suffix) {
                result.kind = RangeRequest::Unsatisfiable;
                return result;
            }
            if (*suffix > 0)
                satisfiable.append({ std::max<qint64>(size - *suffix, 0), size - 1 });
            continue;
        }
        const auto first = parsePosition(firstText);
        const auto last = lastText.isEmpty() ? std::optional<qint64>(size - 1) : parsePosition(lastText);
        if (!first || !last || *last < *first) {
            result.kind = RangeRequest::Unsatisfiable;
            return result;
        }
        if (*first < size)
            satisfiable.append({ *first, std::min(*last, size - 1) });
    }
    if (satisfiable.isEmpty()) {
        result.kind = RangeRequest::Unsatisfiable;
    } else if (satisfiable.size() == 1) {
        result.kind = RangeRequest::Partial;
        result.range = satisfiable.first();
    }
    return result;
}

// ---- writing ------------------------------------------------------------

#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
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

void send(QHttpServerResponder &responder, Reply reply, bool head)
{
    QHttpHeaders headers;
    for (const auto &header : std::as_const(reply.headers))
        headers.append(header.first, header.second);

    if (reply.notModified || head) {
        const qint64 length = reply.notModified ? reply.fullLength
                                                : reply.slice ? reply.slice->size() : reply.body.size();
        responder.write(new AnnouncedLength(length), headers, reply.status);
    } else if (reply.slice) {
        reply.slice->open(QIODevice::ReadOnly);
        responder.write(reply.slice.release(), headers, reply.status); // streamed from disk
    } else {
        responder.write(reply.body, headers, reply.status);
    }
}
#else
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

void send(QHttpServerResponder &responder, Reply reply, bool head)
{
    responder.writeStatusLine(reply.status);
    for (const auto &header : std::as_const(reply.headers))
        responder.writeHeader(header.first, header.second);
    if (!reply.notModified) {
        const qint64 length = reply.slice ? reply.slice->size() : reply.body.size();
        responder.writeHeader(QByteArrayLiteral("Content-Length"), QByteArray::number(length));
    }
    if (reply.notModified || head || !reply.slice) {
        responder.writeBody(reply.notModified || head ? QByteArray() : reply.body);
        return;
    }
    responder.writeBody(QByteArray()); // ends the header block

    QTcpSocket *socket = responder.socket();
    FileSlice *slice = reply.slice.release();
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
#endif

bool isResourcePath(const QString &path)
{
    return path.startsWith(QLatin1String(":/"));
}

} // namespace

FileResponder::FileResponder(const QString &root, Caching caching)
    : m_root(isResourcePath(root) ? QDir::cleanPath(root) : QDir(root).absolutePath()),
      m_isResource(isResourcePath(root)),
      m_caching(caching)
{
}

void FileResponder::respond(const QHttpServerRequest &request, QHttpServerResponder &responder,
                            QStringView prefix) const
{
    // The encoded form keeps %2F, %5C and %00 apart from real separators;
    // QUrl has already turned %2e and other unreserved escapes into plain text.
    const QString path = request.url().path(QUrl::FullyEncoded);
    bool refused = !path.startsWith(prefix);
    const QString file = refused ? QString() : resolve(QStringView(path).mid(prefix.size()), &refused);
    if (file.isEmpty()) {
        if (refused)
            qCInfo(lcHttp).noquote() << "refused" << path << "from" << request.remoteAddress().toString();
        else
            qCDebug(lcHttp).noquote() << "not found:" << path;
        send(responder, textReply(StatusCode::NotFound, "Not found\n"),
             request.method() == QHttpServerRequest::Method::Head);
        return;
    }
    serve(request, responder, file);
}

void FileResponder::respondFile(const QHttpServerRequest &request, QHttpServerResponder &responder,
                                const QString &name) const
{
    serve(request, responder, m_root + QLatin1Char('/') + name);
}

// Maps the percent-encoded name below the root to a file inside the root, or
// to an empty string for anything that is not plainly such a file; *refused
// tells a name that may never be served from one that is merely absent.
QString FileResponder::resolve(QStringView encodedName, bool *refused) const
{
    *refused = true;
    if (encodedName.isEmpty())
        return {};
    QStringList parts;
    for (const QStringView segment : encodedName.split(u'/')) {
        const QByteArray raw = QByteArray::fromPercentEncoding(segment.toLatin1());
        if (raw.isEmpty() || raw.startsWith('.') || raw.contains('/') || raw.contains('\\')
            || raw.contains('\0'))
            return {};
        const QString name = QString::fromUtf8(raw);
        if (name.toUtf8() != raw) // not UTF-8: no file of ours has such a name
            return {};
        parts.append(name);
    }
    const QString candidate = m_root + QLatin1Char('/') + parts.join(QLatin1Char('/'));
    const QFileInfo info(candidate);
    if (!info.exists()) {
        *refused = false;
        return {};
    }
    if (!info.isFile())
        return {};
    if (m_isResource)
        return candidate; // resources have no symlinks

    // Symlinks may point anywhere inside the root (also through other
    // links) but not out of it, nor to a hidden name inside it.
    const QString root = QFileInfo(m_root).canonicalFilePath();
    const QString target = info.canonicalFilePath();
    if (root.isEmpty() || !target.startsWith(root + QLatin1Char('/')))
        return {};
    const QStringView relative = QStringView(target).mid(root.size() + 1);
    for (const QStringView part : relative.split(u'/')) {
        if (part.startsWith(u'.'))
            return {};
    }
    return target;
}

QByteArray FileResponder::resourceTag(const QString &path, QFile *file) const
{
    const auto it = m_resourceTags.constFind(path);
    if (it != m_resourceTags.cend())
        return *it;
    // Resource timestamps may all be one fixed build date (reproducible
    // builds): only the content tells one release's file from another's.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(file);
    file->seek(0);
    const QByteArray tag = '"' + hash.result().toHex().left(32) + '"';
    m_resourceTags.insert(path, tag);
    return tag;
}

void FileResponder::serve(const QHttpServerRequest &request, QHttpServerResponder &responder,
                          const QString &path) const
{
    const auto method = request.method();
    const bool head = method == QHttpServerRequest::Method::Head;
    if (method != QHttpServerRequest::Method::Get && !head) {
        send(responder, textReply(StatusCode::MethodNotAllowed, "Method not allowed\n",
                                  { { "Allow", "GET, HEAD" } }),
             false);
        return;
    }

    auto file = std::make_unique<QFile>(path);
    if (!QFileInfo(path).isFile() || !file->open(QIODevice::ReadOnly)) {
        qCDebug(lcHttp).noquote() << "not found:" << path << file->errorString();
        send(responder, textReply(StatusCode::NotFound, "Not found\n"), head);
        return;
    }
    // Size and time of the file actually opened, not of whatever the name
    // points to a moment later.
    const qint64 size = file->size();
    const QDateTime modified = file->fileTime(QFileDevice::FileModificationTime);

    QByteArray etag;
    QByteArray lastModified;
    QByteArray cacheControl = QByteArrayLiteral("no-cache");
    if (m_isResource) {
        etag = resourceTag(path, file.get());
    } else {
        const qint64 msecs = modified.isValid() ? modified.toMSecsSinceEpoch() : 0;
        etag = '"' + QByteArray::number(size, 16) + '-' + QByteArray::number(msecs, 16) + '"';
        if (modified.isValid())
            lastModified = httpDate(modified);
        // The gateway's URLs carry `?v=` + mtime in base 36: such a URL names
        // one version of the file for good.
        const QString version = QUrlQuery(request.url()).queryItemValue(QStringLiteral("v"));
        if (m_caching == Caching::Media && modified.isValid() && version == QString::number(msecs, 36))
            cacheControl = QByteArrayLiteral("public, max-age=31536000, immutable");
    }

    HeaderList headers;
    headers.append(Header("Date", httpDate(QDateTime::currentDateTimeUtc())));
    headers.append(Header("ETag", etag));
    if (!lastModified.isEmpty())
        headers.append(Header("Last-Modified", lastModified));
    headers.append(Header("Cache-Control", cacheControl));
    headers.append(Header("Accept-Ranges", "bytes"));

    const auto notModifiedSince = [&](const QByteArray &header) {
        const auto since = parseHttpDate(request.value(header));
        return since && modified.isValid() && modified.toSecsSinceEpoch() <= since->toSecsSinceEpoch();
    };

    // Preconditions in RFC 9110 §13.2.2's order.
    const QByteArray ifMatch = request.value("if-match");
    const QByteArray ifUnmodifiedSince = request.value("if-unmodified-since");
    if ((!ifMatch.isEmpty() && !tagListMatches(ifMatch, etag, false))
        || (ifMatch.isEmpty() && !ifUnmodifiedSince.isEmpty() && !lastModified.isEmpty()
            && !notModifiedSince("if-unmodified-since"))) {
        send(responder, textReply(StatusCode::PreconditionFailed, "Precondition failed\n"), head);
        return;
    }
    const QByteArray ifNoneMatch = request.value("if-none-match");
    if ((!ifNoneMatch.isEmpty() && tagListMatches(ifNoneMatch, etag, true))
        || (ifNoneMatch.isEmpty() && !lastModified.isEmpty() && notModifiedSince("if-modified-since"))) {
        Reply reply;
        reply.status = StatusCode::NotModified;
        reply.headers = headers;
        reply.notModified = true;
        reply.fullLength = size;
        qCDebug(lcHttp).noquote() << "304" << path;
        send(responder, std::move(reply), true);
        return;
    }

    RangeRequest range = parseRange(request.value("range"), size);
    const QByteArray ifRange = request.value("if-range").trimmed();
    if (range.kind != RangeRequest::Whole && !ifRange.isEmpty()) {
        // A range of a file that has changed since would splice two versions.
        const bool same = ifRange.startsWith('"') ? ifRange == etag
                                                  : !lastModified.isEmpty() && ifRange == lastModified;
        if (!same)
            range.kind = RangeRequest::Whole;
    }

    if (range.kind == RangeRequest::Unsatisfiable) {
        headers.append(Header("Content-Range", "bytes */" + QByteArray::number(size)));
        qCDebug(lcHttp).noquote() << "416" << path << request.value("range");
        send(responder, textReply(StatusCode::RequestRangeNotSatisfiable, "Range not satisfiable\n", headers),
             head);
        return;
    }

    Reply reply;
    reply.headers = headers;
    reply.headers.append(Header("Content-Type", contentType(path)));
    reply.headers.append(Header("X-Content-Type-Options", "nosniff"));
    qint64 offset = 0;
    qint64 length = size;
    if (range.kind == RangeRequest::Partial) {
        offset = range.range.first;
        length = range.range.last - range.range.first + 1;
        reply.status = StatusCode::PartialContent;
        const QByteArray contentRange = "bytes " + QByteArray::number(range.range.first) + '-'
                + QByteArray::number(range.range.last) + '/' + QByteArray::number(size);
        reply.headers.append(Header("Content-Range", contentRange));
    }
    qCDebug(lcHttp).noquote() << (head ? "HEAD" : "GET") << path << int(reply.status) << offset << length;
    reply.slice = std::make_unique<FileSlice>(file.release(), offset, length);
    send(responder, std::move(reply), head);
}
