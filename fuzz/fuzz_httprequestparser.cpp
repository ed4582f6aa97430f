// What any client on the LAN may send to the HTTP port: bytes through
// HttpRequestParser::parse (docs/http.md, "Connections and limits").
// Input: the bytes a connection has received so far.

#include "fuzzcheck.h"

#include "web/httprequestparser.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using Status = HttpRequestParser::Result::Status;

namespace {
HttpRequestParser::Limits limits()
{
    // Small, so that the fuzzer reaches every limit often.
    HttpRequestParser::Limits l;
    l.maxHeadBytes = 512;
    l.maxHeaderCount = 8;
    l.maxBodyBytes = 64;
    return l;
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const HttpRequestParser::Limits l = limits();
    const HttpRequestParser::Result result = HttpRequestParser::parse(bytes, l);

    switch (result.status) {
    case Status::Incomplete:
        // Waiting for more is only allowed while within the limits.
        FUZZ_CHECK(result.errorStatus == 0);
        FUZZ_CHECK(bytes.size() <= l.maxHeadBytes + l.maxBodyBytes + 2);
        break;
    case Status::Error:
        FUZZ_CHECK(result.errorStatus >= 400 && result.errorStatus <= 505);
        FUZZ_CHECK(!result.reason.isEmpty());
        break;
    case Status::Complete: {
        const HttpRequest &request = result.request;
        FUZZ_CHECK(result.length > 0 && result.length <= bytes.size());
        FUZZ_CHECK(result.headLength <= result.length);
        FUZZ_CHECK(result.length - result.headLength == request.body.size());
        FUZZ_CHECK(request.body.size() <= l.maxBodyBytes);
        FUZZ_CHECK(request.headers.size() <= l.maxHeaderCount);
        FUZZ_CHECK(!request.method.isEmpty() && !request.target.isEmpty());
        FUZZ_CHECK(request.minorVersion == 0 || request.minorVersion == 1);
        FUZZ_CHECK(request.url.path().startsWith(QLatin1Char('/')));
        for (const auto &header : request.headers)
            FUZZ_CHECK(header.first == header.first.toLower() && !header.first.isEmpty());
        // A complete request is still complete, and the same, with more bytes behind it.
        const HttpRequestParser::Result longer = HttpRequestParser::parse(bytes + "GET / HTTP/1.1\r\n", l);
        FUZZ_CHECK(longer.status == Status::Complete && longer.length == result.length);
        break;
    }
    }

    // Every prefix of the input is Incomplete or the same verdict family: a
    // parser that errs on a prefix of a good request would drop clients
    // whose requests arrive in pieces.
    if (result.status == Status::Complete && size > 1) {
        const HttpRequestParser::Result prefix = HttpRequestParser::parse(bytes.first(result.length - 1), l);
        FUZZ_CHECK(prefix.status == Status::Incomplete);
    }
    return 0;
}
