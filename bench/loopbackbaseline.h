#ifndef LOOPBACKBASELINE_H
#define LOOPBACKBASELINE_H

#include "progresssource.h"

#include <QJsonObject>

// What the measuring side costs by itself: the same pty panel and WebSocket
// clients, but answered inside this process instead of by a gateway.
class LoopbackBaseline : public ProgressSource
{
    Q_OBJECT

public:
    explicit LoopbackBaseline(QObject *parent = nullptr);

    // PRESS written to the pty master, answered with LEDSET by a reader on
    // the slave in this process: press -> LEDSET as the bench would see it.
    QJsonObject runPty(int iterations, int intervalMs, int timeoutMs);
    // A QWebSocketServer in a second thread sends stop+play to N clients
    // (send -> play at the first and last client) and times a client's
    // ended until the server has read it.
    QJsonObject runWebSocket(int clients, int iterations, int intervalMs, int timeoutMs);
};

#endif // LOOPBACKBASELINE_H
