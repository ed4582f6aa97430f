#include "httpprobe.h"

#include "monoclock.h"
#include "rawhttpclient.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTimer>

HttpProbe::HttpProbe(quint16 port, const QString &path, QObject *parent)
    : ProgressSource(parent)
    , m_port(port)
    , m_request(RawHttpClient(port).requestBytes("GET", path.toUtf8(), "Connection: close\r\n"))
{
    m_retryTimer = new QTimer(this);
    m_retryTimer->setSingleShot(true);
    m_retryTimer->setTimerType(Qt::PreciseTimer);
    m_retryTimer->setInterval(1);
    connect(m_retryTimer, &QTimer::timeout, this, &HttpProbe::attempt);
    // A server that accepted but never answers must not stall the probe.
    m_attemptTimer = new QTimer(this);
    m_attemptTimer->setSingleShot(true);
    m_attemptTimer->setInterval(1000);
    connect(m_attemptTimer, &QTimer::timeout, this, &HttpProbe::retry);
}

void HttpProbe::start()
{
    m_running = true;
    m_okNs = -1;
    m_attempts = 0;
    attempt();
}

void HttpProbe::stop()
{
    m_running = false;
    m_retryTimer->stop();
    m_attemptTimer->stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
        m_socket = nullptr;
    }
}

void HttpProbe::attempt()
{
    if (!m_running)
        return;
    ++m_attempts;
    m_buffer.clear();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket->deleteLater();
    }
    m_socket = new QTcpSocket(this);
    connect(m_socket, &QTcpSocket::connected, this, [this] { m_socket->write(m_request); });
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpProbe::onReadyRead);
    connect(m_socket, &QTcpSocket::errorOccurred, this, &HttpProbe::retry);
    m_attemptTimer->start();
    m_socket->connectToHost(QHostAddress::LocalHost, m_port);
}

void HttpProbe::retry()
{
    m_attemptTimer->stop();
    if (m_running && !m_retryTimer->isActive())
        m_retryTimer->start();
}

void HttpProbe::onReadyRead()
{
    m_buffer += m_socket->readAll();
    const int eol = m_buffer.indexOf("\r\n");
    if (eol < 0)
        return;
    const qint64 now = MonoClock::nowNs();
    m_lastStatus = RawHttpClient::parseStatusLine(m_buffer.left(eol));
    if (m_lastStatus == 200) {
        m_okNs = now;
        stop();
        Q_EMIT progress();
        return;
    }
    m_socket->disconnect(this);
    m_socket->abort();
    retry();
}
