#include "httpdownloader.h"

#include "monoclock.h"
#include "rawhttpclient.h"

#include <QHostAddress>
#include <QTcpSocket>

HttpDownloader::HttpDownloader(quint16 port, const QByteArray &path, int clients, QObject *parent)
    : ProgressSource(parent)
    , m_port(port)
    , m_path(path)
    , m_conns(clients)
    , m_results(clients)
{
}

void HttpDownloader::start()
{
    m_startNs = MonoClock::nowNs();
    const QByteArray request = RawHttpClient(m_port).requestBytes("GET", m_path, "Connection: close\r\n");
    for (int i = 0; i < m_conns.size(); ++i) {
        auto *s = new QTcpSocket(this);
        m_conns[i].socket = s;
        connect(s, &QTcpSocket::connected, this, [s, request] { s->write(request); });
        connect(s, &QTcpSocket::readyRead, this, [this, i] { onReadyRead(i); });
        connect(s, &QTcpSocket::disconnected, this, [this, i] {
            onReadyRead(i);
            const Conn &c = m_conns.at(i);
            // Without length or chunks, the close ends the body.
            const bool untilClose = c.inBody && !c.chunked && m_results.at(i).contentLength < 0;
            finish(i, untilClose, untilClose ? QString() : QStringLiteral("closed early"));
        });
        connect(s, &QTcpSocket::errorOccurred, this, [this, i, s] {
            if (s->error() != QAbstractSocket::RemoteHostClosedError)
                finish(i, false, s->errorString());
        });
        s->connectToHost(QHostAddress::LocalHost, m_port);
    }
}

void HttpDownloader::abortAll()
{
    for (int i = 0; i < m_conns.size(); ++i)
        finish(i, false, QStringLiteral("timed out"));
}

void HttpDownloader::finish(int i, bool complete, const QString &error)
{
    Result &r = m_results[i];
    if (r.done)
        return;
    r.done = true;
    r.complete = complete;
    r.error = error;
    Conn &c = m_conns[i];
    if (c.socket) {
        c.socket->disconnect(this);
        c.socket->abort();
        c.socket->deleteLater();
        c.socket = nullptr;
    }
    ++m_done;
    m_endNs = MonoClock::nowNs();
    Q_EMIT progress();
}

void HttpDownloader::onReadyRead(int i)
{
    char buf[256 * 1024];
    while (!m_results.at(i).done && m_conns.at(i).socket) {
        Conn &c = m_conns[i];
        const qint64 n = c.socket->read(buf, sizeof buf);
        if (n <= 0)
            return;
        if (c.inBody) {
            consumeBody(i, buf, n);
            continue;
        }
        c.head.append(buf, int(n));
        RawHttpClient::Response head;
        const qsizetype bodyStart = RawHttpClient::parseHead(c.head, &head);
        if (bodyStart < 0) {
            if (c.head.size() > 64 * 1024)
                finish(i, false, QStringLiteral("header too long"));
            continue;
        }
        Result &r = m_results[i];
        r.status = head.status;
        if (head.headers.contains("content-length"))
            r.contentLength = head.header("content-length").toLongLong();
        c.chunked = head.header("transfer-encoding").toLower().contains("chunked");
        c.inBody = true;
        const QByteArray rest = c.head.mid(bodyStart);
        c.head.clear();
        if (!c.chunked && r.contentLength == 0)
            finish(i, true);
        else if (!rest.isEmpty())
            consumeBody(i, rest.constData(), rest.size());
    }
}

void HttpDownloader::consumeBody(int i, const char *data, qint64 n)
{
    Conn &c = m_conns[i];
    Result &r = m_results[i];
    if (!c.chunked) {
        r.bodyBytes += n;
        if (r.contentLength >= 0 && r.bodyBytes >= r.contentLength)
            finish(i, r.bodyBytes == r.contentLength,
                   r.bodyBytes == r.contentLength ? QString() : QStringLiteral("too many bytes"));
        return;
    }
    qint64 pos = 0;
    while (pos < n && !r.done) {
        if (c.chunkLeft > 0) {
            const qint64 take = qMin(c.chunkLeft, n - pos);
            r.bodyBytes += take;
            c.chunkLeft -= take;
            pos += take;
            if (c.chunkLeft == 0)
                c.chunkCrlf = true;
            continue;
        }
        // Size lines and the CRLF after each chunk are short: collect them.
        c.head.append(data[pos++]);
        if (!c.head.endsWith("\r\n"))
            continue;
        const QByteArray line = c.head.chopped(2);
        c.head.clear();
        if (c.chunkCrlf) {
            c.chunkCrlf = false;
            continue;
        }
        bool ok = false;
        const qint64 size = line.split(';').value(0).trimmed().toLongLong(&ok, 16);
        if (!ok) {
            finish(i, false, QStringLiteral("bad chunk size"));
            return;
        }
        if (size == 0) {
            finish(i, true);
            return;
        }
        c.chunkLeft = size;
    }
}
