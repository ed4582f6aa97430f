#ifndef HTTPFILESEMANTICS_H
#define HTTPFILESEMANTICS_H

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>
#include <QString>

#include <optional>

class QIODevice;

// What HTTP (RFC 9110) says a server answers for a static file: byte
// ranges, validators and preconditions, dates, content types. Plain values
// in, decisions out; FileResponder does the file and socket work.
//
// Free functions rather than a class: no rule keeps state between calls,
// and each one is tested on its own (autotests/httpfilesemantics).
namespace HttpFileSemantics {

using Header = QPair<QByteArray, QByteArray>;
using HeaderList = QList<Header>;

// Bytes `first` to `last` of a representation, both included; `last` is
// `first - 1` for none at all (the whole of an empty file).
struct ByteRange
{
    qint64 first = 0;
    qint64 last = -1;

    qint64 length() const { return last - first + 1; }
};

// What a Range header asks of a representation of a given size.
struct RangeRequest
{
    enum Kind { Whole, Partial, Unsatisfiable };

    Kind kind = Whole;
    ByteRange range; // for Partial
};

// The representation being asked for.
struct Representation
{
    qint64 size = 0;
    QByteArray etag;        // strong, with its quotes
    QDateTime lastModified; // invalid when the answer offers no Last-Modified
};

// The request's headers that decide the answer, as received (empty when absent).
struct RequestHeaders
{
    QByteArray ifMatch;
    QByteArray ifNoneMatch;
    QByteArray ifModifiedSince;
    QByteArray ifUnmodifiedSince;
    QByteArray ifRange;
    QByteArray range;
};

struct Decision
{
    int status = 200;   // 200, 206, 304, 412 or 416
    ByteRange range;    // the bytes to send, for 200 and 206
    HeaderList headers; // to add to the answer: Content-Range for 206 and 416
};

// Evaluates preconditions in RFC 9110 §13.2.2's order, then Range and If-Range.
Decision decide(const RequestHeaders &request, const Representation &representation);

// Follows nginx where RFC 9110 lets a server choose: a malformed `bytes=`
// set is unsatisfiable (416), another unit is ignored, and several
// satisfiable ranges get the whole file (no multipart answers).
RangeRequest parseRange(const QByteArray &header, qint64 size);

// Strong tag of a file on disk: its size and modification time.
QByteArray fileTag(qint64 size, const QDateTime &modified);
// Strong tag from the bytes `content` has left to read.
QByteArray contentTag(QIODevice *content);

enum class TagComparison { Strong, Weak };
// Whether an If-Match / If-None-Match value (`*` or a list of tags) names `etag`.
bool tagListMatches(const QByteArray &header, const QByteArray &etag, TagComparison comparison);

// IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
QByteArray formatDate(const QDateTime &time);
// Any of the three forms HTTP/1.1 recipients must accept (RFC 9110 §5.6.7), in UTC.
std::optional<QDateTime> parseDate(const QByteArray &value);

// Content-Type for a file name, from its extension.
QByteArray contentType(const QString &fileName);

} // namespace HttpFileSemantics

#endif // HTTPFILESEMANTICS_H
