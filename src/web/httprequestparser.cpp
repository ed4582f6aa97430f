#include "web/httprequestparser.h"

namespace HttpRequestParser {

namespace {

// RFC 9110 §5.6.2: the characters of a token (method and header names).
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

// Visible ASCII only: no spaces, controls or bytes above 0x7e in a target.
bool isVisible(QByteArrayView text)
{
    for (const char c : text) {
        if (c <= 0x20 || c >= 0x7f)
            return false;
    }
    return !text.isEmpty();
}

bool hasControl(QByteArrayView text)
{
    // As bytes: char is signed on x86 but unsigned on ARM; obs-text
    // (0x80 and up) is allowed.
    for (const char ch : text) {
        const auto c = static_cast<uchar>(ch);
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return true;
    }
    return false;
}

Result error(int status, const char *reason)
{
    Result result;
    result.status = Result::Status::Error;
    result.errorStatus = status;
    result.reason = reason;
    return result;
}

QByteArrayView withoutCr(QByteArrayView line)
{
    return line.endsWith('\r') ? line.chopped(1) : line;
}

} // namespace

Result parse(QByteArrayView data, const Limits &limits)
{
    // A client may send blank lines between requests (RFC 9112 §2.2); they
    // count towards the head's limit like everything else.
    qsizetype start = 0;
    while (start < data.size() && (data[start] == '\r' || data[start] == '\n'))
        ++start;

    const qsizetype lineEnd = data.indexOf('\n', start);
    if (lineEnd < 0) {
        if (data.size() > limits.maxHeadBytes)
            return error(start == data.size() ? 431 : 414, "request line too long");
        return {};
    }
    if (lineEnd > limits.maxHeadBytes)
        return error(414, "request line too long");

    // Find the empty line that ends the head, within the limit.
    qsizetype headEnd = -1; // one past the empty line's LF
    int headerCount = 0;
    for (qsizetype pos = lineEnd + 1;;) {
        const qsizetype end = data.indexOf('\n', pos);
        if (end < 0) {
            if (data.size() > limits.maxHeadBytes)
                return error(431, "request head too large");
            return {};
        }
        if (withoutCr(data.sliced(pos, end - pos)).isEmpty()) {
            headEnd = end + 1;
            // The empty line counts too: a head is within the limit whole or
            // not at all, however its bytes arrive (a piece one byte short
            // must not be judged differently).
            if (headEnd > limits.maxHeadBytes)
                return error(431, "request head too large");
            break;
        }
        if (++headerCount > limits.maxHeaderCount)
            return error(431, "too many header lines");
        pos = end + 1;
        if (pos > limits.maxHeadBytes)
            return error(431, "request head too large");
    }

    Result result;
    HttpRequest &request = result.request;

    // request-line = method SP request-target SP HTTP-version
    const QByteArrayView line = withoutCr(data.sliced(start, lineEnd - start));
    const qsizetype firstSpace = line.indexOf(' ');
    const qsizetype lastSpace = line.lastIndexOf(' ');
    if (firstSpace <= 0 || lastSpace <= firstSpace + 1)
        return error(400, "malformed request line");
    const QByteArrayView method = line.first(firstSpace);
    const QByteArrayView target = line.sliced(firstSpace + 1, lastSpace - firstSpace - 1);
    const QByteArrayView version = line.sliced(lastSpace + 1);
    if (!isToken(method))
        return error(400, "malformed method");
    if (!isVisible(target))
        return error(400, "malformed request target");
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.' || version[5] < '0'
        || version[5] > '9' || version[7] < '0' || version[7] > '9')
        return error(400, "malformed HTTP version");
    if (version[5] != '1')
        return error(505, "HTTP version not supported");
    request.method = method.toByteArray();
    request.target = target.toByteArray();
    // A later 1.x is answered as 1.1 (RFC 9110 §2.5).
    request.minorVersion = qMin(version[7] - '0', 1);

    // Origin form ("/path?query"), or absolute form for proxies' sake.
    // Tolerant: stray characters such as a backslash stay in the path,
    // percent-encoded, for the routes to judge (and refuse).
    if (target.startsWith('/') || target.startsWith("http://") || target.startsWith("https://"))
        request.url = QUrl::fromEncoded(request.target, QUrl::TolerantMode);
    if (!request.url.isValid() || !request.url.path().startsWith(QLatin1Char('/')))
        return error(400, "malformed request target");

    for (qsizetype pos = lineEnd + 1; pos < headEnd;) {
        const qsizetype end = data.indexOf('\n', pos);
        const QByteArrayView field = withoutCr(data.sliced(pos, end - pos));
        pos = end + 1;
        if (field.isEmpty())
            break;
        // Folded lines are obsolete and a known smuggling vector (RFC 9112 §5.2).
        if (field.startsWith(' ') || field.startsWith('\t'))
            return error(400, "folded header line");
        const qsizetype colon = field.indexOf(':');
        if (colon <= 0 || !isToken(field.first(colon)))
            return error(400, "malformed header line");
        const QByteArrayView value = field.sliced(colon + 1).trimmed();
        if (hasControl(value))
            return error(400, "control character in a header");
        request.headers.append({ field.first(colon).toByteArray().toLower(), value.toByteArray() });
    }

    // The body's length: Content-Length only. A body of unknown length
    // (chunked) is never needed by any route here.
    qint64 contentLength = 0;
    bool haveLength = false;
    for (const auto &header : std::as_const(request.headers)) {
        if (header.first == "transfer-encoding")
            return error(411, "Transfer-Encoding is not accepted; send Content-Length");
        if (header.first != "content-length")
            continue;
        bool ok = false;
        const qint64 length = header.second.toLongLong(&ok);
        for (const char c : header.second) {
            ok = ok && c >= '0' && c <= '9';
        }
        if (!ok || length < 0 || (haveLength && length != contentLength))
            return error(400, "malformed Content-Length");
        contentLength = length;
        haveLength = true;
    }
    if (contentLength > limits.maxBodyBytes)
        return error(413, "request body too large");
    if (data.size() - headEnd < contentLength)
        return {};

    request.body = data.sliced(headEnd, contentLength).toByteArray();
    result.status = Result::Status::Complete;
    result.headLength = headEnd;
    result.length = headEnd + contentLength;
    return result;
}

} // namespace HttpRequestParser
