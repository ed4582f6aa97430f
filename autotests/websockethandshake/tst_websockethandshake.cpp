#include "web/websockethandshake.h"

#include <QTest>

class tst_WebSocketHandshake : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void acceptKey();
    void judge_data();
    void judge();
    void switchingProtocols();
};

namespace {
HttpRequest upgrade(const QList<QPair<QByteArray, QByteArray>> &changes, int minorVersion = 1)
{
    HttpRequest request;
    request.method = "GET";
    request.minorVersion = minorVersion;
    request.headers = { { "host", "gateway:8080" },
                        { "upgrade", "websocket" },
                        { "connection", "Upgrade" },
                        { "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==" },
                        { "sec-websocket-version", "13" } };
    for (const auto &change : changes) {
        for (auto &header : request.headers) {
            if (header.first == change.first)
                header.second = change.second;
        }
    }
    return request;
}
} // namespace

// RFC 6455 §1.3's own example.
void tst_WebSocketHandshake::acceptKey()
{
    QCOMPARE(WebSocketHandshake::acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

void tst_WebSocketHandshake::judge_data()
{
    QTest::addColumn<HttpRequest>("request");
    QTest::addColumn<int>("status");

    QTest::newRow("what a browser sends") << upgrade({}) << 101;
    QTest::newRow("Firefox: keep-alive, Upgrade") << upgrade({ { "connection", "keep-alive, Upgrade" } }) << 101;
    QTest::newRow("any letter case") << upgrade({ { "upgrade", "WebSocket" }, { "connection", "upgrade" } }) << 101;
    QTest::newRow("HTTP/1.0") << upgrade({}, 0) << 400;
    QTest::newRow("no Connection: Upgrade") << upgrade({ { "connection", "keep-alive" } }) << 400;
    QTest::newRow("Upgrade names another protocol") << upgrade({ { "upgrade", "h2c" } }) << 400;
    QTest::newRow("version 8") << upgrade({ { "sec-websocket-version", "8" } }) << 426;
    QTest::newRow("no version") << upgrade({ { "sec-websocket-version", "" } }) << 426;
    QTest::newRow("no key") << upgrade({ { "sec-websocket-key", "" } }) << 400;
    QTest::newRow("key not base64") << upgrade({ { "sec-websocket-key", "not base64!!" } }) << 400;
    QTest::newRow("key of 15 bytes") << upgrade({ { "sec-websocket-key", "AAAAAAAAAAAAAAAAAAAA" } }) << 400;
}

void tst_WebSocketHandshake::judge()
{
    QFETCH(HttpRequest, request);
    QFETCH(int, status);
    const WebSocketHandshake::Verdict verdict = WebSocketHandshake::judge(request);
    QCOMPARE(verdict.status, status);
    QCOMPARE(verdict.reason.isEmpty(), status == 101);
}

void tst_WebSocketHandshake::switchingProtocols()
{
    QCOMPARE(WebSocketHandshake::switchingProtocols(upgrade({})),
             "HTTP/1.1 101 Switching Protocols\r\n"
             "Upgrade: websocket\r\n"
             "Connection: Upgrade\r\n"
             "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
}

QTEST_APPLESS_MAIN(tst_WebSocketHandshake)

#include "tst_websockethandshake.moc"
