#ifndef HTTPCONNECTION_H
#define HTTPCONNECTION_H

#include "web/httplimits.h"
#include "web/httpresponder.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>

class QIODevice;
class QTcpSocket;

// One HTTP/1.1 client connection (docs/http.md, "Connections"): reads one
// request at a time within the limits, hands it to the handler, writes the
// answer, and only then reads the next one, so pipelined requests are
// answered in order and at most one file is open per connection. Closes
// after answering when the client asked (`Connection: close`, HTTP/1.0),
// after an error, or when the client is idle or stalls for too long.
// A WebSocket upgrade on the WebSocket path that WebSocketHandshake
// accepts leaves through webSocketRequested(), read and not yet answered.
class HttpConnection : public QObject
{
    Q_OBJECT

public:
    using Handler = std::function<void(const HttpRequest &, HttpResponder &)>;

    // Takes `socket` (already connected) as its child.
    HttpConnection(QTcpSocket *socket, const HttpLimits &limits, const QString &webSocketPath,
                   Handler handler, QObject *parent = nullptr);
    ~HttpConnection() override;

    // Past the connection limit: answer only /health, /status and /metrics.
    void setReserveOnly(bool reserveOnly) { m_reserveOnly = reserveOnly; }

    // The answer to the request being handled; used by HttpResponder.
    // `contentLength` < 0 writes none (304).
    void writeResponse(int status, const HttpResponder::HeaderList &headers, qint64 contentLength,
                       const QByteArray &body);
    void writeResponse(int status, const HttpResponder::HeaderList &headers, std::unique_ptr<QIODevice> body);
    // The handler answers later (HttpResponder::defer()); if no answer
    // comes within the send timeout, the connection is dropped.
    void awaitDeferredResponse();

Q_SIGNALS:
    // An acceptable upgrade request on the WebSocket path: the socket is no
    // longer this connection's; the request has been read from it, and
    // nothing has answered it yet.
    void webSocketRequested(QTcpSocket *socket, const HttpRequest &request);

private:
    enum class State { Waiting, Responding, Closing };

    void processRequests();
    bool takeRequest();
    void refuse(int status, const QByteArray &reason, const QByteArray &text,
                HttpResponder::HeaderList headers = {});
    void writeHead(int status, const HttpResponder::HeaderList &headers, qint64 contentLength,
                   const QByteArray &body);
    void onBytesWritten();
    void pumpBody();
    void finishResponse();
    void close();
    void onTimeout();
    QString peer() const;

    QTcpSocket *m_socket;
    HttpLimits m_limits;
    QString m_webSocketPath;
    Handler m_handler;
    State m_state = State::Waiting;
    bool m_closeAfterResponse = false;
    bool m_reserveOnly = false;
    bool m_processing = false;
    std::unique_ptr<QIODevice> m_body; // the answer's body still being sent
    QTimer m_timer;
};

#endif // HTTPCONNECTION_H
