#ifndef HTTPREQUEST_H
#define HTTPREQUEST_H

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QUrl>

// One HTTP/1.x request as HttpRequestParser read it (docs/http.md).
struct HttpRequest
{
    QByteArray method;   // as sent: "GET", "HEAD", …
    QByteArray target;   // the request-target, byte for byte
    QUrl url;            // parsed from the target
    int minorVersion = 1;
    QList<QPair<QByteArray, QByteArray>> headers; // names in lower case, values trimmed
    QByteArray body;
    QHostAddress peer;

    // The first value of a header, by its lower-case name; empty when absent.
    QByteArray value(QByteArrayView lowerName) const
    {
        for (const auto &header : headers) {
            if (header.first == lowerName)
                return header.second;
        }
        return {};
    }
    bool isHead() const { return method == "HEAD"; }
    bool isGet() const { return method == "GET"; }
    // HTTP/1.0 closes after each answer unless asked otherwise; 1.1 keeps
    // the connection unless asked to close.
    bool wantsClose() const
    {
        const QByteArray connection = value("connection").toLower();
        if (minorVersion == 0)
            return !connection.contains("keep-alive");
        return connection.contains("close");
    }
    bool isWebSocketUpgrade() const { return value("upgrade").toLower().contains("websocket"); }
};

#endif // HTTPREQUEST_H
