#include "web/connectiongate.h"

#include "system/logging.h"

#include <QTcpSocket>
#include <QUrl>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace {

struct RequestHead
{
    QByteArray target;
    bool webSocketUpgrade = false;
};

// Reads just what the gate decides on from a complete request head: the
// request target and whether an `Upgrade: websocket` header is present.
RequestHead readHead(QByteArrayView head)
{
    RequestHead result;
    const qsizetype lineEnd = head.indexOf('\n');
    const QList<QByteArray> requestLine = head.first(lineEnd).toByteArray().trimmed().split(' ');
    if (requestLine.size() >= 2)
        result.target = requestLine.at(1);
    qsizetype start = lineEnd + 1;
    while (start < head.size()) {
        qsizetype end = head.indexOf('\n', start);
        if (end < 0)
            end = head.size();
        const QByteArrayView line = head.sliced(start, end - start);
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.first(colon).trimmed().compare("upgrade", Qt::CaseInsensitive) == 0) {
            const QByteArray value = line.sliced(colon + 1).toByteArray().toLower();
            result.webSocketUpgrade = result.webSocketUpgrade || value.contains("websocket");
        }
        start = end + 1;
    }
    return result;
}

QString peerOf(const QTcpSocket *socket)
{
    return QStringLiteral("%1:%2").arg(socket->peerAddress().toString()).arg(socket->peerPort());
}

} // namespace

ConnectionGate::ConnectionGate(const QString &webSocketPath, QObject *parent)
    : QTcpServer(parent), m_webSocketPath(webSocketPath)
{
}

void ConnectionGate::incomingConnection(qintptr handle)
{
    const int on = 1;
    ::setsockopt(int(handle), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        qCWarning(lcHttp).noquote() << "cannot take connection:" << socket->errorString();
        delete socket;
        return;
    }
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] { inspect(socket); });
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
}

void ConnectionGate::inspect(QTcpSocket *socket)
{
    const QByteArray buffered = socket->peek(MaxInspectedHead);
    qsizetype headEnd = buffered.indexOf("\r\n\r\n");
    if (headEnd < 0)
        headEnd = buffered.indexOf("\n\n");
    if (headEnd < 0) {
        if (buffered.size() >= MaxInspectedHead)
            handToHttpServer(socket);
        return; // the rest of the head is still on its way
    }
    const RequestHead head = readHead(QByteArrayView(buffered).first(headEnd));
    if (!head.webSocketUpgrade)
        return handToHttpServer(socket);

    const QString path = QUrl::fromEncoded(head.target).path();
    if (path != m_webSocketPath)
        return refuseUpgrade(socket, path);
    socket->disconnect(this);
    disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    Q_EMIT webSocketRequested(socket);
}

void ConnectionGate::refuseUpgrade(QTcpSocket *socket, const QString &path)
{
    qCWarning(lcWs).noquote() << "refused WebSocket upgrade on" << path.left(200) << "from" << peerOf(socket);
    socket->disconnect(this);
    static const QByteArray body = QByteArrayLiteral("Not found: WebSocket connections are made on /ws\n");
    socket->write("HTTP/1.1 404 Not Found\r\n"
                  "Content-Type: text/plain; charset=utf-8\r\n"
                  "Content-Length: " + QByteArray::number(body.size()) + "\r\n"
                  "Connection: close\r\n\r\n" + body);
    socket->disconnectFromHost(); // after what was written has gone out
}

void ConnectionGate::handToHttpServer(QTcpSocket *socket)
{
    socket->disconnect(this);
    disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    // QHttpServer takes it from here: it connects to the socket as it takes
    // it, and then needs telling that a request is already waiting.
    addPendingConnection(socket);
    Q_EMIT socket->readyRead();
}
