#ifndef RAWHTTPCLIENT_H
#define RAWHTTPCLIENT_H

#include <QByteArray>
#include <QHash>

// HTTP/1.1 over a plain QTcpSocket to 127.0.0.1: the request target goes out
// byte for byte, so hostile paths reach the gateway without QUrl normalising
// them first. Clients that drive their own sockets share its request and
// head parsing.
class RawHttpClient
{
public:
    struct Response
    {
        int status = 0; // 0: no answer
        QHash<QByteArray, QByteArray> headers; // names in lower case
        QByteArray body;
        QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
    };

    explicit RawHttpClient(quint16 port) : m_port(port) { }

    Response get(const QByteArray &target, int timeoutMs = 5000) const;
    Response request(const QByteArray &method, const QByteArray &target,
                     const QByteArray &extraHeaders = {}, int timeoutMs = 5000) const;
    // The same with a body; Content-Length is added.
    Response requestWithBody(const QByteArray &method, const QByteArray &target, const QByteArray &body,
                             const QByteArray &extraHeaders = {}, int timeoutMs = 5000) const;

    // The bytes request() sends; each extra header ends in CRLF.
    QByteArray requestBytes(const QByteArray &method, const QByteArray &target,
                            const QByteArray &extraHeaders = {}) const;
    // Parses status and headers once the whole head is in `data`; returns
    // the offset of the body, or -1 while the head is incomplete.
    static qsizetype parseHead(const QByteArray &data, Response *response);
    // The status code of a status line ("HTTP/1.1 200 OK"), 0 when there is none.
    static int parseStatusLine(const QByteArray &line);

private:
    Response exchange(const QByteArray &bytes, int timeoutMs) const;

    quint16 m_port;
};

#endif // RAWHTTPCLIENT_H
