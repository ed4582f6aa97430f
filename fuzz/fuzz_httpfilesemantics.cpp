// The HTTP rules for files (docs/http.md): the Range parser, the
// preconditions and their order, entity-tag lists and HTTP dates, fed
// header values and file sizes a client cannot be trusted with.
//
// Input: text lines, missing ones empty:
//   0 file size (decimal; negative or garbage: 0)
//   1 modification time in seconds since 1970 (empty or garbage: none)
//   2 Range  3 If-Range  4 If-Match  5 If-None-Match
//   6 If-Modified-Since  7 If-Unmodified-Since  8 a file name (NUL left out)

#include "fuzzcheck.h"

#include "web/httpfilesemantics.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QTimeZone>

#include <cstddef>
#include <cstdint>

using namespace HttpFileSemantics;

namespace {

QByteArray field(const QList<QByteArray> &fields, int index)
{
    return index < fields.size() ? fields.at(index) : QByteArray();
}

bool isBytesUnit(const QByteArray &header)
{
    return header.left(6).toLower() == "bytes=";
}

bool insideFile(const ByteRange &range, qint64 size)
{
    return range.first >= 0 && range.first <= range.last && range.last < size;
}

void checkRange(const QByteArray &header, qint64 size)
{
    const RangeRequest request = parseRange(header, size);
    switch (request.kind) {
    case RangeRequest::Partial:
        FUZZ_CHECK(insideFile(request.range, size));
        FUZZ_CHECK(isBytesUnit(header));
        break;
    case RangeRequest::Unsatisfiable:
        // Only a `bytes=` set can be unsatisfiable, and never for an empty file.
        FUZZ_CHECK(isBytesUnit(header) && size > 0);
        break;
    case RangeRequest::Whole:
        break;
    }
}

void checkDate(const QByteArray &value)
{
    const std::optional<QDateTime> date = parseDate(value);
    if (!date)
        return;
    FUZZ_CHECK(date->isValid());
    FUZZ_CHECK(date->offsetFromUtc() == 0);
    // What the gateway writes it reads back as the same second.
    const QByteArray formatted = formatDate(*date);
    const std::optional<QDateTime> again = parseDate(formatted);
    FUZZ_CHECK(again && *again == *date);
    FUZZ_CHECK(formatDate(*again) == formatted);
}

void checkTags(const QByteArray &header, const QByteArray &etag)
{
    const bool strong = tagListMatches(header, etag, TagComparison::Strong);
    const bool weak = tagListMatches(header, etag, TagComparison::Weak);
    FUZZ_CHECK(!strong || weak); // a strong match is a weak match too
    if (header.trimmed() == "*")
        FUZZ_CHECK(strong);
}

void checkDecision(const RequestHeaders &request, const Representation &representation)
{
    const Decision decision = decide(request, representation);
    const qint64 size = representation.size;
    const RangeRequest range = parseRange(request.range, size);
    switch (decision.status) {
    case 200:
        FUZZ_CHECK(decision.range.first == 0 && decision.range.last == size - 1);
        FUZZ_CHECK(decision.headers.isEmpty());
        break;
    case 206:
        FUZZ_CHECK(insideFile(decision.range, size));
        FUZZ_CHECK(range.kind == RangeRequest::Partial && range.range.first == decision.range.first
                   && range.range.last == decision.range.last);
        FUZZ_CHECK(decision.headers.size() == 1 && decision.headers.first().first == "Content-Range");
        FUZZ_CHECK(decision.headers.first().second
                   == "bytes " + QByteArray::number(decision.range.first) + '-'
                           + QByteArray::number(decision.range.last) + '/' + QByteArray::number(size));
        break;
    case 416:
        FUZZ_CHECK(range.kind == RangeRequest::Unsatisfiable);
        FUZZ_CHECK(decision.headers.size() == 1 && decision.headers.first().first == "Content-Range");
        FUZZ_CHECK(decision.headers.first().second == "bytes */" + QByteArray::number(size));
        break;
    case 304:
        FUZZ_CHECK(!request.ifNoneMatch.isEmpty() || !request.ifModifiedSince.isEmpty());
        FUZZ_CHECK(decision.headers.isEmpty());
        break;
    case 412:
        FUZZ_CHECK(!request.ifMatch.isEmpty() || !request.ifUnmodifiedSince.isEmpty());
        FUZZ_CHECK(decision.headers.isEmpty());
        break;
    default:
        FUZZ_CHECK(!"an answer other than 200, 206, 304, 412 or 416");
    }
    // Without preconditions the Range header alone decides.
    if (request.ifMatch.isEmpty() && request.ifNoneMatch.isEmpty() && request.ifModifiedSince.isEmpty()
        && request.ifUnmodifiedSince.isEmpty() && request.ifRange.isEmpty()) {
        const int expected = range.kind == RangeRequest::Partial ? 206
                : range.kind == RangeRequest::Unsatisfiable     ? 416
                                                                : 200;
        FUZZ_CHECK(decision.status == expected);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QList<QByteArray> fields = QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)).split('\n');

    Representation representation;
    bool ok = false;
    const qint64 fileSize = field(fields, 0).trimmed().toLongLong(&ok);
    representation.size = ok && fileSize >= 0 ? fileSize : 0;
    const qint64 modified = field(fields, 1).trimmed().toLongLong(&ok);
    // Years 1 to 9999, all that an IMF-fixdate can say.
    if (ok && modified >= -62135596800 && modified <= 253402300799)
        representation.lastModified = QDateTime::fromSecsSinceEpoch(modified, QTimeZone::utc());
    representation.etag = fileTag(representation.size, representation.lastModified);

    RequestHeaders request;
    request.range = field(fields, 2);
    request.ifRange = field(fields, 3);
    request.ifMatch = field(fields, 4);
    request.ifNoneMatch = field(fields, 5);
    request.ifModifiedSince = field(fields, 6);
    request.ifUnmodifiedSince = field(fields, 7);

    checkRange(request.range, representation.size);
    for (const QByteArray &value : { request.ifRange, request.ifModifiedSince, request.ifUnmodifiedSince })
        checkDate(value);
    for (const QByteArray &value : { request.ifRange, request.ifMatch, request.ifNoneMatch })
        checkTags(value, representation.etag);
    checkDecision(request, representation);
    if (representation.lastModified.isValid())
        checkDate(formatDate(representation.lastModified));

    // A name a file can have: FileResponder refuses NUL before it asks, and
    // Qt 6.4's QMimeDatabase::mimeTypeForFile() crashes on some names with NUL.
    QString name = QString::fromUtf8(field(fields, 8));
    name.remove(QChar(0));
    const QByteArray type = contentType(name);
    FUZZ_CHECK(type.contains('/'));
    return 0;
}
