#ifndef RAWHTTPCLIENT_H
#define RAWHTTPCLIENT_H

#include <QByteArray>
#include <QHash>

// HTTP/1.1 over a plain QTcpSocket: the request target goes out byte for byte,
// so hostile paths reach the gateway without QUrl normalising them first.
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

private:
    quint16 m_port;
};

#endif // RAWHTTPCLIENT_H
