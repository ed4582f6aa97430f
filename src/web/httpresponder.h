#ifndef HTTPRESPONDER_H
#define HTTPRESPONDER_H

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QPointer>
#include <QString>

#include <memory>

class HttpConnection;
class QIODevice;
class QJsonObject;

// The handle a route gets to answer one request. Each request is answered
// exactly once; HEAD answers carry the headers of the GET answer and no
// body. Writing goes to the connection that read the request, and is
// dropped if that connection has gone meanwhile.
class HttpResponder
{
public:
    using HeaderList = QList<QPair<QByteArray, QByteArray>>;

    HttpResponder(HttpConnection *connection, bool head);

    // A short body held in memory; Content-Length is added.
    void write(int status, const HeaderList &headers, const QByteArray &body);
    // A body read from `device` (open, of known size()) as the client takes it.
    void write(int status, const HeaderList &headers, std::unique_ptr<QIODevice> body);
    // A compact JSON body, never cached (the staff and statistics APIs).
    void writeJson(int status, const QJsonObject &body, HeaderList headers = {});
    // The same with the body {"error": text}.
    void writeJsonError(int status, const QString &error, HeaderList headers = {});
    // 304: no body and no Content-Length.
    void writeNotModified(const HeaderList &headers);

    // Takes the answer out of the handler's call, for work done elsewhere
    // (another thread): the responder returned answers later, this one
    // counts as answered. The connection reads no further request until
    // then; an answer for a client that has gone is dropped.
    HttpResponder defer();

    bool isHead() const { return m_head; }
    bool hasAnswered() const { return m_answered; }

private:
    QPointer<HttpConnection> m_connection;
    bool m_head;
    bool m_answered = false;
};

#endif // HTTPRESPONDER_H
