#ifndef LISTENURL_H
#define LISTENURL_H

#include <QHostAddress>
#include <QString>

struct HttpRequest;

// The address of the /listen page that the dashboard's QR code shows
// (docs/http.md, "/listen"). Free functions: nothing is kept between calls.
namespace ListenUrl {

// `configured` (listen_url) when set; else http://<address>:<port>/listen
// with the address the gateway listens on, or, when that is every address,
// the machine's first non-loopback IPv4 address. Empty when there is none.
QString resolve(const QString &configured, const QHostAddress &httpHost, quint16 port);

// `resolved`, or, when empty, the page on the host the request was sent to
// (its Host header): a gateway with no network address of its own is
// reached by some name all the same.
QString forRequest(const QString &resolved, const HttpRequest &request);

} // namespace ListenUrl

#endif // LISTENURL_H
