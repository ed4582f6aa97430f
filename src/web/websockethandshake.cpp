#include "web/websockethandshake.h"

#include <QCryptographicHash>

namespace {
// Whether a comma-separated header value lists `token`, in any letter case.
bool hasToken(const QByteArray &value, QByteArrayView token)
{
    for (const QByteArray &item : value.split(',')) {
        if (item.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}
} // namespace

namespace WebSocketHandshake {

Verdict judge(const HttpRequest &request)
{
    if (request.minorVersion < 1)
        return { 400, "WebSocket upgrade over HTTP/1.0" };
    if (!hasToken(request.value("upgrade"), "websocket") || !hasToken(request.value("connection"), "upgrade"))
        return { 400, "WebSocket upgrade without Upgrade: websocket and Connection: Upgrade" };
    if (request.value("sec-websocket-version") != "13")
        return { 426, "WebSocket version other than 13" };
    const auto key = QByteArray::fromBase64Encoding(request.value("sec-websocket-key"),
                                                    QByteArray::AbortOnBase64DecodingErrors);
    if (!key || key.decoded.size() != 16)
        return { 400, "WebSocket upgrade without a valid Sec-WebSocket-Key" };
    return {};
}

QByteArray switchingProtocols(const HttpRequest &request)
{
    return "HTTP/1.1 101 Switching Protocols\r\n"
           "Upgrade: websocket\r\n"
           "Connection: Upgrade\r\n"
           "Sec-WebSocket-Accept: "
            + acceptKey(request.value("sec-websocket-key")) + "\r\n\r\n";
}

QByteArray acceptKey(QByteArrayView key)
{
    // RFC 6455 §1.3: the key, this fixed GUID, SHA-1, base64.
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(key);
    hash.addData(QByteArrayView("258EAFA5-E914-47DA-95CA-C5AB0DC85B11"));
    return hash.result().toBase64();
}

} // namespace WebSocketHandshake
