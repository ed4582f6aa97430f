#ifndef HTTPLIMITS_H
#define HTTPLIMITS_H

#include "web/httprequestparser.h"

// What one client may cost the gateway (docs/http.md, "Limits").
struct HttpLimits
{
    HttpRequestParser::Limits request;
    // A request must arrive whole this long after its first byte, and a
    // kept-alive connection may sit idle this long between requests.
    int requestTimeoutMs = 10000;
    // An answer that makes no progress this long (a client that stopped
    // reading) ends its connection.
    int sendTimeoutMs = 60000;
    // Connections at once, HTTP and WebSocket together. The last
    // `reservedConnections` of them only serve /health, /status and /metrics, so a
    // monitor still gets through when the rest are taken.
    int maxConnections = 1024;
    int reservedConnections = 16;
};

#endif // HTTPLIMITS_H
