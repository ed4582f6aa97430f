#ifndef HTTPREQUESTPARSER_H
#define HTTPREQUESTPARSER_H

#include "web/httprequest.h"

#include <QByteArrayView>

// Reads one HTTP/1.x request from the start of what a connection has
// received so far, within limits (docs/http.md, "Limits"). Pure: bytes in,
// a verdict out; the connection decides what to do with it.
namespace HttpRequestParser {

struct Limits
{
    qsizetype maxHeadBytes = 16 * 1024; // request line and headers; over → 431 (414 for the line)
    int maxHeaderCount = 100;           // over → 431
    qint64 maxBodyBytes = 64 * 1024;    // a larger Content-Length → 413, before any of it is read
};

struct Result
{
    enum class Status { Incomplete, Complete, Error };

    Status status = Status::Incomplete;
    int errorStatus = 0;  // Error: the status to answer with (400, 411, 413, 414, 431, 501, 505)
    QByteArray reason;    // Error: for the log
    HttpRequest request;  // Complete
    qsizetype length = 0; // Complete: bytes taken, head and body
    qsizetype headLength = 0; // Complete: bytes of the head alone, leading blank lines included
};

Result parse(QByteArrayView data, const Limits &limits);

} // namespace HttpRequestParser

#endif // HTTPREQUESTPARSER_H
