#include "web/httpfilesemantics.h"

#include <QCryptographicHash>
#include <QFileInfo>
#include <QHash>
#include <QIODevice>
#include <QLocale>
#include <QMimeDatabase>
#include <QRegularExpression>
#include <QTimeZone>

#include <algorithm>

namespace HttpFileSemantics {

namespace {

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

QByteArray opaqueTag(const QByteArray &tag)
{
    return tag.startsWith("W/") ? tag.mid(2) : tag;
}

int monthNumber(QStringView name)
{
    const QLocale c = QLocale::c();
    for (int month = 1; month <= 12; ++month) {
        if (name.compare(c.monthName(month, QLocale::ShortFormat), Qt::CaseInsensitive) == 0)
            return month;
    }
    return 0;
}

} // namespace

Decision decide(const RequestHeaders &request, const Representation &representation)
{
    const QDateTime &modified = representation.lastModified;
    const QByteArray lastModified = modified.isValid() ? formatDate(modified) : QByteArray();
    const auto notModifiedSince = [&](const QByteArray &header) {
        const auto since = parseDate(header);
        return since && modified.isValid() && modified.toSecsSinceEpoch() <= since->toSecsSinceEpoch();
    };

    Decision decision;
    if ((!request.ifMatch.isEmpty() && !tagListMatches(request.ifMatch, representation.etag, TagComparison::Strong))
        || (request.ifMatch.isEmpty() && !request.ifUnmodifiedSince.isEmpty() && !lastModified.isEmpty()
            && !notModifiedSince(request.ifUnmodifiedSince))) {
        decision.status = 412;
        return decision;
    }
    if ((!request.ifNoneMatch.isEmpty() && tagListMatches(request.ifNoneMatch, representation.etag, TagComparison::Weak))
        || (request.ifNoneMatch.isEmpty() && !lastModified.isEmpty() && notModifiedSince(request.ifModifiedSince))) {
        decision.status = 304;
        return decision;
    }

    const qint64 size = representation.size;
    RangeRequest range = parseRange(request.range, size);
    const QByteArray ifRange = request.ifRange.trimmed();
    if (range.kind != RangeRequest::Whole && !ifRange.isEmpty()) {
        // A range of a file that has changed since would splice two versions.
        const bool same = ifRange.startsWith('"') ? ifRange == representation.etag
                                                  : !lastModified.isEmpty() && ifRange == lastModified;
        if (!same)
            range.kind = RangeRequest::Whole;
    }

    switch (range.kind) {
    case RangeRequest::Unsatisfiable:
        decision.status = 416;
        decision.headers.append(Header("Content-Range", "bytes */" + QByteArray::number(size)));
        break;
    case RangeRequest::Partial:
        decision.status = 206;
        decision.range = range.range;
        decision.headers.append(Header("Content-Range",
                                       "bytes " + QByteArray::number(range.range.first) + '-'
                                               + QByteArray::number(range.range.last) + '/'
                                               + QByteArray::number(size)));
        break;
    case RangeRequest::Whole:
        decision.status = 200;
        decision.range = { 0, size - 1 };
        break;
    }
    return decision;
}

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

QByteArray fileTag(qint64 size, const QDateTime &modified)
{
    const qint64 msecs = modified.isValid() ? modified.toMSecsSinceEpoch() : 0;
    return '"' + QByteArray::number(size, 16) + '-' + QByteArray::number(msecs, 16) + '"';
}

QByteArray contentTag(QIODevice *content)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(content);
    return '"' + hash.result().toHex().left(32) + '"';
}

bool tagListMatches(const QByteArray &header, const QByteArray &etag, TagComparison comparison)
{
    if (header.trimmed() == "*")
        return true;
    static const QRegularExpression tagPattern(QStringLiteral(R"((W/)?"[^"]*")"));
    auto it = tagPattern.globalMatch(QString::fromLatin1(header));
    while (it.hasNext()) {
        const QByteArray candidate = it.next().captured(0).toLatin1();
        if (comparison == TagComparison::Weak ? opaqueTag(candidate) == opaqueTag(etag) : candidate == etag)
            return true;
    }
    return false;
}

QByteArray formatDate(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), u"ddd, dd MMM yyyy HH:mm:ss 'GMT'").toLatin1();
}

// Matched by pattern, not with QLocale::toDateTime(): that reads the time as
// local (an hour skipped by daylight saving time would not exist), insists
// on the right weekday and takes two-digit years for 19xx.
std::optional<QDateTime> parseDate(const QByteArray &value)
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

QByteArray contentType(const QString &fileName)
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
        { QStringLiteral("vtt"), "text/vtt; charset=utf-8" },
    };
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    const auto it = types.constFind(suffix);
    if (it != types.cend())
        return *it;
    // Qt 6.4's mime database crashes on some names with NUL characters in
    // them; no file of ours has one.
    if (fileName.contains(QChar(0)))
        return QByteArrayLiteral("application/octet-stream");
    const QMimeType mime = QMimeDatabase().mimeTypeForFile(fileName, QMimeDatabase::MatchExtension);
    if (mime.isValid() && !mime.isDefault())
        return mime.name().toLatin1();
    return QByteArrayLiteral("application/octet-stream");
}

} // namespace HttpFileSemantics
