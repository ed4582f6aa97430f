#ifndef FRAMINGGUARD_H
#define FRAMINGGUARD_H

#include "web/clientframescanner.h"

#include <QHash>
#include <QMultiHash>
#include <QObject>

class QTcpSocket;
class QWebSocket;

// Holds browsers to the framing rules that Qt's WebSocket layer does not
// check (docs/websocket.md, "Framing and limits"): nothing before the
// handshake's answer, and every frame masked. It reads each connection's
// bytes as they arrive, before QWebSocket does, and has ClientFrameScanner
// follow the frame headers; a browser that sends an unmasked frame is closed
// with 1002 before Qt acts on anything that came with it.
class FramingGuard : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // A connection whose handshake is still unread, before anyone else
    // connects to its readyRead: from now on its bytes are seen first here.
    void watch(QTcpSocket *connection);

    // The watched connection that `client` was upgraded from, if any; it is
    // not looked for again.
    QTcpSocket *takeConnection(const QWebSocket *client);

    // Follows the frames of `client`, upgraded from `connection`, from now
    // on. False when it sent something before the handshake was answered
    // (logged, and no longer followed): the caller closes it with 1002.
    bool follow(QTcpSocket *connection, QWebSocket *client);

    // No longer followed: the connection has gone or is being let go.
    void forget(QTcpSocket *connection) { m_streams.remove(connection); }

    // Hands back the memory of connections that have gone.
    void squeeze();

private:
    // The bytes of one connection as they arrive, read ahead of QWebSocket.
    struct Stream
    {
        QWebSocket *client = nullptr;   // set once the handshake is answered
        ClientFrameScanner frames;
        qint64 scanned = 0;             // bytes at the head of the socket's buffer already fed
        bool early = false;             // sent something before the handshake's answer
        bool followed = true;           // false: its frames are no longer checked
    };

    void scanBeforeQt(QTcpSocket *connection);
    void scanAfterQt(QTcpSocket *connection);
    static void stopScanning(Stream &stream);

    QHash<QTcpSocket *, Stream> m_streams;
    // The connections whose handshake is unanswered, by their peer port as
    // it was when they came: QWebSocket does not say which socket it took
    // over, but its peer does.
    QMultiHash<quint16, QTcpSocket *> m_pending;
};

#endif // FRAMINGGUARD_H
