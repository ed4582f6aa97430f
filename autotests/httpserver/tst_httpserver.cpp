// HttpServer and HttpConnection on 127.0.0.1 with a small handler, asked
// over raw sockets: limits, timeouts, pipelining, closing, the connection
// limit and its reserve, and the hand-over of WebSocket upgrades.

#include "web/httprequest.h"
#include "web/httpresponder.h"
#include "web/httpserver.h"

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <vector>

namespace {

constexpr qint64 bigSize = 1024 * 1024;

char patternAt(qint64 i)
{
    return char('a' + i % 26);
}

QByteArray bigData()
{
    QByteArray data(bigSize, Qt::Uninitialized);
    for (qint64 i = 0; i < bigSize; ++i)
        data[i] = patternAt(i);
    return data;
}

// A body of any size made up as it is read, whose live instances are
// counted: a connection may hold one at a time.
class CountedBody : public QIODevice
{
public:
    explicit CountedBody(qint64 size) : m_size(size)
    {
        s_maxLive = qMax(s_maxLive, ++s_live);
    }
    ~CountedBody() override { --s_live; }
    bool isSequential() const override { return false; }
    qint64 size() const override { return m_size; }
    static int s_live;
    static int s_maxLive;

protected:
    qint64 readData(char *data, qint64 maxSize) override
    {
        const qint64 n = qMin(maxSize, m_size - pos());
        for (qint64 i = 0; i < n; ++i)
            data[i] = patternAt(pos() + i);
        return n;
    }
    qint64 writeData(const char *, qint64) override { return -1; }

private:
    qint64 m_size;
};
int CountedBody::s_live = 0;
int CountedBody::s_maxLive = 0;

struct Response
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

// Reads answers off a socket one by one, by their Content-Length.
class Reader
{
public:
    explicit Reader(QTcpSocket *socket) : m_socket(socket) { }

    // The next answer, or status 0 if none came whole within the time.
    Response next(bool head = false, int timeoutMs = 5000)
    {
        Response response;
        QDeadlineTimer deadline(timeoutMs);
        for (;;) {
            m_buffer += m_socket->readAll();
            const qsizetype end = m_buffer.indexOf("\r\n\r\n");
            if (end >= 0) {
                response.head = m_buffer.left(end + 4);
                response.status = response.head.mid(9, 3).toInt();
                qint64 length = 0;
                for (const QByteArray &line : response.head.split('\n')) {
                    if (line.toLower().startsWith("content-length:"))
                        length = line.mid(15).trimmed().toLongLong();
                }
                if (head)
                    length = 0;
                if (m_buffer.size() >= end + 4 + length) {
                    response.body = m_buffer.mid(end + 4, length);
                    m_buffer.remove(0, end + 4 + length);
                    return response;
                }
            }
            if (deadline.hasExpired() || m_socket->state() != QAbstractSocket::ConnectedState)
                return {};
            // The server runs in this thread: wait in the event loop.
            QSignalSpy readyRead(m_socket, &QTcpSocket::readyRead);
            readyRead.wait(int(qMax<qint64>(1, deadline.remainingTime())));
        }
    }

private:
    QTcpSocket *m_socket;
    QByteArray m_buffer;
};

} // namespace

class tst_HttpServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void answers_data();
    void answers();
    void refusesBeforeReading_data();
    void refusesBeforeReading();
    void pipelinedInOrder();
    void oneBodyPerConnection();
    void closesWhenAsked_data();
    void closesWhenAsked();
    void idleConnectionIsClosed();
    void partialRequestTimesOut();
    void stalledReaderIsDropped();
    void connectionLimitKeepsReserve();
    void webSocketUpgradeIsHandedOver();
    void otherUpgradesAreRefused_data();
    void otherUpgradesAreRefused();

private:
    void start(const HttpLimits &limits);
    std::unique_ptr<QTcpSocket> connectClient();

    std::unique_ptr<HttpServer> m_server;
    QByteArray m_big = bigData();
    int m_handled = 0;
};

void tst_HttpServer::start(const HttpLimits &limits)
{
    m_server = std::make_unique<HttpServer>(limits, QStringLiteral("/ws"),
                                            [this](const HttpRequest &request, HttpResponder &responder) {
        ++m_handled;
        const QString path = request.url.path();
        if (path == QLatin1String("/big"))
            return responder.write(200, { { "Content-Type", "application/octet-stream" } },
                                   std::make_unique<CountedBody>(bigSize));
        // Far more than the kernel's socket buffers hold.
        if (path == QLatin1String("/huge"))
            return responder.write(200, {}, std::make_unique<CountedBody>(256 * bigSize));
        if (path == QLatin1String("/echo"))
            return responder.write(200, {}, request.body);
        responder.write(200, { { "Content-Type", "text/plain" } }, path.toUtf8());
    });
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
}

void tst_HttpServer::init()
{
    m_handled = 0;
    CountedBody::s_maxLive = 0;
    start(HttpLimits());
}

void tst_HttpServer::cleanup()
{
    m_server.reset();
    QTRY_COMPARE(CountedBody::s_live, 0);
}

std::unique_ptr<QTcpSocket> tst_HttpServer::connectClient()
{
    auto socket = std::make_unique<QTcpSocket>();
    socket->connectToHost(QHostAddress::LocalHost, m_server->serverPort());
    if (!socket->waitForConnected(3000))
        return nullptr;
    return socket;
}

void tst_HttpServer::answers_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("GET") << QByteArray("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n") << 200 << QByteArray("/hello");
    QTest::newRow("HEAD has no body") << QByteArray("HEAD /hello HTTP/1.1\r\n\r\n") << 200 << QByteArray();
    QTest::newRow("POST with a body") << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd") << 200
                                      << QByteArray("abcd");
    QTest::newRow("escaped path") << QByteArray("GET /a%20b HTTP/1.1\r\n\r\n") << 200 << QByteArray("/a b");
    QTest::newRow("malformed") << QByteArray("NONSENSE\r\n\r\n") << 400 << QByteArray("malformed request line\n");
    QTest::newRow("HTTP/2") << QByteArray("GET / HTTP/2.0\r\n\r\n") << 505 << QByteArray("HTTP version not supported\n");
}

void tst_HttpServer::answers()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QByteArray, body);

    auto client = connectClient();
    QVERIFY(client);
    client->write(request);
    Reader reader(client.get());
    const Response response = reader.next(request.startsWith("HEAD"));
    QCOMPARE(response.status, status);
    QCOMPARE(response.body, body);
    if (request.startsWith("HEAD"))
        QVERIFY(response.head.contains("Content-Length: 6"));
}

void tst_HttpServer::refusesBeforeReading_data()
{
    QTest::addColumn<QByteArray>("start");
    QTest::addColumn<int>("status");

    QTest::newRow("endless header") << QByteArray("GET / HTTP/1.1\r\nX-Long: ") << 431;
    QTest::newRow("endless header lines") << QByteArray("GET / HTTP/1.1\r\n") << 431;
    QTest::newRow("endless request line") << QByteArray("GET /") << 414;
    QTest::newRow("huge body announced") << QByteArray("POST /echo HTTP/1.1\r\nContent-Length: 1000000000000000\r\n\r\n")
                                         << 413;
}

// A client streams without end: the answer comes, and the connection
// closes, long before the gateway would have buffered all of it.
void tst_HttpServer::refusesBeforeReading()
{
    QFETCH(QByteArray, start);
    QFETCH(int, status);

    auto client = connectClient();
    QVERIFY(client);
    client->write(start);
    const QByteArray filler = start.endsWith("\r\n") && !start.contains("Content-Length")
            ? QByteArray("X-Filler: aaaaaaaaaaaaaaaaaaaaaaaa\r\n").repeated(1000)
            : QByteArray(32 * 1024, 'a');
    qint64 sent = 0;
    // Keep sending while the server still reads; it must answer within the limits.
    while (client->state() == QAbstractSocket::ConnectedState && client->bytesAvailable() == 0
           && sent < 16 * 1024 * 1024) {
        if (client->bytesToWrite() < 256 * 1024) {
            client->write(filler);
            sent += filler.size();
        }
        QTest::qWait(1);
    }
    QVERIFY2(sent < 8 * 1024 * 1024, qPrintable(QString::number(sent)));
    Reader reader(client.get());
    const Response response = reader.next();
    QCOMPARE(response.status, status);
    QVERIFY(response.head.contains("Connection: close"));
    QCOMPARE(m_handled, 0);
}

// A big answer, a small one and the big one again on one connection,
// asked for at once: they come back whole and in order.
void tst_HttpServer::pipelinedInOrder()
{
    auto client = connectClient();
    QVERIFY(client);
    client->write("GET /big HTTP/1.1\r\n\r\nGET /small HTTP/1.1\r\n\r\nGET /big HTTP/1.1\r\n\r\n");
    Reader reader(client.get());
    const Response first = reader.next();
    QCOMPARE(first.status, 200);
    QVERIFY(first.body == m_big);
    const Response second = reader.next();
    QCOMPARE(second.status, 200);
    QCOMPARE(second.body, QByteArray("/small"));
    const Response third = reader.next();
    QCOMPARE(third.status, 200);
    QVERIFY(third.body == m_big);
}

// A client that pipelines many downloads and reads none of them holds one
// body open at a time, not one per request.
void tst_HttpServer::oneBodyPerConnection()
{
    auto client = connectClient();
    QVERIFY(client);
    client->setReadBufferSize(1); // read nothing ourselves
    client->write(QByteArray("GET /big HTTP/1.1\r\n\r\n").repeated(200));
    QTRY_COMPARE(CountedBody::s_live, 1);
    // The kernel's buffers take a few answers; then the server waits for the
    // client. Nothing may happen any more (this is a wait for nothing).
    int handled = -1;
    while (handled != m_handled) {
        handled = m_handled;
        QTest::qWait(300);
    }
    QCOMPARE(CountedBody::s_maxLive, 1);
    QVERIFY2(m_handled < 50, qPrintable(QString::number(m_handled)));
}

void tst_HttpServer::closesWhenAsked_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<bool>("closes");

    QTest::newRow("HTTP/1.1 keeps") << QByteArray("GET /a HTTP/1.1\r\n\r\n") << false;
    QTest::newRow("Connection: close") << QByteArray("GET /a HTTP/1.1\r\nConnection: close\r\n\r\n") << true;
    QTest::newRow("HTTP/1.0") << QByteArray("GET /a HTTP/1.0\r\n\r\n") << true;
    QTest::newRow("HTTP/1.0 keep-alive") << QByteArray("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << false;
}

void tst_HttpServer::closesWhenAsked()
{
    QFETCH(QByteArray, request);
    QFETCH(bool, closes);

    auto client = connectClient();
    QVERIFY(client);
    client->write(request);
    Reader reader(client.get());
    const Response response = reader.next();
    QCOMPARE(response.status, 200);
    QCOMPARE(response.head.contains("Connection: close"), closes);
    if (closes) {
        QTRY_COMPARE(client->state(), QAbstractSocket::UnconnectedState);
    } else {
        client->write("GET /b HTTP/1.1\r\n\r\n");
        QCOMPARE(reader.next().body, QByteArray("/b"));
    }
}

void tst_HttpServer::idleConnectionIsClosed()
{
    HttpLimits limits;
    limits.requestTimeoutMs = 300;
    start(limits);
    auto silent = connectClient();
    auto keptAlive = connectClient();
    QVERIFY(silent && keptAlive);
    keptAlive->write("GET /a HTTP/1.1\r\n\r\n");
    Reader reader(keptAlive.get());
    QCOMPARE(reader.next().status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(silent->state(), QAbstractSocket::UnconnectedState, 3000);
    QTRY_COMPARE_WITH_TIMEOUT(keptAlive->state(), QAbstractSocket::UnconnectedState, 3000);
    QTRY_COMPARE(m_server->connectionCount(), 0);
}

// Slowloris: a request that never ends gets 408 and the connection closes.
void tst_HttpServer::partialRequestTimesOut()
{
    HttpLimits limits;
    limits.requestTimeoutMs = 300;
    start(limits);
    auto client = connectClient();
    QVERIFY(client);
    client->write("GET / HTTP/1.1\r\nX-a: b\r\n");
    Reader reader(client.get());
    const Response response = reader.next(false, 3000);
    QCOMPARE(response.status, 408);
    QTRY_COMPARE(client->state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(m_handled, 0);
}

void tst_HttpServer::stalledReaderIsDropped()
{
    HttpLimits limits;
    limits.sendTimeoutMs = 300;
    start(limits);
    auto client = connectClient();
    QVERIFY(client);
    client->setReadBufferSize(1);
    client->write("GET /huge HTTP/1.1\r\n\r\n");
    QTRY_COMPARE(CountedBody::s_live, 1);
    // It never reads: the server gives up and lets go of the body.
    QTRY_COMPARE_WITH_TIMEOUT(CountedBody::s_live, 0, 5000);
    QTRY_COMPARE(m_server->connectionCount(), 0);
}

// Past the limit less the reserve, only /health, /status and /metrics are served;
// past the limit itself, connections are closed at once.
void tst_HttpServer::connectionLimitKeepsReserve()
{
    HttpLimits limits;
    limits.maxConnections = 6;
    limits.reservedConnections = 2;
    start(limits);
    std::vector<std::unique_ptr<QTcpSocket>> taken;
    for (int i = 0; i < 4; ++i) {
        taken.push_back(connectClient());
        QVERIFY(taken.back());
    }
    QTRY_COMPARE(m_server->connectionCount(), 4);

    // In the reserve: the monitor's /health is served, anything else is not.
    auto monitor = connectClient();
    QVERIFY(monitor);
    QTRY_COMPARE(m_server->connectionCount(), 5);
    monitor->write("GET /health HTTP/1.1\r\n\r\nGET /metrics HTTP/1.1\r\n\r\nGET /other HTTP/1.1\r\n\r\n");
    Reader reader(monitor.get());
    const Response health = reader.next();
    QCOMPARE(health.status, 200);
    QCOMPARE(health.body, QByteArray("/health"));
    const Response metrics = reader.next(); // Prometheus scrapes here too
    QCOMPARE(metrics.status, 200);
    QCOMPARE(metrics.body, QByteArray("/metrics"));
    const Response refused = reader.next();
    QCOMPARE(refused.status, 503);
    QVERIFY(refused.head.contains("Retry-After"));
    QTRY_COMPARE(m_server->connectionCount(), 4); // it was closed after the 503

    // At the limit: a further connection is closed at once.
    taken.push_back(connectClient());
    taken.push_back(connectClient());
    QTRY_COMPARE(m_server->connectionCount(), 6);
    auto over = connectClient();
    QVERIFY(over);
    QTRY_COMPARE(over->state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(m_server->connectionCount(), 6);

    // Freed places serve everything again.
    taken.clear();
    QTRY_COMPARE(m_server->connectionCount(), 0);
    auto again = connectClient();
    QVERIFY(again);
    again->write("GET /other HTTP/1.1\r\n\r\n");
    Reader againReader(again.get());
    QCOMPARE(againReader.next().status, 200);
}

void tst_HttpServer::webSocketUpgradeIsHandedOver()
{
    QSignalSpy handedOver(m_server.get(), &HttpServer::webSocketRequested);
    auto client = connectClient();
    QVERIFY(client);
    const QByteArray handshake = "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    client->write(handshake);
    QTRY_COMPARE(handedOver.size(), 1);
    auto *socket = handedOver.first().first().value<QTcpSocket *>();
    QVERIFY(socket);
    // Read and judged, not answered: the hub answers it.
    const auto request = handedOver.first().at(1).value<HttpRequest>();
    QCOMPARE(request.value("sec-websocket-key"), "dGhlIHNhbXBsZSBub25jZQ==");
    QCOMPARE(socket->bytesAvailable(), qint64(0));
    QCOMPARE(socket->bytesToWrite(), qint64(0));
    QVERIFY(!client->waitForReadyRead(100));
    QCOMPARE(m_handled, 0);
    QCOMPARE(m_server->connectionCount(), 1); // still counted
    delete socket;
    QCOMPARE(m_server->connectionCount(), 0);
}

void tst_HttpServer::otherUpgradesAreRefused_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::newRow("other path") << QByteArray("GET /status HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                                << 404;
    QTest::newRow("below ws") << QByteArray("GET /ws/x HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                              << 404;
    QTest::newRow("POST") << QByteArray("POST /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                          << 404;
    QTest::newRow("second request") << QByteArray("GET /a HTTP/1.1\r\n\r\n"
                                                  "GET /b HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")
                                    << 404;
    // On /ws, a handshake that WebSocketHandshake refuses.
    QTest::newRow("no version, bare LF") << QByteArray("GET /ws HTTP/1.1\nUpgrade: websocket\nConnection: Upgrade\n\n")
                                         << 426;
    QTest::newRow("version 8") << QByteArray("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                             "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                               << 426;
    QTest::newRow("no key") << QByteArray("GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                          "Sec-WebSocket-Version: 13\r\n\r\n")
                            << 400;
}

void tst_HttpServer::otherUpgradesAreRefused()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QSignalSpy handedOver(m_server.get(), &HttpServer::webSocketRequested);
    auto client = connectClient();
    QVERIFY(client);
    client->write(request);
    Reader reader(client.get());
    if (request.contains("/a "))
        QCOMPARE(reader.next().status, 200);
    const Response refused = reader.next();
    QCOMPARE(refused.status, status);
    // A client of another WebSocket version learns which one to speak.
    QCOMPARE(refused.head.contains("Sec-WebSocket-Version: 13\r\n"), status == 426);
    QTRY_COMPARE(client->state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(handedOver.size(), 0);
    QCOMPARE(m_handled, request.contains("/a ") ? 1 : 0);
}

QTEST_GUILESS_MAIN(tst_HttpServer)
#include "tst_httpserver.moc"
