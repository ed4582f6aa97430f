#include "wsclientpool.h"
#include "wsframereader.h"
#include "monoclock.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QWebSocket>
#include <QWebSocketServer>
#include <QtEndian>

#include <algorithm>
#include <cstring>
#include <memory>

using namespace Qt::StringLiterals;

namespace {

enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xa };

// One server frame as RFC 6455 §5.2 lays it out, with the shortest length
// form; `masked` adds a key, which a server must never do.
QByteArray frame(quint8 opcode, const QByteArray &payload, bool final = true, bool masked = false)
{
    QByteArray bytes;
    bytes.append(char((final ? 0x80 : 0x00) | opcode));
    const char maskBit = masked ? char(0x80) : char(0x00);
    const quint64 length = quint64(payload.size());
    if (length < 126) {
        bytes.append(char(maskBit | char(length)));
    } else if (length <= 0xffff) {
        bytes.append(char(maskBit | 126));
        uchar extended[2];
        qToBigEndian<quint16>(quint16(length), extended);
        bytes.append(reinterpret_cast<const char *>(extended), 2);
    } else {
        bytes.append(char(maskBit | 127));
        uchar extended[8];
        qToBigEndian<quint64>(length, extended);
        bytes.append(reinterpret_cast<const char *>(extended), 8);
    }
    if (masked)
        bytes.append(4, '\0');   // a zero key leaves the payload as it is
    return bytes + payload;
}

// What WsFrameReader made of a stream, one line per item.
QStringList readAll(const QByteArray &stream, qsizetype chunk)
{
    WsFrameReader reader;
    QStringList items;
    for (qsizetype at = 0; at < stream.size();) {
        const qsizetype n = std::min({chunk, reader.writeSpace(), stream.size() - at});
        std::memcpy(reader.writePointer(), stream.constData() + at, size_t(n));
        reader.commit(n);
        at += n;
        for (;;) {
            const WsFrameReader::Item item = reader.next();
            const QByteArray payload = reader.payload().toByteArray();
            if (item == WsFrameReader::Item::None)
                break;
            if (item == WsFrameReader::Item::Error)
                return items << u"error"_s;
            const char *kind = item == WsFrameReader::Item::Text ? "text"
                               : item == WsFrameReader::Item::Ping ? "ping"
                                                                   : "close";
            // Long payloads by length and last byte, short ones in full
            // (a close's status code in hex).
            const QString shown = payload.size() > 20
                ? u"%1 bytes ending %2"_s.arg(payload.size()).arg(QLatin1Char(payload.back()))
                : item == WsFrameReader::Item::Close ? QString::fromLatin1(payload.toHex())
                                                     : QString::fromUtf8(payload);
            items << QString::fromLatin1(kind) + u':' + shown;
        }
    }
    return items;
}

QByteArray longText(qsizetype size)
{
    QByteArray text(size, 'x');
    text.back() = 'z';
    return text;
}

const QByteArray stateMessage = R"({"type":"state","current":null})";
const QByteArray stopMessage = R"({"type":"stop"})";

QByteArray playMessage(int id)
{
    return R"({"type":"play","id":)" + QByteArray::number(id)
        + R"(,"image":"/media/007.jpg?v=1700000000","audio":null,"video":null})";
}

// A server that answers the upgrade by hand, to hand the pool what
// QWebSocketServer never sends.
class RawServer : public QObject
{
public:
    // `status` line, a correct or wrong accept, then `after` (frames).
    RawServer(const QByteArray &status, bool rightAccept, const QByteArray &after)
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [=] {
            QTcpSocket *s = m_server.nextPendingConnection();
            connect(s, &QTcpSocket::readyRead, this, [=] {
                m_request += s->readAll();
                if (!m_request.contains("\r\n\r\n"))
                    return;
                const qsizetype at = m_request.indexOf("Sec-WebSocket-Key: ") + 19;
                QByteArray key = m_request.mid(at, m_request.indexOf("\r\n", at) - at);
                if (!rightAccept)
                    key += 'x';
                const QByteArray accept = QCryptographicHash::hash(
                    key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                                              .toBase64();
                s->write(status + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: " + accept + "\r\n\r\n" + after);
            });
        });
    }

    QUrl url() const { return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server.serverPort())); }
    QByteArray request() const { return m_request; }

private:
    QTcpServer m_server;
    QByteArray m_request;
};

} // namespace

// panel-bench's WebSocket clients (bench/wsclientpool.h): the frame reader on
// byte streams, the pool against QWebSocketServer and a hand-written server.
class tst_WsClientPool : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void frameReader_data();
    void frameReader();
    void scan_data();
    void scan();
    void messages();
    void fragmentedMessages();
    void pingAndSend();
    void serverClose();
    void manyClients_data();
    void manyClients();
    void arrivalStamps_data();
    void arrivalStamps();
    void refused();
    void badServer_data();
    void badServer();

private:
    QUrl openPeers();

    std::unique_ptr<QWebSocketServer> m_server;
    QList<QWebSocket *> m_peers;
};

void tst_WsClientPool::initTestCase()
{
    m_server = std::make_unique<QWebSocketServer>(u"tst_wsclientpool"_s, QWebSocketServer::NonSecureMode);
    QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    connect(m_server.get(), &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *s = m_server->nextPendingConnection()) {
            m_peers.append(s);
            s->sendTextMessage(QString::fromLatin1(stateMessage));
        }
    });
}

// The server's URL, with the peers of the last test function dropped.
QUrl tst_WsClientPool::openPeers()
{
    qDeleteAll(m_peers);
    m_peers.clear();
    return QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(m_server->serverPort()));
}

void tst_WsClientPool::frameReader_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QStringList>("items");

    QTest::newRow("text") << frame(Text, "hello") << QStringList{u"text:hello"_s};
    QTest::newRow("empty text") << frame(Text, "") << QStringList{u"text:"_s};
    QTest::newRow("two in a row") << frame(Text, "a") + frame(Text, "b") << QStringList{u"text:a"_s, u"text:b"_s};
    QTest::newRow("16-bit length") << frame(Text, longText(300)) << QStringList{u"text:300 bytes ending z"_s};
    QTest::newRow("64-bit length") << frame(Text, longText(70000)) + frame(Text, "next")
                                   << QStringList{u"text:70000 bytes ending z"_s, u"text:next"_s};
    QTest::newRow("fragments with a ping between")
        << frame(Text, "he", false) + frame(Continuation, "l", false) + frame(Ping, "p")
               + frame(Continuation, "lo")
        << QStringList{u"ping:p"_s, u"text:hello"_s};
    QTest::newRow("long fragments") << frame(Text, longText(5000), false) + frame(Continuation, "!")
                                    << QStringList{u"text:5001 bytes ending !"_s};
    QTest::newRow("binary and pong skipped")
        << frame(Binary, "bin") + frame(Binary, "b", false) + frame(Continuation, "in") + frame(Pong, "x")
               + frame(Text, "t")
        << QStringList{u"text:t"_s};
    QTest::newRow("close") << frame(Close, QByteArray("\x03\xe8", 2) + "bye")
                           << QStringList{u"close:03e8627965"_s};

    // RFC 6455 §5: what a server must not send.
    QTest::newRow("masked") << frame(Text, "a") + frame(Text, "b", true, true)
                            << QStringList{u"text:a"_s, u"error"_s};
    QTest::newRow("opcode 3") << frame(3, "x") << QStringList{u"error"_s};
    QTest::newRow("opcode 0xb") << frame(0xb, "x") << QStringList{u"error"_s};
    QTest::newRow("reserved bit") << QByteArray("\xc1\x01x", 3) << QStringList{u"error"_s};
    QTest::newRow("lone continuation") << frame(Continuation, "x") << QStringList{u"error"_s};
    QTest::newRow("text inside a fragmented text")
        << frame(Text, "a", false) + frame(Text, "b") << QStringList{u"error"_s};
    QTest::newRow("fragmented ping") << frame(Ping, "x", false) << QStringList{u"error"_s};
    QTest::newRow("126-byte ping") << frame(Ping, QByteArray(126, 'p')) << QStringList{u"error"_s};
    QTest::newRow("absurd length") << QByteArray("\x81\x7f\x7f\xff\xff\xff\xff\xff\xff\xff", 10)
                                   << QStringList{u"error"_s};
}

void tst_WsClientPool::frameReader()
{
    QFETCH(QByteArray, stream);
    QFETCH(QStringList, items);
    // The same however the bytes arrive.
    for (const qsizetype chunk : {qsizetype(1), qsizetype(7), qsizetype(4096), stream.size()})
        QCOMPARE(readAll(stream, qMax<qsizetype>(1, chunk)), items);
}

void tst_WsClientPool::scan_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("type");
    QTest::addColumn<int>("id");

    QTest::newRow("play") << playMessage(42) << QByteArray("play") << 42;
    QTest::newRow("spaces") << QByteArray(R"({ "type" : "play" , "id" :	7 })") << QByteArray("play") << 7;
    QTest::newRow("stop") << stopMessage << QByteArray("stop") << -1;
    QTest::newRow("no type") << QByteArray(R"({"id":3})") << QByteArray() << 3;
    QTest::newRow("type not a string") << QByteArray(R"({"type":1,"id":"x"})") << QByteArray() << -1;
    QTest::newRow("unterminated") << QByteArray(R"({"type":"pla)") << QByteArray() << -1;
    QTest::newRow("not json") << QByteArray("hello") << QByteArray() << -1;
}

void tst_WsClientPool::scan()
{
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, type);
    QFETCH(int, id);
    QCOMPARE(WsClientPool::typeOf(QByteArrayView(message)).toByteArray(), type);
    QCOMPARE(WsClientPool::idOf(QByteArrayView(message)), id);
    // The text form agrees with the byte form.
    const QString text = QString::fromUtf8(message);
    QCOMPARE(WsClientPool::typeOf(QStringView(text)).toString(), QString::fromUtf8(type));
    QCOMPARE(WsClientPool::idOf(QStringView(text)), id);
}

void tst_WsClientPool::messages()
{
    WsClientPool pool;
    pool.open(openPeers(), 2);
    QCOMPARE(pool.size(), 2);
    QTRY_COMPARE(pool.readyCount(), 2);
    QCOMPARE(pool.connectedCount(), 2);
    QCOMPARE(pool.failedCount(), 0);
    QTRY_COMPARE(m_peers.size(), 2);

    QSignalSpy progress(&pool, &ProgressSource::progress);
    pool.setPlayTarget(3);
    m_peers[0]->sendTextMessage(QString::fromLatin1(stopMessage));
    m_peers[0]->sendTextMessage(QString::fromLatin1(playMessage(5)));
    m_peers[1]->sendTextMessage(QString::fromLatin1(stopMessage));
    m_peers[1]->sendTextMessage(QString::fromLatin1(playMessage(6)));
    m_peers[1]->sendTextMessage(QString::fromLatin1(playMessage(7)));   // no stop before it
    QTRY_COMPARE(pool.playTotal(), 3);
    QCOMPARE(progress.size(), 1);   // the target reached
    QCOMPARE(pool.plays(0).size(), 1);
    QCOMPARE(pool.plays(0).at(0).id, 5);
    QVERIFY(pool.plays(0).at(0).ns > 0);
    QCOMPARE(pool.plays(1).size(), 2);
    QCOMPARE(pool.plays(1).at(1).id, 7);
    QVERIFY(pool.plays(1).at(1).ns >= pool.plays(1).at(0).ns);
    QCOMPARE(pool.orderErrors(0), 0);
    QCOMPARE(pool.orderErrors(1), 1);

    pool.clearPlays();
    QCOMPARE(pool.playTotal(), 0);
    QVERIFY(pool.plays(1).isEmpty());

    // Like an abort: the server sees both go.
    QSignalSpy gone(m_peers[0], &QWebSocket::disconnected);
    pool.closeAll();
    QCOMPARE(pool.size(), 0);
    QCOMPARE(pool.connectedCount(), 0);
    QVERIFY(gone.wait());
}

void tst_WsClientPool::fragmentedMessages()
{
    WsClientPool pool;
    pool.open(openPeers(), 1);
    QTRY_COMPARE(pool.readyCount(), 1);
    QTRY_COMPARE(m_peers.size(), 1);

    // Frames of 16 bytes: every message arrives in pieces; then one of 200 kB.
    m_peers[0]->setOutgoingFrameSize(16);
    m_peers[0]->sendTextMessage(QString::fromLatin1(stopMessage));
    m_peers[0]->sendTextMessage(QString::fromLatin1(playMessage(12)));
    m_peers[0]->setOutgoingFrameSize(512 * 1024);
    const QByteArray big = R"({"type":"play","id":13,"pad":")" + QByteArray(200000, 'x') + "\"}";
    m_peers[0]->sendTextMessage(QString::fromLatin1(big));
    QTRY_COMPARE(pool.playTotal(), 2);
    QCOMPARE(pool.plays(0).at(0).id, 12);
    QCOMPARE(pool.plays(0).at(1).id, 13);
    QCOMPARE(pool.orderErrors(0), 1);   // 13 came without a stop
    QCOMPARE(pool.failedCount(), 0);
}

void tst_WsClientPool::pingAndSend()
{
    WsClientPool pool;
    pool.open(openPeers(), 1);
    QTRY_COMPARE(pool.readyCount(), 1);
    QTRY_COMPARE(m_peers.size(), 1);
    QWebSocket *peer = m_peers[0];

    // QWebSocketServer rejects unmasked client frames, so what it reads
    // shows that the pool's masking is right.
    QSignalSpy pong(peer, &QWebSocket::pong);
    peer->ping("are you there");
    QVERIFY(pong.wait());
    QCOMPARE(pong.at(0).at(1).toByteArray(), QByteArray("are you there"));

    QSignalSpy texts(peer, &QWebSocket::textMessageReceived);
    const qint64 before = pool.sendEnded(0, 7);
    QVERIFY(before > 0);
    const QString longer = u"{\"type\":\"ended\",\"id\":8,\"pad\":\""_s + QString(300, u'é') + u"\"}"_s;
    pool.sendText(0, longer);
    QTRY_COMPARE(texts.size(), 2);
    QCOMPARE(texts.at(0).at(0).toString(), u"{\"type\":\"ended\",\"id\":7}"_s);
    QCOMPARE(texts.at(1).at(0).toString(), longer);
    QCOMPARE(pool.failedCount(), 0);
}

void tst_WsClientPool::serverClose()
{
    WsClientPool pool;
    pool.open(openPeers(), 2);
    QTRY_COMPARE(pool.readyCount(), 2);
    QTRY_COMPARE(m_peers.size(), 2);

    // The pool answers the close and counts the client as gone.
    QSignalSpy closed(m_peers[0], &QWebSocket::disconnected);
    m_peers[0]->close(QWebSocketProtocol::CloseCodeGoingAway);
    QTRY_COMPARE(pool.failedCount(), 1);
    QVERIFY(closed.size() == 1 || closed.wait(1000));
    // A dropped connection counts the same.
    m_peers[1]->abort();
    QTRY_COMPARE(pool.failedCount(), 2);
    QCOMPARE(pool.readyCount(), 2);
    pool.sendEnded(1, 1);   // to a closed client: nothing happens
    QCOMPARE(pool.failedCount(), 2);
}

void tst_WsClientPool::manyClients_data()
{
    QTest::addColumn<int>("eventsPerPass");
    QTest::newRow("all that are ready") << 0;
    QTest::newRow("seven a pass") << 7;
}

void tst_WsClientPool::manyClients()
{
    QFETCH(int, eventsPerPass);
    WsClientPool pool;
    // Fewer a pass: those not read yet are reported again, none forgotten.
    pool.setEventsPerPass(eventsPerPass);
    pool.open(openPeers(), 300);
    QTRY_COMPARE_WITH_TIMEOUT(pool.readyCount(), 300, 20000);
    QCOMPARE(pool.connectedCount(), 300);
    QCOMPARE(pool.failedCount(), 0);

    pool.setPlayTarget(300);
    for (QWebSocket *peer : std::as_const(m_peers)) {
        peer->sendTextMessage(QString::fromLatin1(stopMessage));
        peer->sendTextMessage(QString::fromLatin1(playMessage(3)));
    }
    QTRY_COMPARE(pool.playTotal(), 300);
    for (int c = 0; c < pool.size(); ++c)
        QCOMPARE(pool.orderErrors(c), 0);

    // Opening again starts from nothing.
    pool.open(openPeers(), 1);
    QCOMPARE(pool.size(), 1);
    QCOMPARE(pool.playTotal(), 0);
    QTRY_COMPARE(pool.readyCount(), 1);
}

void tst_WsClientPool::arrivalStamps_data()
{
    QTest::addColumn<bool>("arrival");
    QTest::newRow("when read") << false;
    QTest::newRow("when arrived") << true;
}

// A message read 100 ms after it arrived: stamped when read, or, with
// arrival stamps, when the kernel put it in the socket.
void tst_WsClientPool::arrivalStamps()
{
    QFETCH(bool, arrival);
    WsClientPool pool;
    pool.setArrivalStamps(arrival);
    pool.open(openPeers(), 1);
    QTRY_COMPARE(pool.readyCount(), 1);
    QTRY_COMPARE(m_peers.size(), 1);
    if (arrival) {
        // The kernel switches its time stamps on a while (here up to some
        // hundred milliseconds) after the first socket asks; until then a
        // read counts as unstamped.
        const auto stampedNow = [&] {
            const quint64 before = pool.unstampedReads();
            const qint64 total = pool.playTotal();
            m_peers[0]->sendTextMessage(QString::fromLatin1(playMessage(1)));
            const QDeadlineTimer deadline(2000);
            while (pool.playTotal() == total && !deadline.hasExpired())
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            return pool.playTotal() > total && pool.unstampedReads() == before;
        };
        QTRY_VERIFY_WITH_TIMEOUT(stampedNow(), 5000);
        pool.clearPlays();
    }

    const qint64 sent = MonoClock::nowNs();
    m_peers[0]->sendTextMessage(QString::fromLatin1(playMessage(4)));
    QVERIFY(m_peers[0]->flush());
    QThread::msleep(100); // the bench busy elsewhere: nothing is read meanwhile
    const qint64 late = MonoClock::nowNs();
    QTRY_COMPARE(pool.playTotal(), 1);
    const qint64 stamp = pool.plays(0).at(0).ns;
    if (arrival) {
        QVERIFY2(stamp >= sent - 1000000 && stamp < sent + 50000000,
                 qPrintable(u"%1 ms after sending"_s.arg((stamp - sent) / 1e6)));
    } else {
        QVERIFY(stamp >= late);
    }
}

void tst_WsClientPool::refused()
{
    QTcpServer closedPort;
    QVERIFY(closedPort.listen(QHostAddress::LocalHost, 0));
    const quint16 port = closedPort.serverPort();
    closedPort.close();

    WsClientPool pool;
    pool.open(QUrl(u"ws://127.0.0.1:%1/ws"_s.arg(port)), 3);
    QTRY_COMPARE(pool.failedCount(), 3);
    QCOMPARE(pool.connectedCount(), 0);
    QCOMPARE(pool.readyCount(), 0);
}

void tst_WsClientPool::badServer_data()
{
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<bool>("rightAccept");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<bool>("connects");
    QTest::addColumn<bool>("ready");

    const QByteArray ok = "HTTP/1.1 101 Switching Protocols";
    // The first message in the same segment as the response.
    QTest::newRow("frame right behind the header") << ok << true << frame(Text, stateMessage) << true << true;
    QTest::newRow("not 101") << QByteArray("HTTP/1.1 404 Not Found") << true << QByteArray() << false << false;
    QTest::newRow("wrong accept") << ok << false << frame(Text, stateMessage) << false << false;
    QTest::newRow("masked frame") << ok << true << frame(Text, stateMessage, true, true) << true << false;
    QTest::newRow("opcode 3") << ok << true << frame(3, stateMessage) << true << false;
}

void tst_WsClientPool::badServer()
{
    QFETCH(QByteArray, status);
    QFETCH(bool, rightAccept);
    QFETCH(QByteArray, after);
    QFETCH(bool, connects);
    QFETCH(bool, ready);

    RawServer server(status, rightAccept, after);
    WsClientPool pool;
    if (!ready)
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(u"^WebSocket client 0 failed: "_s));
    pool.open(server.url(), 1);
    QTRY_COMPARE(pool.readyCount() + pool.failedCount(), 1);
    QCOMPARE(pool.connectedCount(), connects ? 1 : 0);
    QCOMPARE(pool.readyCount(), ready ? 1 : 0);

    const QByteArray request = server.request();
    QVERIFY(request.startsWith("GET /ws HTTP/1.1\r\n"));
    QVERIFY(request.contains("\r\nUpgrade: websocket\r\n"));
    QVERIFY(request.contains("\r\nSec-WebSocket-Version: 13\r\n"));
    const qsizetype at = request.indexOf("Sec-WebSocket-Key: ") + 19;
    QCOMPARE(QByteArray::fromBase64(request.mid(at, request.indexOf("\r\n", at) - at)).size(), 16);
}

QTEST_MAIN(tst_WsClientPool)
#include "tst_wsclientpool.moc"
