// HttpFileSemantics without a server: every Range form, every conditional,
// HTTP dates and content types, as plain values in and decisions out.
// tst_fileresponder checks that FileResponder puts these decisions on the wire.

#include "web/httpfilesemantics.h"

#include <QBuffer>
#include <QTest>
#include <QTimeZone>

using namespace HttpFileSemantics;

Q_DECLARE_METATYPE(HttpFileSemantics::RangeRequest::Kind)

namespace {

constexpr qint64 fileSize = 1000;
const QByteArray fileEtag = QByteArrayLiteral("\"3e8-18e0e210a2b\"");
const QByteArray fileDate = QByteArrayLiteral("Tue, 05 Mar 2024 10:20:30 GMT");

QDateTime utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0, int msec = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, msec), QTimeZone::utc());
}

// "Name: value" lines, with $ETAG and $LM standing for the file's validators.
RequestHeaders requestHeaders(const QList<QByteArray> &lines)
{
    RequestHeaders request;
    for (const QByteArray &line : lines) {
        const int colon = line.indexOf(':');
        const QByteArray name = line.left(colon).toLower();
        QByteArray value = line.mid(colon + 1).replace("$ETAG", fileEtag).replace("$LM", fileDate);
        if (value.startsWith(' '))
            value.remove(0, 1); // the rest as sent
        if (name == "if-match")
            request.ifMatch = value;
        else if (name == "if-none-match")
            request.ifNoneMatch = value;
        else if (name == "if-modified-since")
            request.ifModifiedSince = value;
        else if (name == "if-unmodified-since")
            request.ifUnmodifiedSince = value;
        else if (name == "if-range")
            request.ifRange = value;
        else if (name == "range")
            request.range = value;
        else
            qFatal("unknown header in test data: %s", line.constData());
    }
    return request;
}

} // namespace

class tst_HttpFileSemantics : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void parseRange_data();
    void parseRange();
    void decide_data();
    void decide();
    void tagListMatches_data();
    void tagListMatches();
    void fileTag_data();
    void fileTag();
    void contentTag();
    void formatDate_data();
    void formatDate();
    void parseDate_data();
    void parseDate();
    void dateRoundTrip_data();
    void dateRoundTrip();
    void contentType_data();
    void contentType();
};

void tst_HttpFileSemantics::initTestCase()
{
    // A zone with daylight saving time, so that a date read as local time
    // would lose the hour the clocks skip (see the "DST gap" row).
    qputenv("TZ", "Europe/Berlin");
    QCOMPARE(utc(2024, 3, 5, 10, 20, 30, 123).toMSecsSinceEpoch(), Q_INT64_C(0x18e0e210a2b));
}

// ---- Range ------------------------------------------------------------------

void tst_HttpFileSemantics::parseRange_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<qint64>("size");
    QTest::addColumn<RangeRequest::Kind>("kind");
    QTest::addColumn<qint64>("first");
    QTest::addColumn<qint64>("last");

    const auto whole = RangeRequest::Whole;
    const auto partial = RangeRequest::Partial;
    const auto unsatisfiable = RangeRequest::Unsatisfiable;
    const qint64 n = fileSize;

    // bytes=a-b
    QTest::newRow("first byte") << QByteArray("bytes=0-0") << n << partial << 0ll << 0ll;
    QTest::newRow("last byte") << QByteArray("bytes=999-999") << n << partial << 999ll << 999ll;
    QTest::newRow("middle") << QByteArray("bytes=100-199") << n << partial << 100ll << 199ll;
    QTest::newRow("whole as a range") << QByteArray("bytes=0-999") << n << partial << 0ll << 999ll;
    QTest::newRow("end past the end") << QByteArray("bytes=0-99999") << n << partial << 0ll << 999ll;
    QTest::newRow("end far past the end") << QByteArray("bytes=5-999999999999999999") << n << partial << 5ll << 999ll;
    // bytes=a-
    QTest::newRow("open end") << QByteArray("bytes=990-") << n << partial << 990ll << 999ll;
    QTest::newRow("open end from 0") << QByteArray("bytes=0-") << n << partial << 0ll << 999ll;
    QTest::newRow("open end at last byte") << QByteArray("bytes=999-") << n << partial << 999ll << 999ll;
    // bytes=-n
    QTest::newRow("suffix last byte") << QByteArray("bytes=-1") << n << partial << 999ll << 999ll;
    QTest::newRow("suffix") << QByteArray("bytes=-100") << n << partial << 900ll << 999ll;
    QTest::newRow("suffix as long as file") << QByteArray("bytes=-1000") << n << partial << 0ll << 999ll;
    QTest::newRow("suffix longer than file") << QByteArray("bytes=-5000") << n << partial << 0ll << 999ll;
    // Spelling
    QTest::newRow("unit case") << QByteArray("BYTES=0-1") << n << partial << 0ll << 1ll;
    QTest::newRow("unit mixed case") << QByteArray("Bytes=0-1") << n << partial << 0ll << 1ll;
    QTest::newRow("spaces") << QByteArray("bytes= 0 - 1 ") << n << partial << 0ll << 1ll;
    QTest::newRow("leading zeros") << QByteArray("bytes=007-0010") << n << partial << 7ll << 10ll;
    // Several ranges: one satisfiable is served alone, more get the whole file.
    QTest::newRow("one of two satisfiable") << QByteArray("bytes=0-1,2000-3000") << n << partial << 0ll << 1ll;
    QTest::newRow("second of two satisfiable") << QByteArray("bytes=2000-3000,-2") << n << partial << 998ll << 999ll;
    QTest::newRow("multi-range") << QByteArray("bytes=0-1,5-6") << n << whole << 0ll << -1ll;
    QTest::newRow("multi-range overlapping") << QByteArray("bytes=0-5,3-9") << n << whole << 0ll << -1ll;
    QTest::newRow("multi-range same twice") << QByteArray("bytes=0-0,0-0") << n << whole << 0ll << -1ll;
    QTest::newRow("multi-range with suffix") << QByteArray("bytes=0-1, -1") << n << whole << 0ll << -1ll;
    // No range to honour: the whole file.
    QTest::newRow("no Range") << QByteArray() << n << whole << 0ll << -1ll;
    QTest::newRow("other unit") << QByteArray("items=0-1") << n << whole << 0ll << -1ll;
    QTest::newRow("unit without =") << QByteArray("bytes 0-1") << n << whole << 0ll << -1ll;
    QTest::newRow("unit only") << QByteArray("bytes") << n << whole << 0ll << -1ll;
    QTest::newRow("empty set") << QByteArray("bytes=") << n << whole << 0ll << -1ll;
    QTest::newRow("blank set") << QByteArray("bytes=   ") << n << whole << 0ll << -1ll;
    QTest::newRow("empty file") << QByteArray("bytes=0-") << 0ll << whole << 0ll << -1ll;
    QTest::newRow("empty file, suffix") << QByteArray("bytes=-10") << 0ll << whole << 0ll << -1ll;
    QTest::newRow("empty file, garbage") << QByteArray("bytes=abc") << 0ll << whole << 0ll << -1ll;
    // Nothing satisfiable, or malformed: 416 (as nginx answers).
    QTest::newRow("start at size") << QByteArray("bytes=1000-") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("start past the end") << QByteArray("bytes=5000-6000") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("all past the end") << QByteArray("bytes=1000-1001,2000-") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("zero suffix") << QByteArray("bytes=-0") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("reversed") << QByteArray("bytes=5-3") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("not a number") << QByteArray("bytes=abc") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("no dash") << QByteArray("bytes=5") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("lone dash") << QByteArray("bytes=-") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("two dashes") << QByteArray("bytes=--1") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("three parts") << QByteArray("bytes=1-2-3") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("plus sign") << QByteArray("bytes=+1-2") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("negative end") << QByteArray("bytes=1--2") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("hex") << QByteArray("bytes=0x10-20") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("decimal point") << QByteArray("bytes=1.5-20") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("space inside number") << QByteArray("bytes=1 0-20") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("overflow") << QByteArray("bytes=99999999999999999999-") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("overflow suffix") << QByteArray("bytes=-99999999999999999999") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("trailing comma") << QByteArray("bytes=0-1,") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("leading comma") << QByteArray("bytes=,0-1") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("one good one malformed") << QByteArray("bytes=0-1,x-2") << n << unsatisfiable << 0ll << -1ll;
    QTest::newRow("binary") << QByteArray("bytes=\x01\xff-\x80", 10) << n << unsatisfiable << 0ll << -1ll;
}

void tst_HttpFileSemantics::parseRange()
{
    QFETCH(QByteArray, header);
    QFETCH(qint64, size);
    QFETCH(RangeRequest::Kind, kind);
    QFETCH(qint64, first);
    QFETCH(qint64, last);

    const RangeRequest range = HttpFileSemantics::parseRange(header, size);
    QCOMPARE(range.kind, kind);
    QCOMPARE(range.range.first, first);
    QCOMPARE(range.range.last, last);
}

// ---- the answer ---------------------------------------------------------------

void tst_HttpFileSemantics::decide_data()
{
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<bool>("offersDate"); // Last-Modified is offered (not for resources)
    QTest::addColumn<int>("status");
    QTest::addColumn<qint64>("first"); // of the bytes to send
    QTest::addColumn<qint64>("last");
    QTest::addColumn<QByteArray>("contentRange");

    using H = QList<QByteArray>;
    const QByteArray none;
    const QByteArray unsatisfied("bytes */1000");

    QTest::newRow("plain") << H {} << true << 200 << 0ll << 999ll << none;
    QTest::newRow("range") << H { "Range: bytes=0-9" } << true << 206 << 0ll << 9ll << QByteArray("bytes 0-9/1000");
    QTest::newRow("range suffix") << H { "Range: bytes=-10" } << true << 206 << 990ll << 999ll << QByteArray("bytes 990-999/1000");
    QTest::newRow("range multi") << H { "Range: bytes=0-1,5-6" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("range past the end") << H { "Range: bytes=5000-" } << true << 416 << 0ll << -1ll << unsatisfied;
    QTest::newRow("range malformed") << H { "Range: bytes=abc" } << true << 416 << 0ll << -1ll << unsatisfied;

    // If-None-Match: weak comparison, 304 also for GET with Range.
    QTest::newRow("If-None-Match same") << H { "If-None-Match: $ETAG" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-None-Match weak") << H { "If-None-Match: W/$ETAG" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-None-Match list") << H { "If-None-Match: \"other\", $ETAG" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-None-Match list no spaces") << H { "If-None-Match: \"a\",$ETAG,\"b\"" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-None-Match star") << H { "If-None-Match: *" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-None-Match other") << H { "If-None-Match: \"other\"" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-None-Match unquoted") << H { "If-None-Match: 3e8-18e0e210a2b" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-None-Match garbage") << H { "If-None-Match: ,,;" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-None-Match with Range") << H { "If-None-Match: $ETAG", "Range: bytes=0-9" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-None-Match with bad Range") << H { "If-None-Match: $ETAG", "Range: bytes=x" } << true << 304 << 0ll << -1ll << none;

    // If-Modified-Since: only where a Last-Modified is offered.
    QTest::newRow("If-Modified-Since same") << H { "If-Modified-Since: $LM" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-Modified-Since later") << H { "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-Modified-Since a second earlier") << H { "If-Modified-Since: Tue, 05 Mar 2024 10:20:29 GMT" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Modified-Since earlier") << H { "If-Modified-Since: Mon, 01 Jan 1990 00:00:00 GMT" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Modified-Since rfc850") << H { "If-Modified-Since: Tuesday, 05-Mar-24 10:20:30 GMT" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-Modified-Since asctime") << H { "If-Modified-Since: Tue Mar  5 10:20:30 2024" } << true << 304 << 0ll << -1ll << none;
    QTest::newRow("If-Modified-Since garbage") << H { "If-Modified-Since: yesterday" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Modified-Since without Last-Modified") << H { "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT" } << false << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Modified-Since with Range") << H { "If-Modified-Since: $LM", "Range: bytes=0-9" } << true << 304 << 0ll << -1ll << none;
    // If-None-Match decides alone when both are sent (RFC 9110 §13.2.2).
    QTest::newRow("If-None-Match other beats If-Modified-Since") << H { "If-None-Match: \"other\"", "If-Modified-Since: $LM" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-None-Match same beats If-Modified-Since") << H { "If-None-Match: $ETAG", "If-Modified-Since: Mon, 01 Jan 1990 00:00:00 GMT" } << true << 304 << 0ll << -1ll << none;

    // If-Match: strong comparison.
    QTest::newRow("If-Match same") << H { "If-Match: $ETAG" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Match list") << H { "If-Match: \"other\", $ETAG" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Match star") << H { "If-Match: *" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Match other") << H { "If-Match: \"other\"" } << true << 412 << 0ll << -1ll << none;
    QTest::newRow("If-Match weak") << H { "If-Match: W/$ETAG" } << true << 412 << 0ll << -1ll << none;
    QTest::newRow("If-Match garbage") << H { "If-Match: garbage" } << true << 412 << 0ll << -1ll << none;
    QTest::newRow("If-Match same with Range") << H { "If-Match: $ETAG", "Range: bytes=0-9" } << true << 206 << 0ll << 9ll << QByteArray("bytes 0-9/1000");
    QTest::newRow("If-Match before If-None-Match") << H { "If-Match: \"other\"", "If-None-Match: $ETAG" } << true << 412 << 0ll << -1ll << none;
    QTest::newRow("If-Match before Range") << H { "If-Match: \"other\"", "Range: bytes=5000-" } << true << 412 << 0ll << -1ll << none;

    // If-Unmodified-Since: only without If-Match, only with a Last-Modified.
    QTest::newRow("If-Unmodified-Since same") << H { "If-Unmodified-Since: $LM" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Unmodified-Since later") << H { "If-Unmodified-Since: Fri, 01 Jan 2100 00:00:00 GMT" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Unmodified-Since earlier") << H { "If-Unmodified-Since: Mon, 01 Jan 1990 00:00:00 GMT" } << true << 412 << 0ll << -1ll << none;
    QTest::newRow("If-Unmodified-Since without Last-Modified") << H { "If-Unmodified-Since: Mon, 01 Jan 1990 00:00:00 GMT" } << false << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Match beats If-Unmodified-Since") << H { "If-Match: $ETAG", "If-Unmodified-Since: Mon, 01 Jan 1990 00:00:00 GMT" } << true << 200 << 0ll << 999ll << none;

    // If-Range: a range only of the very version the client holds.
    QTest::newRow("If-Range same tag") << H { "If-Range: $ETAG", "Range: bytes=0-9" } << true << 206 << 0ll << 9ll << QByteArray("bytes 0-9/1000");
    QTest::newRow("If-Range same date") << H { "If-Range: $LM", "Range: bytes=0-9" } << true << 206 << 0ll << 9ll << QByteArray("bytes 0-9/1000");
    QTest::newRow("If-Range spaces") << H { "If-Range:   $ETAG  ", "Range: bytes=0-9" } << true << 206 << 0ll << 9ll << QByteArray("bytes 0-9/1000");
    QTest::newRow("If-Range other tag") << H { "If-Range: \"other\"", "Range: bytes=0-9" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range weak tag") << H { "If-Range: W/$ETAG", "Range: bytes=0-9" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range other date") << H { "If-Range: Mon, 01 Jan 1990 00:00:00 GMT", "Range: bytes=0-9" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range later date") << H { "If-Range: Fri, 01 Jan 2100 00:00:00 GMT", "Range: bytes=0-9" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range same date, other form") << H { "If-Range: Tue Mar  5 10:20:30 2024", "Range: bytes=0-9" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range date without Last-Modified") << H { "If-Range: $LM", "Range: bytes=0-9" } << false << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range garbage") << H { "If-Range: garbage", "Range: bytes=0-9" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range without Range") << H { "If-Range: \"other\"" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range other, Range past the end") << H { "If-Range: \"other\"", "Range: bytes=5000-" } << true << 200 << 0ll << 999ll << none;
    QTest::newRow("If-Range same, Range past the end") << H { "If-Range: $ETAG", "Range: bytes=5000-" } << true << 416 << 0ll << -1ll << unsatisfied;
}

void tst_HttpFileSemantics::decide()
{
    QFETCH(QList<QByteArray>, headers);
    QFETCH(bool, offersDate);
    QFETCH(int, status);
    QFETCH(qint64, first);
    QFETCH(qint64, last);
    QFETCH(QByteArray, contentRange);

    Representation file;
    file.size = fileSize;
    file.etag = fileEtag;
    if (offersDate)
        file.lastModified = utc(2024, 3, 5, 10, 20, 30, 123);
    const Decision decision = HttpFileSemantics::decide(requestHeaders(headers), file);
    QCOMPARE(decision.status, status);
    QCOMPARE(decision.range.first, first);
    QCOMPARE(decision.range.last, last);
    HeaderList expectedHeaders;
    if (!contentRange.isEmpty())
        expectedHeaders.append(Header("Content-Range", contentRange));
    QCOMPARE(decision.headers, expectedHeaders);
}

// ---- validators ----------------------------------------------------------------

void tst_HttpFileSemantics::tagListMatches_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("etag");
    QTest::addColumn<bool>("strong");
    QTest::addColumn<bool>("weak");

    QTest::newRow("same") << QByteArray("\"a\"") << QByteArray("\"a\"") << true << true;
    QTest::newRow("other") << QByteArray("\"b\"") << QByteArray("\"a\"") << false << false;
    QTest::newRow("star") << QByteArray("*") << QByteArray("\"a\"") << true << true;
    QTest::newRow("star with spaces") << QByteArray("  *  ") << QByteArray("\"a\"") << true << true;
    QTest::newRow("star in a list") << QByteArray("\"b\", *") << QByteArray("\"a\"") << false << false;
    QTest::newRow("list") << QByteArray("\"b\", \"a\"") << QByteArray("\"a\"") << true << true;
    QTest::newRow("weak request tag") << QByteArray("W/\"a\"") << QByteArray("\"a\"") << false << true;
    QTest::newRow("weak in a list") << QByteArray("\"b\",W/\"a\"") << QByteArray("\"a\"") << false << true;
    QTest::newRow("lower-case w") << QByteArray("w/\"a\"") << QByteArray("\"a\"") << true << true; // W/ is case-sensitive: the tag "a" is read
    QTest::newRow("comma inside tag") << QByteArray("\"a,b\"") << QByteArray("\"a,b\"") << true << true;
    QTest::newRow("prefix of the tag") << QByteArray("\"a\"") << QByteArray("\"ab\"") << false << false;
    QTest::newRow("unquoted") << QByteArray("a") << QByteArray("\"a\"") << false << false;
    QTest::newRow("empty") << QByteArray() << QByteArray("\"a\"") << false << false;
    QTest::newRow("empty tag") << QByteArray("\"\"") << QByteArray("\"a\"") << false << false;
    QTest::newRow("unterminated") << QByteArray("\"a") << QByteArray("\"a\"") << false << false;
}

void tst_HttpFileSemantics::tagListMatches()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, etag);
    QFETCH(bool, strong);
    QFETCH(bool, weak);

    QCOMPARE(HttpFileSemantics::tagListMatches(header, etag, TagComparison::Strong), strong);
    QCOMPARE(HttpFileSemantics::tagListMatches(header, etag, TagComparison::Weak), weak);
}

void tst_HttpFileSemantics::fileTag_data()
{
    QTest::addColumn<qint64>("size");
    QTest::addColumn<QDateTime>("modified");
    QTest::addColumn<QByteArray>("tag");

    QTest::newRow("file") << fileSize << utc(2024, 3, 5, 10, 20, 30, 123) << fileEtag;
    QTest::newRow("a millisecond later") << fileSize << utc(2024, 3, 5, 10, 20, 30, 124) << QByteArray("\"3e8-18e0e210a2c\"");
    QTest::newRow("a byte longer") << fileSize + 1 << utc(2024, 3, 5, 10, 20, 30, 123) << QByteArray("\"3e9-18e0e210a2b\"");
    QTest::newRow("empty at the epoch") << 0ll << utc(1970, 1, 1) << QByteArray("\"0-0\"");
    QTest::newRow("no time") << fileSize << QDateTime() << QByteArray("\"3e8-0\"");
}

void tst_HttpFileSemantics::fileTag()
{
    QFETCH(qint64, size);
    QFETCH(QDateTime, modified);
    QFETCH(QByteArray, tag);

    QCOMPARE(HttpFileSemantics::fileTag(size, modified), tag);
}

void tst_HttpFileSemantics::contentTag()
{
    // The first 128 bits of the content's SHA-256, from where the device is.
    QByteArray data("ignored:hello");
    QBuffer buffer(&data);
    QVERIFY(buffer.open(QIODevice::ReadOnly));
    QVERIFY(buffer.seek(8));
    QCOMPARE(HttpFileSemantics::contentTag(&buffer), QByteArray("\"2cf24dba5fb0a30e26e83b2ac5b9e29e\""));
    QVERIFY(buffer.seek(8));
    data.replace("hello", "hellO");
    QVERIFY(HttpFileSemantics::contentTag(&buffer) != QByteArray("\"2cf24dba5fb0a30e26e83b2ac5b9e29e\""));
}

// ---- dates -----------------------------------------------------------------------

void tst_HttpFileSemantics::formatDate_data()
{
    QTest::addColumn<QDateTime>("time");
    QTest::addColumn<QByteArray>("text");

    QTest::newRow("RFC 9110's example") << utc(1994, 11, 6, 8, 49, 37) << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT");
    QTest::newRow("milliseconds dropped") << utc(2024, 3, 5, 10, 20, 30, 999) << QByteArray("Tue, 05 Mar 2024 10:20:30 GMT");
    QTest::newRow("epoch") << utc(1970, 1, 1) << QByteArray("Thu, 01 Jan 1970 00:00:00 GMT");
    QTest::newRow("leap day") << utc(2024, 2, 29, 23, 59, 59) << QByteArray("Thu, 29 Feb 2024 23:59:59 GMT");
    QTest::newRow("December") << utc(2024, 12, 31, 12) << QByteArray("Tue, 31 Dec 2024 12:00:00 GMT");
    QTest::newRow("far future") << utc(9999, 12, 31, 23, 59, 59) << QByteArray("Fri, 31 Dec 9999 23:59:59 GMT");
    QTest::newRow("offset from UTC") << QDateTime(QDate(2024, 3, 5), QTime(1, 30), QTimeZone(2 * 3600))
                                     << QByteArray("Mon, 04 Mar 2024 23:30:00 GMT");
    QTest::newRow("named zone") << QDateTime(QDate(2024, 7, 1), QTime(12, 0), QTimeZone("America/New_York"))
                                << QByteArray("Mon, 01 Jul 2024 16:00:00 GMT");
}

void tst_HttpFileSemantics::formatDate()
{
    QFETCH(QDateTime, time);
    QFETCH(QByteArray, text);

    if (!time.isValid())
        QSKIP("time zone not available here");
    QCOMPARE(HttpFileSemantics::formatDate(time), text);
}

void tst_HttpFileSemantics::parseDate_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QDateTime>("time"); // invalid: not a date

    const QDateTime example = utc(1994, 11, 6, 8, 49, 37);
    const QDateTime invalid;

    // IMF-fixdate, the one form HTTP senders use.
    QTest::newRow("IMF-fixdate") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT") << example;
    QTest::newRow("IMF-fixdate, spaces around") << QByteArray("  Sun, 06 Nov 1994 08:49:37 GMT  ") << example;
    QTest::newRow("IMF-fixdate, any case names") << QByteArray("sun, 06 NOV 1994 08:49:37 GMT") << example;
    QTest::newRow("IMF-fixdate, weekday not checked") << QByteArray("Mon, 06 Nov 1994 08:49:37 GMT") << example;
    QTest::newRow("IMF-fixdate, December") << QByteArray("Tue, 31 Dec 2024 12:00:00 GMT") << utc(2024, 12, 31, 12);
    QTest::newRow("IMF-fixdate, leap day") << QByteArray("Thu, 29 Feb 2024 23:59:59 GMT") << utc(2024, 2, 29, 23, 59, 59);
    QTest::newRow("DST gap") << QByteArray("Sun, 31 Mar 2024 02:30:00 GMT") << utc(2024, 3, 31, 2, 30);
    // The two obsolete forms recipients must still accept.
    QTest::newRow("RFC 850") << QByteArray("Sunday, 06-Nov-94 08:49:37 GMT") << example;
    QTest::newRow("RFC 850, year 70") << QByteArray("Thursday, 01-Jan-70 00:00:00 GMT") << utc(1970, 1, 1);
    QTest::newRow("RFC 850, year 69") << QByteArray("Tuesday, 01-Jan-69 00:00:00 GMT") << utc(2069, 1, 1);
    QTest::newRow("RFC 850, year 00") << QByteArray("Saturday, 01-Jan-00 00:00:00 GMT") << utc(2000, 1, 1);
    QTest::newRow("RFC 850, short weekday") << QByteArray("Sun, 06-Nov-94 08:49:37 GMT") << example;
    QTest::newRow("asctime") << QByteArray("Sun Nov  6 08:49:37 1994") << example;
    QTest::newRow("asctime, two-digit day") << QByteArray("Thu Nov 16 08:49:37 1994") << utc(1994, 11, 16, 8, 49, 37);
    QTest::newRow("asctime, zero-padded day") << QByteArray("Sun Nov 06 08:49:37 1994") << example;
    // Not dates.
    QTest::newRow("empty") << QByteArray() << invalid;
    QTest::newRow("word") << QByteArray("yesterday") << invalid;
    QTest::newRow("ISO 8601") << QByteArray("1994-11-06T08:49:37Z") << invalid;
    QTest::newRow("no zone") << QByteArray("Sun, 06 Nov 1994 08:49:37") << invalid;
    QTest::newRow("UTC for GMT") << QByteArray("Sun, 06 Nov 1994 08:49:37 UTC") << invalid;
    QTest::newRow("lower-case gmt") << QByteArray("Sun, 06 Nov 1994 08:49:37 gmt") << invalid;
    QTest::newRow("numeric zone") << QByteArray("Sun, 06 Nov 1994 08:49:37 +0000") << invalid;
    QTest::newRow("one-digit day") << QByteArray("Sun, 6 Nov 1994 08:49:37 GMT") << invalid;
    QTest::newRow("two-digit year") << QByteArray("Sun, 06 Nov 94 08:49:37 GMT") << invalid;
    QTest::newRow("long month") << QByteArray("Sun, 06 November 1994 08:49:37 GMT") << invalid;
    QTest::newRow("unknown month") << QByteArray("Sun, 06 Foo 1994 08:49:37 GMT") << invalid;
    QTest::newRow("no seconds") << QByteArray("Sun, 06 Nov 1994 08:49 GMT") << invalid;
    QTest::newRow("no comma") << QByteArray("Sun 06 Nov 1994 08:49:37 GMT") << invalid;
    QTest::newRow("double space") << QByteArray("Sun,  06 Nov 1994 08:49:37 GMT") << invalid;
    QTest::newRow("31 February") << QByteArray("Sat, 31 Feb 2024 00:00:00 GMT") << invalid;
    QTest::newRow("29 February, no leap year") << QByteArray("Thu, 29 Feb 2023 00:00:00 GMT") << invalid;
    QTest::newRow("day 00") << QByteArray("Sun, 00 Nov 1994 08:49:37 GMT") << invalid;
    QTest::newRow("hour 24") << QByteArray("Sun, 06 Nov 1994 24:00:00 GMT") << invalid;
    QTest::newRow("minute 60") << QByteArray("Sun, 06 Nov 1994 08:60:00 GMT") << invalid;
    QTest::newRow("leap second") << QByteArray("Sun, 06 Nov 1994 08:49:60 GMT") << invalid;
    QTest::newRow("trailing text") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT x") << invalid;
    QTest::newRow("two dates") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT") << invalid;
    QTest::newRow("RFC 850, four-digit year") << QByteArray("Sunday, 06-Nov-1994 08:49:37 GMT") << invalid;
    QTest::newRow("asctime with zone") << QByteArray("Sun Nov  6 08:49:37 1994 GMT") << invalid;
    QTest::newRow("asctime, day without pad") << QByteArray("Sun Nov 6 08:49:37 1994") << invalid;
    QTest::newRow("binary") << QByteArray("\xff\xfe\x00\x01", 4) << invalid;
}

void tst_HttpFileSemantics::parseDate()
{
    QFETCH(QByteArray, text);
    QFETCH(QDateTime, time);

    const std::optional<QDateTime> parsed = HttpFileSemantics::parseDate(text);
    QCOMPARE(parsed.has_value(), time.isValid());
    if (parsed) {
        QCOMPARE(*parsed, time);
        QCOMPARE(parsed->offsetFromUtc(), 0);
    }
}

void tst_HttpFileSemantics::dateRoundTrip_data()
{
    QTest::addColumn<QDateTime>("time");

    QTest::newRow("epoch") << utc(1970, 1, 1);
    QTest::newRow("file") << utc(2024, 3, 5, 10, 20, 30);
    QTest::newRow("end of a year") << utc(1999, 12, 31, 23, 59, 59);
    QTest::newRow("leap day") << utc(2000, 2, 29, 12, 0, 1);
    QTest::newRow("DST gap") << utc(2024, 3, 31, 2, 30);
    QTest::newRow("DST overlap") << utc(2024, 10, 27, 2, 30);
    QTest::newRow("far future") << utc(9999, 12, 31, 23, 59, 59);
    for (int month = 1; month <= 12; ++month) // every month's name
        QTest::addRow("month %d", month) << utc(2024, month, 15, 12);
    QTest::newRow("now") << QDateTime::currentDateTimeUtc();
    QTest::newRow("now, local") << QDateTime::currentDateTime();
}

void tst_HttpFileSemantics::dateRoundTrip()
{
    QFETCH(QDateTime, time);

    const QByteArray text = HttpFileSemantics::formatDate(time);
    const std::optional<QDateTime> parsed = HttpFileSemantics::parseDate(text);
    QVERIFY2(parsed, text.constData());
    QCOMPARE(parsed->toSecsSinceEpoch(), time.toSecsSinceEpoch());
    QCOMPARE(HttpFileSemantics::formatDate(*parsed), text);
}

// ---- content types ----------------------------------------------------------------

void tst_HttpFileSemantics::contentType_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QByteArray>("type");

    QTest::newRow("jpg") << "001.jpg" << QByteArray("image/jpeg");
    QTest::newRow("jpeg") << "001.jpeg" << QByteArray("image/jpeg");
    QTest::newRow("png") << "001.png" << QByteArray("image/png");
    QTest::newRow("webp") << "001.webp" << QByteArray("image/webp");
    QTest::newRow("gif") << "001.gif" << QByteArray("image/gif");
    QTest::newRow("svg") << "logo.svg" << QByteArray("image/svg+xml");
    QTest::newRow("ico") << "favicon.ico" << QByteArray("image/x-icon");
    QTest::newRow("mp3") << "001.mp3" << QByteArray("audio/mpeg");
    QTest::newRow("ogg") << "001.ogg" << QByteArray("audio/ogg");
    QTest::newRow("oga") << "001.oga" << QByteArray("audio/ogg");
    QTest::newRow("wav") << "001.wav" << QByteArray("audio/wav");
    QTest::newRow("m4a") << "001.m4a" << QByteArray("audio/mp4");
    QTest::newRow("mp4") << "001.mp4" << QByteArray("video/mp4");
    QTest::newRow("webm") << "001.webm" << QByteArray("video/webm");
    QTest::newRow("html") << "index.html" << QByteArray("text/html; charset=utf-8");
    QTest::newRow("htm") << "index.htm" << QByteArray("text/html; charset=utf-8");
    QTest::newRow("css") << "styles.css" << QByteArray("text/css; charset=utf-8");
    QTest::newRow("js") << "app.js" << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("mjs") << "app.mjs" << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("json") << "data.json" << QByteArray("application/json");
    QTest::newRow("txt") << "notes.txt" << QByteArray("text/plain; charset=utf-8");
    QTest::newRow("woff2") << "font.woff2" << QByteArray("font/woff2");
    QTest::newRow("vtt") << "003.de.vtt" << QByteArray("text/vtt; charset=utf-8");
    QTest::newRow("upper-case suffix") << "001.JPG" << QByteArray("image/jpeg");
    QTest::newRow("full path") << "/srv/media/sub/001.mp3" << QByteArray("audio/mpeg");
    QTest::newRow("resource path") << ":/static/app.js" << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("last suffix counts") << "001.mp3.jpg" << QByteArray("image/jpeg");
    QTest::newRow("unknown") << "001.xyz123" << QByteArray("application/octet-stream");
    QTest::newRow("no suffix") << "001" << QByteArray("application/octet-stream");
}

void tst_HttpFileSemantics::contentType()
{
    QFETCH(QString, name);
    QFETCH(QByteArray, type);

    QCOMPARE(HttpFileSemantics::contentType(name), type);
}

QTEST_GUILESS_MAIN(tst_HttpFileSemantics)
#include "tst_httpfilesemantics.moc"
