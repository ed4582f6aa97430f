#include "rawhttpclient.h"

#include <QDeadlineTimer>
#include <QHostAddress>
#include <QTcpSocket>

QByteArray RawHttpClient::requestBytes(const QByteArray &method, const QByteArray &target,
                                       const QByteArray &extraHeaders) const
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_port)
        + "\r\n" + extraHeaders + "\r\n";
}

int RawHttpClient::parseStatusLine(const QByteArray &line)
{
    return line.trimmed().split(' ').value(1).toInt();
}

qsizetype RawHttpClient::parseHead(const QByteArray &data, Response *response)
{
    const qsizetype end = data.indexOf("\r\n\r\n");
    if (end < 0)
        return -1;
    const QList<QByteArray> lines = data.left(end).split('\n');
    response->status = parseStatusLine(lines.value(0));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon > 0)
            response->headers.insert(lines.at(i).left(colon).trimmed().toLower(), lines.at(i).mid(colon + 1).trimmed());
    }
    return end + 4;
}

RawHttpClient::Response RawHttpClient::get(const QByteArray &target, int timeoutMs) const
{
    return request(QByteArrayLiteral("GET"), target, {}, timeoutMs);
}

RawHttpClient::Response RawHttpClient::request(const QByteArray &method, const QByteArray &target,
                                               const QByteArray &extraHeaders, int timeoutMs) const
{
    return exchange(requestBytes(method, target, extraHeaders), timeoutMs);
}

RawHttpClient::Response RawHttpClient::requestWithBody(const QByteArray &method, const QByteArray &target,
                                                       const QByteArray &body, const QByteArray &extraHeaders,
                                                       int timeoutMs) const
{
    const QByteArray headers = extraHeaders + "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return exchange(requestBytes(method, target, headers) + body, timeoutMs);
}

RawHttpClient::Response RawHttpClient::exchange(const QByteArray &bytes, int timeoutMs) const
{
    Response response;
    QTcpSocket socket;
    const QDeadlineTimer deadline(timeoutMs);
    socket.connectToHost(QHostAddress::LocalHost, m_port);
    if (!socket.waitForConnected(int(deadline.remainingTime())))
        return response;
    socket.write(bytes);

    // The server keeps the connection open: read the head, then Content-Length bytes.
    QByteArray data;
    qsizetype bodyStart = -1;
    qsizetype length = -1;
    for (;;) {
        data.append(socket.readAll());
        if (bodyStart < 0 && (bodyStart = parseHead(data, &response)) >= 0) {
            bool ok = false;
            length = response.header("content-length").toLongLong(&ok);
            if (!ok)
                length = -1;
        }
        if (bodyStart >= 0 && length >= 0 && data.size() - bodyStart >= length)
            break;
        if (deadline.hasExpired() || socket.state() != QAbstractSocket::ConnectedState)
            break;
        socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    if (bodyStart >= 0)
        response.body = length >= 0 ? data.mid(bodyStart, length) : data.mid(bodyStart);
    return response;
}
