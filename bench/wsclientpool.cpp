#include "wsclientpool.h"

#include "monoclock.h"

#include <QCryptographicHash>
#include <QHostAddress>
#include <QHostInfo>
#include <QRandomGenerator>
#include <QSocketNotifier>
#include <QtEndian>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace {
enum Opcode {
    TextFrame = 0x1,
    CloseFrame = 0x8,
    PongFrame = 0xA,
};

// A socket address for connect(), filled from a QHostAddress.
struct PeerAddress
{
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNSPEC;
};

PeerAddress peerAddress(const QUrl &url)
{
    QHostAddress host(url.host());
    if (host.isNull()) {
        const QList<QHostAddress> found = QHostInfo::fromName(url.host()).addresses();
        if (!found.isEmpty())
            host = found.constFirst();
    }
    PeerAddress peer;
    const quint16 port = quint16(url.port(80));
    if (host.protocol() == QAbstractSocket::IPv4Protocol) {
        auto *in = reinterpret_cast<sockaddr_in *>(&peer.storage);
        in->sin_family = AF_INET;
        in->sin_port = htons(port);
        in->sin_addr.s_addr = htonl(host.toIPv4Address());
        peer.length = sizeof(sockaddr_in);
        peer.family = AF_INET;
    } else if (host.protocol() == QAbstractSocket::IPv6Protocol) {
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&peer.storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = host.toIPv6Address();
        std::memcpy(&in6->sin6_addr, bytes.c, sizeof bytes.c);
        peer.length = sizeof(sockaddr_in6);
        peer.family = AF_INET6;
    }
    return peer;
}

// The opening handshake's request (RFC 6455 §4.1), everything but the key.
QByteArray upgradeRequestHead(const QUrl &url)
{
    QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    if (path.isEmpty())
        path = "/";
    if (url.hasQuery())
        path += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']';
    return "GET " + path + " HTTP/1.1\r\n"
           "Host: " + host + ':' + QByteArray::number(url.port(80)) + "\r\n"
           "Upgrade: websocket\r\n"
           "Connection: Upgrade\r\n"
           "Sec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Key: ";
}

// RFC 6455 §4.2.2: the accept value is the key and this GUID, hashed.
QByteArray acceptFor(const QByteArray &key)
{
    return QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11",
                                    QCryptographicHash::Sha1)
        .toBase64();
}

// RFC 6455 §4.1, the client's checks of the response (its header without the
// blank line); nullptr when it upgrades the connection.
const char *rejectionOf(QByteArrayView head, QByteArrayView expectedAccept)
{
    qsizetype lineEnd = head.indexOf("\r\n");
    const QByteArrayView status = lineEnd < 0 ? head : head.first(lineEnd);
    if (!status.startsWith("HTTP/1.1 101"))
        return "the server did not answer the upgrade with 101";
    bool upgrade = false;
    bool accepted = false;
    while (lineEnd >= 0) {
        const qsizetype begin = lineEnd + 2;
        lineEnd = head.indexOf("\r\n", begin);
        const QByteArrayView line = head.sliced(begin, (lineEnd < 0 ? head.size() : lineEnd) - begin);
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            continue;
        const QByteArrayView name = line.first(colon).trimmed();
        const QByteArrayView value = line.sliced(colon + 1).trimmed();
        if (name.compare("Upgrade", Qt::CaseInsensitive) == 0)
            upgrade = value.compare("websocket", Qt::CaseInsensitive) == 0;
        else if (name.compare("Sec-WebSocket-Accept", Qt::CaseInsensitive) == 0)
            accepted = value == expectedAccept;
    }
    if (!upgrade)
        return "the upgrade response lacks \"Upgrade: websocket\"";
    if (!accepted)
        return "wrong Sec-WebSocket-Accept in the upgrade response";
    return nullptr;
}
} // namespace

WsClientPool::WsClientPool(QObject *parent)
    : ProgressSource(parent)
    , m_epoll(::epoll_create1(EPOLL_CLOEXEC))
{
    if (m_epoll >= 0) {
        m_notifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
        connect(m_notifier, &QSocketNotifier::activated, this, &WsClientPool::onEpollReady);
    }
}

WsClientPool::~WsClientPool()
{
    closeAll();
    delete m_notifier;
    if (m_epoll >= 0)
        ::close(m_epoll);
}

void WsClientPool::open(const QUrl &url, int count)
{
    closeAll();
    m_clients.resize(count);
    const PeerAddress peer = peerAddress(url);
    const QByteArray requestHead = upgradeRequestHead(url);
    for (int i = 0; i < count; ++i) {
        Client &c = m_clients[i];
        if (m_epoll < 0) {
            onFailed(i, "no epoll instance");
            continue;
        }
        if (peer.family == AF_UNSPEC) {
            onFailed(i, "cannot resolve the server's host");
            continue;
        }
        c.fd = ::socket(peer.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (c.fd < 0) {
            // Typically too many open files: raise `ulimit -n`.
            onFailed(i, std::strerror(errno));
            continue;
        }
        const int one = 1;
        ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (m_arrivalStamps)
            ::setsockopt(c.fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
        if (::connect(c.fd, reinterpret_cast<const sockaddr *>(&peer.storage), peer.length) < 0
            && errno != EINPROGRESS) {
            onFailed(i);   // refused counts as failed, nothing to report
            continue;
        }
        QByteArray key(16, Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32 *>(key.data()), 4);
        key = key.toBase64();
        c.accept = acceptFor(key);
        // Sent once the connection is established (writable).
        c.unsent = requestHead + key + "\r\n\r\n";
        c.stage = Stage::Connecting;
        c.watched = EPOLLOUT;
        epoll_event ev{};
        ev.events = c.watched;
        ev.data.u32 = quint32(i);
        if (::epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &ev) < 0)
            onFailed(i, std::strerror(errno));
    }
}

void WsClientPool::closeAll()
{
    // Like an abort: no close frame, the sockets are just closed.
    for (Client &c : m_clients) {
        if (c.fd >= 0)
            ::close(c.fd);   // also leaves the epoll set
    }
    m_clients.clear();
    ++m_generation;
    m_failureLogged = false;
    m_connected = m_ready = m_failed = 0;
    m_unstampedReads = 0;
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
    const qint64 t0 = MonoClock::nowNs();
    char text[48];
    const int n = std::snprintf(text, sizeof text, "{\"type\":\"ended\",\"id\":%d}", id);
    sendFrame(client, TextFrame, QByteArrayView(text, n));
    return t0;
}

qint64 WsClientPool::sendText(int client, const QString &text)
{
    const qint64 t0 = MonoClock::nowNs();
    sendFrame(client, TextFrame, text.toUtf8());
    return t0;
}

// Drains every ready client (or setEventsPerPass()'s number), then returns to
// the event loop; level-triggered, so a client with more bytes than one
// read() took, or one not read yet, is reported again.
void WsClientPool::onEpollReady()
{
    const quint64 generation = m_generation;
    epoll_event events[128];
    const int batch = m_eventsPerPass > 0 ? qMin(m_eventsPerPass, int(std::size(events))) : int(std::size(events));
    for (;;) {
        const int n = ::epoll_wait(m_epoll, events, batch, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        for (int k = 0; k < n; ++k) {
            const int index = int(events[k].data.u32);
            const quint32 what = events[k].events;
            if (m_clients.at(index).fd < 0)
                continue;   // failed earlier in this batch
            if (what & EPOLLOUT || (m_clients.at(index).stage == Stage::Connecting
                                    && what & (EPOLLERR | EPOLLHUP)))
                onWritable(index);
            if (generation != m_generation)
                return;
            if (m_clients.at(index).fd >= 0 && what & (EPOLLIN | EPOLLERR | EPOLLHUP))
                onReadable(index);
            // A slot connected to progress() may have called closeAll().
            if (generation != m_generation)
                return;
        }
        if (m_eventsPerPass > 0)
            return; // level-triggered: the rest are reported on the next pass
    }
}

void WsClientPool::onWritable(int index)
{
    Client &c = m_clients[index];
    if (c.stage == Stage::Connecting) {
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length) < 0)
            error = errno;
        if (error != 0) {
            onFailed(index);   // refused or unreachable
            return;
        }
        c.stage = Stage::Handshake;
    }
    flush(index);
}

// A read that also takes the kernel's receive time stamp of the last segment
// read (realtime), turned into the monotonic time the bench measures in.
ssize_t WsClientPool::readStamped(int fd, char *buffer, qsizetype size, qint64 *arrivedNs)
{
    iovec io{buffer, size_t(size)};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(timespec))];
    msghdr msg{};
    msg.msg_iov = &io;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    const ssize_t got = ::recvmsg(fd, &msg, 0);
    if (got <= 0)
        return got;
    for (cmsghdr *h = CMSG_FIRSTHDR(&msg); h; h = CMSG_NXTHDR(&msg, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_TIMESTAMPNS)
            continue;
        timespec at;
        std::memcpy(&at, CMSG_DATA(h), sizeof at);
        timespec real;
        ::clock_gettime(CLOCK_REALTIME, &real);
        const qint64 mono = MonoClock::nowNs();
        const auto ns = [](const timespec &t) { return qint64(t.tv_sec) * 1000000000LL + t.tv_nsec; };
        *arrivedNs = ns(at) - (ns(real) - mono);
    }
    return got;
}

void WsClientPool::onReadable(int index)
{
    Client &c = m_clients[index];
    qint64 arrivedNs = -1;
    const ssize_t got = m_arrivalStamps ? readStamped(c.fd, c.reader.writePointer(), c.reader.writeSpace(), &arrivedNs)
                                        : ::read(c.fd, c.reader.writePointer(), size_t(c.reader.writeSpace()));
    if (got <= 0) {
        if (got < 0 && (errno == EAGAIN || errno == EINTR))
            return;
        onFailed(index);   // closed or reset by the server
        return;
    }
    // Before anything else, so the figure does not include classification.
    // The kernel stamps nothing until its time stamps are switched on, which
    // it does some milliseconds after the first socket asks: counted.
    if (m_arrivalStamps && arrivedNs < 0)
        ++m_unstampedReads;
    const qint64 ns = arrivedNs >= 0 ? arrivedNs : MonoClock::nowNs();
    c.reader.commit(got);
    if (c.stage == Stage::Handshake && !finishHandshake(index))
        return;
    const quint64 generation = m_generation;
    for (;;) {
        Client &client = m_clients[index];
        switch (client.reader.next()) {
        case WsFrameReader::Item::None:
            return;
        case WsFrameReader::Item::Text:
            onMessage(index, client.reader.payload(), ns);
            if (generation != m_generation)
                return;
            break;
        case WsFrameReader::Item::Ping:
            sendFrame(index, PongFrame, client.reader.payload());
            if (client.fd < 0)
                return;
            break;
        case WsFrameReader::Item::Close: {
            // RFC 6455 §5.5.1: answer with the same status code, once; the
            // client counts as closed from here, as after a disconnect.
            const QByteArrayView status = client.reader.payload();
            sendFrame(index, CloseFrame, status.first(qMin<qsizetype>(2, status.size())));
            onFailed(index);
            return;
        }
        case WsFrameReader::Item::Error:
            onFailed(index, client.reader.errorString());
            return;
        }
    }
}

bool WsClientPool::finishHandshake(int index)
{
    Client &c = m_clients[index];
    const QByteArrayView in = c.reader.buffered();
    const qsizetype end = in.indexOf("\r\n\r\n");
    if (end < 0) {
        if (c.reader.writeSpace() == 0)
            onFailed(index, "upgrade response header too long");
        return false;
    }
    if (const char *why = rejectionOf(in.first(end), c.accept)) {
        onFailed(index, why);
        return false;
    }
    // What follows the blank line are already frames.
    c.reader.discard(end + 4);
    c.accept = QByteArray();
    c.stage = Stage::Open;
    ++m_connected;
    const quint64 generation = m_generation;
    Q_EMIT progress();
    return generation == m_generation;
}

void WsClientPool::sendFrame(int index, int opcode, QByteArrayView payload)
{
    Client &c = m_clients[index];
    if (c.stage != Stage::Open)
        return;
    // RFC 6455 §5.2: FIN set, a client's frame is masked.
    const qsizetype n = payload.size();
    const qsizetype header = n < 126 ? 2 : n < 65536 ? 4 : 10;
    m_frame.resize(header + 4 + n);
    auto *out = reinterpret_cast<uchar *>(m_frame.data());
    out[0] = uchar(0x80 | opcode);
    if (n < 126) {
        out[1] = uchar(0x80 | n);
    } else if (n < 65536) {
        out[1] = 0x80 | 126;
        qToBigEndian<quint16>(quint16(n), out + 2);
    } else {
        out[1] = 0x80 | 127;
        qToBigEndian<quint64>(quint64(n), out + 2);
    }
    const quint32 mask = QRandomGenerator::global()->generate();
    uchar *key = out + header;
    std::memcpy(key, &mask, 4);
    const auto *in = reinterpret_cast<const uchar *>(payload.data());
    uchar *body = key + 4;
    for (qsizetype i = 0; i < n; ++i)
        body[i] = in[i] ^ key[i & 3];
    c.unsent.append(m_frame);
    flush(index);
}

// Writes what is pending right away; what the socket does not take waits for
// EPOLLOUT. MSG_NOSIGNAL: a reset connection is a failed client, not SIGPIPE.
void WsClientPool::flush(int index)
{
    Client &c = m_clients[index];
    qsizetype done = 0;
    while (done < c.unsent.size()) {
        const ssize_t sent = ::send(c.fd, c.unsent.constData() + done,
                                    size_t(c.unsent.size() - done), MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            onFailed(index);
            return;
        }
        done += sent;
    }
    if (done == c.unsent.size())
        c.unsent.truncate(0);   // keeps the capacity
    else
        c.unsent.remove(0, done);
    watch(index, c.unsent.isEmpty() ? EPOLLIN : EPOLLIN | EPOLLOUT);
}

void WsClientPool::watch(int index, quint32 events)
{
    Client &c = m_clients[index];
    if (c.watched == events)
        return;
    c.watched = events;
    epoll_event ev{};
    ev.events = events;
    ev.data.u32 = quint32(index);
    if (::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &ev) < 0)
        onFailed(index, std::strerror(errno));
}

void WsClientPool::onMessage(int index, QByteArrayView msg, qint64 ns)
{
    Client &c = m_clients[index];
    if (!c.ready) {
        c.ready = true;
        ++m_ready;
        Q_EMIT progress();
    }
    const QByteArrayView type = typeOf(msg);
    if (type == "stop") {
        c.stopSeen = true;
    } else if (type == "play") {
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

// A failed client stays in the list (its plays are still read) with its
// socket closed. Refusals and disconnects are counted, not reported; a
// protocol error is reported once per open().
void WsClientPool::onFailed(int index, const char *why)
{
    Client &c = m_clients[index];
    if (c.fd >= 0) {
        ::close(c.fd);
        c.fd = -1;
    }
    c.stage = Stage::Closed;
    if (why && !m_failureLogged) {
        m_failureLogged = true;
        qWarning("WebSocket client %d failed: %s", index, why);
    }
    if (c.failed)
        return;
    c.failed = true;
    ++m_failed;
    Q_EMIT progress();
}

namespace {
// The scan below, for both the QStringView and the byte form of a message.
bool isSpace(QChar c) { return c.isSpace(); }
bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
int digitOf(QChar c) { return c.digitValue(); }
int digitOf(char c) { return c >= '0' && c <= '9' ? c - '0' : -1; }
bool is(QChar c, char ascii) { return c == QLatin1Char(ascii); }
bool is(char c, char ascii) { return c == ascii; }

template <typename View>
qsizetype skipSpace(View s, qsizetype i)
{
    while (i < s.size() && isSpace(s.at(i)))
        ++i;
    return i;
}

// Position just after `"key"` and its colon, or -1.
template <typename View, typename Key>
qsizetype valueStart(View msg, Key quotedKey)
{
    const qsizetype at = msg.indexOf(quotedKey);
    if (at < 0)
        return -1;
    const qsizetype i = skipSpace(msg, at + quotedKey.size());
    if (i >= msg.size() || !is(msg.at(i), ':'))
        return -1;
    return skipSpace(msg, i + 1);
}

template <typename View, typename Key>
View typeIn(View msg, Key quotedKey)
{
    const qsizetype i = valueStart(msg, quotedKey);
    if (i < 0 || i >= msg.size() || !is(msg.at(i), '"'))
        return {};
    for (qsizetype end = i + 1; end < msg.size(); ++end) {
        if (is(msg.at(end), '"'))
            return msg.sliced(i + 1, end - i - 1);
    }
    return {};
}

template <typename View, typename Key>
int idIn(View msg, Key quotedKey)
{
    qsizetype i = valueStart(msg, quotedKey);
    if (i < 0)
        return -1;
    int value = 0;
    bool any = false;
    for (int digit; i < msg.size() && (digit = digitOf(msg.at(i))) >= 0; ++i) {
        value = value * 10 + digit;
        any = true;
    }
    return any ? value : -1;
}
} // namespace

QStringView WsClientPool::typeOf(QStringView msg)
{
    return typeIn(msg, QLatin1String("\"type\""));
}

int WsClientPool::idOf(QStringView msg)
{
    return idIn(msg, QLatin1String("\"id\""));
}

QByteArrayView WsClientPool::typeOf(QByteArrayView msg)
{
    return typeIn(msg, QByteArrayView("\"type\""));
}

int WsClientPool::idOf(QByteArrayView msg)
{
    return idIn(msg, QByteArrayView("\"id\""));
}
