#include "wsclientpool.h"

#include "monoclock.h"

#include <QWebSocket>

WsClientPool::WsClientPool(QObject *parent)
    : ProgressSource(parent)
{
}

WsClientPool::~WsClientPool()
{
    closeAll();
}

void WsClientPool::open(const QUrl &url, int count)
{
    closeAll();
    m_clients.resize(count);
    for (int i = 0; i < count; ++i) {
        auto *ws = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
        m_clients[i].socket = ws;
        connect(ws, &QWebSocket::connected, this, [this] {
            ++m_connected;
            Q_EMIT progress();
        });
        connect(ws, &QWebSocket::textMessageReceived, this,
                [this, i](const QString &msg) { onMessage(i, msg); });
        connect(ws, &QWebSocket::disconnected, this, [this, i] { onFailed(i); });
#if QT_VERSION >= QT_VERSION_CHECK(6, 5, 0)
        connect(ws, &QWebSocket::errorOccurred, this, [this, i] { onFailed(i); });
#else
        connect(ws, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), this,
                [this, i] { onFailed(i); });
#endif
        ws->open(url);
    }
}

void WsClientPool::closeAll()
{
    for (Client &c : m_clients) {
        if (!c.socket)
            continue;
        c.socket->disconnect(this);
        c.socket->abort();
        c.socket->deleteLater();
    }
    m_clients.clear();
    m_connected = m_ready = m_failed = 0;
    m_playTotal = 0;
    m_playTarget = -1;
}

const QVector<WsClientPool::Play> &WsClientPool::plays(int client) const
{
    return m_clients.at(client).plays;
}

int WsClientPool::orderErrors(int client) const
{
    return m_clients.at(client).orderErrors;
}

void WsClientPool::clearPlays()
{
    for (Client &c : m_clients)
        c.plays.clear();
    m_playTotal = 0;
}

qint64 WsClientPool::sendEnded(int client, int id)
{
    return sendText(client, QStringLiteral("{\"type\":\"ended\",\"id\":%1}").arg(id));
}

qint64 WsClientPool::sendText(int client, const QString &text)
{
    QWebSocket *ws = m_clients.at(client).socket;
    const qint64 t0 = MonoClock::nowNs();
    ws->sendTextMessage(text);
    // The socket would otherwise wait for the event loop to write.
    ws->flush();
    return t0;
}

void WsClientPool::onMessage(int index, const QString &msg)
{
    const qint64 ns = MonoClock::nowNs();
    Client &c = m_clients[index];
    if (!c.ready) {
        c.ready = true;
        ++m_ready;
        Q_EMIT progress();
    }
    const QStringView type = typeOf(msg);
    if (type == QLatin1String("stop")) {
        c.stopSeen = true;
    } else if (type == QLatin1String("play")) {
        if (!c.stopSeen)
            ++c.orderErrors;
        c.stopSeen = false;
        c.plays.append({idOf(msg), ns});
        ++m_playTotal;
        if (m_playTotal == m_playTarget)
            Q_EMIT progress();
    }
    // state, media, panel, pong and anything unknown: not measured.
}

void WsClientPool::onFailed(int index)
{
    Client &c = m_clients[index];
    if (c.failed)
        return;
    c.failed = true;
    ++m_failed;
    Q_EMIT progress();
}

namespace {
int skipSpace(QStringView s, int i)
{
    while (i < s.size() && s.at(i).isSpace())
        ++i;
    return i;
}

// Position just after `"key"` and its colon, or -1.
int valueStart(QStringView msg, QLatin1String quotedKey)
{
    int at = msg.indexOf(quotedKey);
    if (at < 0)
        return -1;
    int i = skipSpace(msg, at + quotedKey.size());
    if (i >= msg.size() || msg.at(i) != QLatin1Char(':'))
        return -1;
    return skipSpace(msg, i + 1);
}
} // namespace

QStringView WsClientPool::typeOf(QStringView msg)
{
    const int i = valueStart(msg, QLatin1String("\"type\""));
    if (i < 0 || i >= msg.size() || msg.at(i) != QLatin1Char('"'))
        return {};
    const int end = msg.indexOf(QLatin1Char('"'), i + 1);
    return end < 0 ? QStringView() : msg.mid(i + 1, end - i - 1);
}

int WsClientPool::idOf(QStringView msg)
{
    int i = valueStart(msg, QLatin1String("\"id\""));
    if (i < 0)
        return -1;
    int value = 0;
    bool any = false;
    while (i < msg.size() && msg.at(i).isDigit()) {
        value = value * 10 + msg.at(i).digitValue();
        any = true;
        ++i;
    }
    return any ? value : -1;
}
