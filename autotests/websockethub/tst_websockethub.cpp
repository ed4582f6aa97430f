#include "web/httpserver.h"
#include "web/websockethub.h"

#include "rawwebsocketclient.h"

#include <QHostAddress>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QtEndian>

#include <algorithm>
#include <climits>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// What the hub logs in panel.ws at warning level, kept instead of printed.
QStringList s_warnings;
QtMessageHandler s_previousHandler = nullptr;

void recordWarnings(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    if (context.category && qstrcmp(context.category, "panel.ws") == 0) {
        if (type == QtWarningMsg)
            s_warnings.append(text);
        return; // connects and disconnects: not this test's subject
    }
    if (s_previousHandler)
        s_previousHandler(type, context, text);
}

qsizetype countWarnings(const QString &text)
{
    qsizetype count = 0;
    for (const QString &line : std::as_const(s_warnings))
        count += line.contains(text) ? 1 : 0;
    return count;
}

const QByteArray pingMessage = R"({"type":"ping"})";

// A ping message padded to `size` bytes: a valid message of any length.
QString paddedPing(int size)
{
    const QString head = u"{\"type\":\"ping\",\"pad\":\""_s;
    return head + QString(qMax(0, size - int(head.size()) - 2), u'x') + u"\"}"_s;
}

} // namespace

// WebSocketHub with the HttpServer that hands it each upgrade in the
// gateway, and nothing else.
class tst_WebSocketHub : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void validMessagesAnswered();
    void maskedTrafficFollowed();
    void floodLoggedSparingly();
    void summaryPerInterval();
    void floodDropsBrowser_data();
    void floodDropsBrowser();
    void unmaskedFrameCloses_data();
    void unmaskedFrameCloses();
    void handshakesAtOnce_data();
    void handshakesAtOnce();
    void protocolAnswers_data();
    void protocolAnswers();
    void broadcastIsOneWrite();
    void browserThatDoesNotReadIsDropped();
    void goingAwayAtShutdown();
    void keepAlivePingsAndDrops();
    void rolesOnUpgrade_data();
    void rolesOnUpgrade();
    void listenerEndedNotPassedOn();
    void listenerPlaceFreedOnLeaving();

private:
    std::unique_ptr<QWebSocket> connectClient(const QString &query = {});
    // The status line's code of an upgrade to /ws`query` (101, 400, 503…)
    // on `socket`, which stays open.
    int upgradeStatus(QTcpSocket *socket, const QString &query);
    bool roundTrip(QWebSocket *client);

    std::unique_ptr<HttpServer> m_listener;
    std::unique_ptr<WebSocketHub> m_hub;
};

void tst_WebSocketHub::initTestCase()
{
    s_previousHandler = qInstallMessageHandler(recordWarnings);
}

void tst_WebSocketHub::cleanupTestCase()
{
    qInstallMessageHandler(s_previousHandler);
}

void tst_WebSocketHub::init()
{
    s_warnings.clear();
    m_hub = std::make_unique<WebSocketHub>();
    m_listener = std::make_unique<HttpServer>(HttpLimits(), u"/ws"_s,
                                              [](const HttpRequest &, HttpResponder &responder) {
                                                  responder.write(404, {}, QByteArray());
                                              });
    connect(m_listener.get(), &HttpServer::webSocketRequested, m_hub.get(), &WebSocketHub::handleUpgrade);
    QVERIFY(m_listener->listen(QHostAddress::LocalHost));
}

void tst_WebSocketHub::cleanup()
{
    m_hub.reset();
    m_listener.reset();
}

std::unique_ptr<QWebSocket> tst_WebSocketHub::connectClient(const QString &query)
{
    auto client = std::make_unique<QWebSocket>();
    QSignalSpy connected(client.get(), &QWebSocket::connected);
    const int before = m_hub->clientCount();
    client->open(QUrl(u"ws://127.0.0.1:%1/ws%2"_s.arg(m_listener->serverPort()).arg(query)));
    if (!connected.wait(3000))
        return nullptr;
    if (!QTest::qWaitFor([&] { return m_hub->clientCount() == before + 1; }, 3000))
        return nullptr;
    return client;
}

// A ping message answered: everything sent before it has been handled.
bool tst_WebSocketHub::roundTrip(QWebSocket *client)
{
    bool answered = false;
    QObject context;
    connect(client, &QWebSocket::textMessageReceived, &context, [&answered](const QString &text) {
        answered = answered || text.contains("pong"_L1);
    });
    client->sendTextMessage(QString::fromLatin1(pingMessage));
    client->flush();
    return QTest::qWaitFor([&answered] { return answered; }, 5000);
}

// ---------------------------------------------------------------------------

void tst_WebSocketHub::validMessagesAnswered()
{
    auto client = connectClient();
    QVERIFY(client);
    QSignalSpy ended(m_hub.get(), &WebSocketHub::endedReceived);
    client->sendTextMessage(u"{\"type\":\"ended\",\"id\":42}"_s);
    QVERIFY(roundTrip(client.get()));
    QCOMPARE(ended.size(), 1);
    QCOMPARE(ended.at(0).at(0).toInt(), 42);
    QCOMPARE(m_hub->rejectedMessages(), quint64(0));
    QVERIFY(s_warnings.isEmpty());
}

// Messages of every length form, sent back to back so that frames straddle
// TCP reads: the hub's reading ahead keeps its place and refuses none.
void tst_WebSocketHub::maskedTrafficFollowed()
{
    auto client = connectClient();
    QVERIFY(client);
    int pongs = 0;
    connect(client.get(), &QWebSocket::textMessageReceived, this, [&pongs](const QString &text) {
        pongs += text.contains("pong"_L1) ? 1 : 0;
    });
    const int sizes[] = { 15, 125, 126, 127, 1000, 65535, 65536, 20000, 16, 40000 };
    int sent = 0;
    for (int round = 0; round < 5; ++round) {
        for (const int size : sizes) {
            client->sendTextMessage(paddedPing(size));
            client->ping("keepalive"); // a control frame in between
            ++sent;
        }
    }
    client->flush();
    QTRY_COMPARE_WITH_TIMEOUT(pongs, sent, 10000);
    QCOMPARE(client->state(), QAbstractSocket::ConnectedState);
    QCOMPARE(m_hub->clientCount(), 1);
    QCOMPARE(m_hub->rejectedMessages(), quint64(0));
    QCOMPARE(countWarnings(u"unmasked"_s), 0);
    QCOMPARE(countWarnings(u"cannot follow"_s), 0);
}

// One browser sending thousands of invalid messages writes a few lines,
// not one per message; the count stays exact.
void tst_WebSocketHub::floodLoggedSparingly()
{
    WebSocketHub::RejectionLimits limits;
    limits.dropCount = INT_MAX; // this test is about the log only
    m_hub->setRejectionLimits(limits);
    auto client = connectClient();
    QVERIFY(client);

    constexpr int flood = 5000;
    for (int i = 0; i < flood; ++i)
        client->sendTextMessage(i % 2 ? u"not json"_s : u"{\"type\":\"dance\"}"_s);
    QVERIFY(roundTrip(client.get()));
    QCOMPARE(m_hub->rejectedMessages(), quint64(flood));
    QCOMPARE(countWarnings(u"ignored message from"_s), limits.loggedEach);
    QCOMPARE(s_warnings.size(), limits.loggedEach);

    // When it leaves, what was not logged yet is, as one count.
    client->close();
    QTRY_COMPARE(m_hub->clientCount(), 0);
    QCOMPARE(s_warnings.size(), limits.loggedEach + 1);
    QVERIFY2(s_warnings.last().contains(u"ignored %1 more messages"_s.arg(flood - limits.loggedEach)),
             qPrintable(s_warnings.last()));
    QCOMPARE(m_hub->rejectedMessages(), quint64(flood));
}

// After the first few lines, one count per interval for all that came in it.
void tst_WebSocketHub::summaryPerInterval()
{
    WebSocketHub::RejectionLimits limits;
    limits.summaryIntervalMs = 200;
    limits.dropCount = INT_MAX;
    m_hub->setRejectionLimits(limits);
    auto client = connectClient();
    QVERIFY(client);

    for (int i = 0; i < 10; ++i)
        client->sendTextMessage(u"[]"_s);
    QVERIFY(roundTrip(client.get()));
    QCOMPARE(countWarnings(u"ignored message from"_s), limits.loggedEach);
    QTRY_COMPARE(countWarnings(u"more messages from"_s), 1);
    QVERIFY2(s_warnings.last().contains(u"ignored 7 more messages"_s), qPrintable(s_warnings.last()));
    QVERIFY2(s_warnings.last().contains(u"(10 from it, 10 in all)"_s), qPrintable(s_warnings.last()));

    for (int i = 0; i < 5; ++i)
        client->sendBinaryMessage("x");
    QVERIFY(roundTrip(client.get()));
    QTRY_COMPARE(countWarnings(u"more messages from"_s), 2);
    QVERIFY2(s_warnings.last().contains(u"ignored 5 more messages"_s), qPrintable(s_warnings.last()));
    QVERIFY2(s_warnings.last().contains(u"binary frame"_s), qPrintable(s_warnings.last()));
    // Nothing new: no count on leaving.
    client->close();
    QTRY_COMPARE(m_hub->clientCount(), 0);
    QCOMPARE(countWarnings(u"more messages from"_s), 2);
    QCOMPARE(countWarnings(u"ignored message from"_s), limits.loggedEach);
}

void tst_WebSocketHub::floodDropsBrowser_data()
{
    QTest::addColumn<int>("invalid");  // invalid messages sent
    QTest::addColumn<bool>("binary");
    QTest::addColumn<bool>("pingsBetween"); // a valid message before each invalid one
    QTest::addColumn<bool>("dropped");

    QTest::newRow("at the limit") << 100 << false << false << false;
    QTest::newRow("one over") << 101 << false << false << true;
    QTest::newRow("binary, one over") << 101 << true << false << true;
    QTest::newRow("mixed with valid ones") << 101 << false << true << true;
    QTest::newRow("a few") << 5 << false << true << false;
}

void tst_WebSocketHub::floodDropsBrowser()
{
    QFETCH(int, invalid);
    QFETCH(bool, binary);
    QFETCH(bool, pingsBetween);
    QFETCH(bool, dropped);

    auto bystander = connectClient();
    auto sender = connectClient();
    QVERIFY(bystander);
    QVERIFY(sender);
    // The last one sent is invalid: nothing is left unread when the hub
    // closes, which would reset the connection and lose the close frame.
    for (int i = 0; i < invalid; ++i) {
        if (pingsBetween)
            sender->sendTextMessage(QString::fromLatin1(pingMessage));
        if (binary)
            sender->sendBinaryMessage("{}");
        else
            sender->sendTextMessage(u"{\"type\":\"ended\",\"id\":-1}"_s);
    }
    sender->flush();

    if (dropped) {
        QSignalSpy gone(sender.get(), &QWebSocket::disconnected);
        QVERIFY(gone.wait(5000) || sender->state() == QAbstractSocket::UnconnectedState);
        QCOMPARE(sender->closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
        QTRY_COMPARE(m_hub->clientCount(), 1);
        QCOMPARE(countWarnings(u"dropping it"_s), 1);
    } else {
        QVERIFY(roundTrip(sender.get()));
        QCOMPARE(m_hub->clientCount(), 2);
        QCOMPARE(countWarnings(u"dropping it"_s), 0);
    }
    // Every invalid message read was counted: all of them.
    QCOMPARE(m_hub->rejectedMessages(), quint64(invalid));
    QVERIFY(roundTrip(bystander.get()));
}

void tst_WebSocketHub::unmaskedFrameCloses_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<qsizetype>("piece");     // written in pieces of this size, 0: at once
    QTest::addColumn<bool>("withHandshake");  // sent with the request, before the 101
    QTest::addColumn<bool>("closed");

    const QByteArray ping = frame(Text, pingMessage);
    const QByteArray unmaskedPing = frame(Text, pingMessage, false);
    const QByteArray longPing = frame(Text, paddedPing(300).toLatin1());

    QTest::newRow("masked") << ping << qsizetype(0) << false << false;
    QTest::newRow("masked, byte by byte") << ping << qsizetype(1) << false << false;
    QTest::newRow("masked, 16-bit length, in threes") << longPing << qsizetype(3) << false << false;
    QTest::newRow("masked fragments") << frame(Text, R"({"type")", true, false)
                                             + frame(Ping, "p") + frame(Continuation, R"(:"ping"})")
                                      << qsizetype(0) << false << false;
    QTest::newRow("masked, after a long one") << longPing + frame(Pong, {}) + ping << qsizetype(5) << false
                                              << false;

    QTest::newRow("unmasked") << unmaskedPing << qsizetype(0) << false << true;
    QTest::newRow("unmasked, byte by byte") << unmaskedPing << qsizetype(1) << false << true;
    QTest::newRow("unmasked control frame") << frame(Ping, "p", false) + ping << qsizetype(0) << false << true;
    QTest::newRow("unmasked close frame") << frame(Close, "\x03\xe8", false) << qsizetype(0) << false << true;
    QTest::newRow("unmasked 16-bit length") << frame(Text, paddedPing(300).toLatin1(), false) << qsizetype(0)
                                            << false << true;
    QTest::newRow("unmasked after masked") << frame(Pong, {}) + unmaskedPing << qsizetype(0) << false << true;
    QTest::newRow("unmasked after a long masked one") << frame(Binary, QByteArray(1000, 'b')) + unmaskedPing
                                                      << qsizetype(0) << false << true;
    QTest::newRow("masked, but before the 101") << ping << qsizetype(0) << true << true;
}

void tst_WebSocketHub::unmaskedFrameCloses()
{
    QFETCH(QByteArray, bytes);
    QFETCH(qsizetype, piece);
    QFETCH(bool, withHandshake);
    QFETCH(bool, closed);

    RawWebSocketClient client;
    QVERIFY(client.open(m_listener->serverPort(), withHandshake ? bytes : QByteArray()));
    if (!withHandshake)
        client.write(bytes, piece);

    // The answer: a pong message, or a close frame with 1002 and the end.
    const auto answer = client.takeAnswer();
    QVERIFY(answer);
    if (closed) {
        QCOMPARE(answer->opcode, quint8(Close));
        QCOMPARE(qFromBigEndian<quint16>(answer->payload.constData()), quint16(1002));
        QVERIFY(client.waitForDisconnected());
        QTRY_COMPARE(m_hub->clientCount(), 0);
        QCOMPARE(countWarnings(withHandshake ? u"before the handshake"_s : u"unmasked frame"_s), 1);
    } else {
        QCOMPARE(answer->opcode, quint8(Text));
        QVERIFY2(answer->payload.contains("pong"), answer->payload.constData());
        QCOMPARE(m_hub->clientCount(), 1);
        QVERIFY(s_warnings.isEmpty());
    }
    QCOMPARE(m_hub->rejectedMessages(), quint64(0));
}

void tst_WebSocketHub::handshakesAtOnce_data()
{
    QTest::addColumn<int>("offender"); // the one that sends an unmasked frame
    QTest::newRow("first") << 0;
    QTest::newRow("in the middle") << 3;
    QTest::newRow("last") << 7;
}

// Many handshakes waiting at once: each browser is followed on its own
// connection, so the one that sends an unmasked frame is the one closed.
void tst_WebSocketHub::handshakesAtOnce()
{
    QFETCH(int, offender);
    constexpr int count = 8;
    std::vector<std::unique_ptr<RawWebSocketClient>> clients;
    for (int i = 0; i < count; ++i) {
        clients.push_back(std::make_unique<RawWebSocketClient>());
        QVERIFY(clients.back()->start(m_listener->serverPort()));
    }
    for (const auto &client : clients)
        QVERIFY(client->awaitUpgrade());
    QTRY_COMPARE(m_hub->clientCount(), count);

    for (int i = 0; i < count; ++i)
        clients[i]->write(frame(Text, pingMessage, i != offender));
    for (int i = 0; i < count; ++i) {
        const auto answer = clients[i]->takeAnswer();
        QVERIFY(answer);
        QCOMPARE(answer->opcode, quint8(i == offender ? Close : Text));
    }
    QVERIFY(clients[offender]->waitForDisconnected());
    QTRY_COMPARE(m_hub->clientCount(), count - 1);
    QCOMPARE(countWarnings(u"unmasked frame"_s), 1);
}

namespace {
QByteArray closePayload(quint16 code, const QByteArray &reason = {})
{
    char bytes[2];
    qToBigEndian(code, bytes);
    return QByteArray(bytes, 2) + reason;
}
} // namespace

void tst_WebSocketHub::protocolAnswers_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<quint8>("opcode");      // of the answer
    QTest::addColumn<QByteArray>("payload"); // of the answer
    QTest::addColumn<bool>("ends");          // the connection ends after it

    QTest::newRow("ping frame: pong with its payload") << frame(Ping, "hello") << quint8(Pong) << QByteArray("hello")
                                                       << false;
    QTest::newRow("close 1000: echoed, then the end") << frame(Close, closePayload(1000, "bye")) << quint8(Close)
                                                      << closePayload(1000) << true;
    QTest::newRow("close 4001: echoed") << frame(Close, closePayload(4001)) << quint8(Close) << closePayload(4001)
                                        << true;
    QTest::newRow("close without a code: empty close") << frame(Close, {}) << quint8(Close) << QByteArray() << true;
    QTest::newRow("text not UTF-8: 1007") << frame(Text, "{\"type\":\"\xff\"}") << quint8(Close)
                                          << closePayload(1007, "text that is not UTF-8") << true;
    QTest::newRow("reserved bit: 1002") << QByteArray(frame(Text, pingMessage)).replace(0, 1, "\xc1")
                                        << quint8(Close) << closePayload(1002, "reserved bits set") << true;
    QTest::newRow("close code 1005 sent: 1002") << frame(Close, closePayload(1005)) << quint8(Close)
                                                << closePayload(1002, "malformed close frame") << true;
    QTest::newRow("over 64 KiB: 1009") << frame(Text, paddedPing(70000).toLatin1()) << quint8(Close)
                                       << closePayload(1009, "message too big") << true;
}

// RFC 6455 §5.5 and §7 as a browser meets them.
void tst_WebSocketHub::protocolAnswers()
{
    QFETCH(QByteArray, bytes);
    QFETCH(quint8, opcode);
    QFETCH(QByteArray, payload);
    QFETCH(bool, ends);

    RawWebSocketClient client;
    QVERIFY(client.open(m_listener->serverPort()));
    QTRY_COMPARE(m_hub->clientCount(), 1);
    client.write(bytes);
    const auto answer = client.take();
    QVERIFY(answer);
    QCOMPARE(answer->opcode, opcode);
    QCOMPARE(answer->payload, payload);
    if (ends) {
        QVERIFY(client.waitForDisconnected());
        QTRY_COMPARE(m_hub->clientCount(), 0);
    } else {
        client.write(frame(Text, pingMessage)); // still open
        const auto pong = client.takeAnswer();
        QVERIFY(pong && pong->payload.contains("pong"));
        QCOMPARE(m_hub->clientCount(), 1);
    }
}

// Several messages leave in one frame sequence, in order, and every
// browser gets the same bytes.
void tst_WebSocketHub::broadcastIsOneWrite()
{
    auto first = connectClient();
    auto second = connectClient();
    QVERIFY(first && second);
    QStringList got[2];
    connect(first.get(), &QWebSocket::textMessageReceived, this, [&got](const QString &text) { got[0].append(text); });
    connect(second.get(), &QWebSocket::textMessageReceived, this, [&got](const QString &text) { got[1].append(text); });
    const QStringList sent { u"{\"type\":\"stop\"}"_s, u"{\"type\":\"play\",\"id\":3,\"title\":\"Grüße\"}"_s };
    m_hub->broadcast(sent);
    m_hub->broadcast(QString(300, u'x')); // a 16-bit length
    const QStringList expected = sent + QStringList { QString(300, u'x') };
    QTRY_COMPARE(got[0], expected);
    QTRY_COMPARE(got[1], expected);
}

// A browser that stops reading gets nothing more once 1 MiB waits for it,
// and is dropped; the others go on.
void tst_WebSocketHub::browserThatDoesNotReadIsDropped()
{
    RawWebSocketClient stalled;
    QVERIFY(stalled.open(m_listener->serverPort()));
    stalled.stopReading();
    auto reader = connectClient();
    QVERIFY(reader);
    QCOMPARE(m_hub->clientCount(), 2);
    qint64 received = 0;
    connect(reader.get(), &QWebSocket::textMessageReceived, this,
            [&received](const QString &text) { received += text.size(); });
    const QString big(60000, u'x');
    qint64 sent = 0;
    // The kernel's buffers take some megabytes first; the cap is generous.
    for (int i = 0; i < 2000 && m_hub->clientCount() == 2; ++i) {
        m_hub->broadcast(big);
        sent += big.size();
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE(m_hub->clientCount(), 1);
    QCOMPARE(countWarnings(u"does not read; dropping it"_s), 1);
    QTRY_COMPARE(received, sent);
}

void tst_WebSocketHub::goingAwayAtShutdown()
{
    auto client = connectClient();
    QVERIFY(client);
    QSignalSpy disconnected(client.get(), &QWebSocket::disconnected);
    m_hub.reset();
    QVERIFY(disconnected.wait(3000));
    QCOMPARE(client->closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
}

// Every browser is pinged each interval; one that answers (QWebSocket does,
// as browsers do) stays, one that never answers is dropped after two.
void tst_WebSocketHub::keepAlivePingsAndDrops()
{
    m_hub->setKeepAliveInterval(200);
    auto answering = connectClient();
    QVERIFY(answering);
    RawWebSocketClient silent; // reads, but never answers a ping
    QVERIFY(silent.open(m_listener->serverPort()));
    QTRY_COMPARE(m_hub->clientCount(), 2);

    const auto ping = silent.take();
    QVERIFY(ping);
    QCOMPARE(ping->opcode, quint8(Ping));
    QVERIFY(silent.waitForDisconnected(3000));
    QTRY_COMPARE(m_hub->clientCount(), 1);
    QCOMPARE(countWarnings(u"stopped answering; dropping it"_s), 1);
    QCOMPARE(answering->state(), QAbstractSocket::ConnectedState);
    QVERIFY(roundTrip(answering.get()));
}

int tst_WebSocketHub::upgradeStatus(QTcpSocket *socket, const QString &query)
{
    socket->connectToHost(QHostAddress::LocalHost, m_listener->serverPort());
    if (!socket->waitForConnected(3000))
        return -1;
    socket->write("GET /ws" + query.toUtf8()
                 + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    QByteArray head;
    if (!QTest::qWaitFor([&] {
            head += socket->readAll();
            return head.contains("\r\n");
        }, 3000))
        return -1;
    return head.mid(9, 3).toInt();
}

// docs/websocket.md, "Roles": no role or `screen` is a screen, `listener`
// a listener while there is room, anything else a 400 before any 101.
void tst_WebSocketHub::rolesOnUpgrade_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("maxListeners");
    QTest::addColumn<int>("status");
    QTest::addColumn<int>("screens");
    QTest::addColumn<int>("listeners");

    QTest::newRow("no role") << QString() << 500 << 101 << 1 << 0;
    QTest::newRow("screen") << u"?role=screen"_s << 500 << 101 << 1 << 0;
    QTest::newRow("listener") << u"?role=listener"_s << 500 << 101 << 0 << 1;
    QTest::newRow("listener among others") << u"?lang=de&role=listener"_s << 500 << 101 << 0 << 1;
    QTest::newRow("unknown role") << u"?role=speaker"_s << 500 << 400 << 0 << 0;
    QTest::newRow("empty role") << u"?role="_s << 500 << 400 << 0 << 0;
    QTest::newRow("case matters") << u"?role=Listener"_s << 500 << 400 << 0 << 0;
    QTest::newRow("line break in it") << u"?role=list%0Aener"_s << 500 << 400 << 0 << 0;
    QTest::newRow("listeners off") << u"?role=listener"_s << 0 << 503 << 0 << 0;
    QTest::newRow("screen, listeners off") << u"?role=screen"_s << 0 << 101 << 1 << 0;
}

void tst_WebSocketHub::rolesOnUpgrade()
{
    QFETCH(QString, query);
    QFETCH(int, maxListeners);
    QFETCH(int, status);
    QFETCH(int, screens);
    QFETCH(int, listeners);
    m_hub->setMaxListeners(maxListeners);

    QTcpSocket socket;
    QCOMPARE(upgradeStatus(&socket, query), status);
    QTRY_COMPARE(m_hub->screenCount(), screens);
    QCOMPARE(m_hub->listenerCount(), listeners);
    if (status == 400) {
        QCOMPARE(countWarnings(u"unknown role"_s), 1);
        // One line, whatever the browser put in the value.
        QVERIFY2(!s_warnings.join(u'|').contains(u'\n'), qPrintable(s_warnings.join(u'|')));
    }
}

// Both hear every broadcast; only the screen's `ended` reaches the controller.
void tst_WebSocketHub::listenerEndedNotPassedOn()
{
    QSignalSpy ended(m_hub.get(), &WebSocketHub::endedReceived);
    auto screen = connectClient();
    auto listener = connectClient(u"?role=listener"_s);
    QVERIFY(screen && listener);
    QCOMPARE(m_hub->listenerCount(), 1);
    QCOMPARE(m_hub->screenCount(), 1);

    QStringList heardByScreen, heardByListener;
    connect(screen.get(), &QWebSocket::textMessageReceived, this, [&](const QString &t) { heardByScreen << t; });
    connect(listener.get(), &QWebSocket::textMessageReceived, this, [&](const QString &t) { heardByListener << t; });
    const QString play = uR"({"type":"play","id":3})"_s;
    m_hub->broadcast(play);
    QTRY_COMPARE(heardByScreen, QStringList { play });
    QTRY_COMPARE(heardByListener, QStringList { play });

    listener->sendTextMessage(uR"({"type":"ended","id":3})"_s);
    QVERIFY(roundTrip(listener.get()));
    QCOMPARE(ended.size(), 0);
    // What the console shows of it still follows.
    const auto infos = m_hub->clientInfos();
    const auto it = std::find_if(infos.cbegin(), infos.cend(),
                                 [](const WebSocketHub::ClientInfo &info) { return info.role == WebSocketHub::Role::Listener; });
    QVERIFY(it != infos.cend());
    QCOMPARE(it->lastEndedId, 3);

    screen->sendTextMessage(uR"({"type":"ended","id":3})"_s);
    QVERIFY(ended.wait(3000));
    QCOMPARE(ended.size(), 1);
    QCOMPARE(ended.at(0).at(0).toInt(), 3);
}

// The limit counts listeners only, and a place is free again once one leaves.
void tst_WebSocketHub::listenerPlaceFreedOnLeaving()
{
    m_hub->setMaxListeners(2);
    auto first = connectClient(u"?role=listener"_s);
    auto second = connectClient(u"?role=listener"_s);
    QVERIFY(first && second);
    QVERIFY(!m_hub->hasRoomForListener());
    QTcpSocket refused;
    QCOMPARE(upgradeStatus(&refused, u"?role=listener"_s), 503);
    // The refusal ends the connection.
    QTRY_COMPARE(refused.state(), QAbstractSocket::UnconnectedState);
    QCOMPARE(m_hub->listenerCount(), 2);
    auto screen = connectClient();
    QVERIFY(screen); // screens are not limited by it

    first->close();
    QTRY_COMPARE(m_hub->listenerCount(), 1);
    auto third = connectClient(u"?role=listener"_s);
    QVERIFY(third);
    QCOMPARE(m_hub->listenerCount(), 2);
    QCOMPARE(m_hub->screenCount(), 1);
}

QTEST_GUILESS_MAIN(tst_WebSocketHub)

#include "tst_websockethub.moc"
