#ifndef WEBSOCKETHANDSHAKE_H
#define WEBSOCKETHANDSHAKE_H

#include "web/httprequest.h"

#include <QByteArray>

// The opening handshake of RFC 6455 §4.2, server side (docs/websocket.md,
// "Opening a connection"): whether an upgrade request may become a
// WebSocket, and the `101` that makes it one.
namespace WebSocketHandshake {

struct Verdict
{
    int status = 101;    // or the status to refuse with: 400, 426
    QByteArray reason;   // why not, for the log and the answer
};

Verdict judge(const HttpRequest &request);

// The whole `101 Switching Protocols` answer to an accepted request.
QByteArray switchingProtocols(const HttpRequest &request);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key.
QByteArray acceptKey(QByteArrayView key);

} // namespace WebSocketHandshake

#endif // WEBSOCKETHANDSHAKE_H
