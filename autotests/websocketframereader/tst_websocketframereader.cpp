#include "web/websocketframereader.h"

#include <QTest>
#include <QtEndian>

using Opcode = WebSocketFrameReader::Opcode;

namespace {

// One client frame as RFC 6455 §5.2 lays it out, with the shortest length
// form, masked with a key that changes every byte.
QByteArray frame(quint8 opcode, const QByteArray &payload, bool masked = true, bool final = true, quint8 rsv = 0)
{
    QByteArray bytes;
    bytes.append(char((final ? 0x80 : 0x00) | rsv | opcode));
    const char maskBit = masked ? char(0x80) : char(0x00);
    const quint64 length = quint64(payload.size());
    if (length < 126) {
        bytes.append(char(maskBit | char(length)));
    } else if (length <= 0xffff) {
        bytes.append(char(maskBit | 126));
        char extended[2];
        qToBigEndian<quint16>(quint16(length), extended);
        bytes.append(extended, 2);
    } else {
        bytes.append(char(maskBit | 127));
        char extended[8];
        qToBigEndian<quint64>(length, extended);
        bytes.append(extended, 8);
    }
    if (!masked)
        return bytes + payload;
    const char key[4] = { '\x12', '\x34', '\x56', '\x78' };
    bytes.append(key, 4);
    for (qsizetype i = 0; i < payload.size(); ++i)
        bytes.append(char(payload.at(i) ^ key[i & 3]));
    return bytes;
}

// A frame header announcing `length` bytes that never come.
QByteArray header(quint8 opcode, quint64 length)
{
    QByteArray bytes = frame(opcode, {});
    bytes[1] = char(0x80 | 127);
    char extended[8];
    qToBigEndian<quint64>(length, extended);
    bytes.insert(2, extended, 8);
    return bytes;
}

QByteArray closeFrame(quint16 code, const QByteArray &reason = {})
{
    char bytes[2];
    qToBigEndian(code, bytes);
    return QByteArray(bytes, 2) + reason;
}

QString describe(const WebSocketFrameReader::Message &message)
{
    static const QHash<int, QString> names = { { Opcode::Text, "text" },   { Opcode::Binary, "binary" },
                                               { Opcode::Close, "close" }, { Opcode::Ping, "ping" },
                                               { Opcode::Pong, "pong" } };
    return names.value(message.opcode) + ':' + QString::fromUtf8(message.payload.left(40));
}

constexpr qsizetype maxMessage = 64 * 1024;

} // namespace

class tst_WebSocketFrameReader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void read_data();
    void read();
    void idleHoldsNoBuffer();
    void closePayload_data();
    void closePayload();
};

void tst_WebSocketFrameReader::read_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<QStringList>("messages"); // what comes out, in order
    QTest::addColumn<int>("failure");          // the close code of the broken rule, 0: none

    const QByteArray ping = R"({"type":"ping"})";
    const QByteArray big(70000, 'x');

    QTest::newRow("text") << frame(Opcode::Text, ping) << QStringList { "text:" + ping } << 0;
    QTest::newRow("empty text") << frame(Opcode::Text, {}) << QStringList { "text:" } << 0;
    QTest::newRow("16-bit length") << frame(Opcode::Text, QByteArray(300, 'a'))
                                   << QStringList { "text:" + QString(40, 'a') } << 0;
    QTest::newRow("exactly the limit") << frame(Opcode::Binary, QByteArray(maxMessage, 'b'))
                                       << QStringList { "binary:" + QString(40, 'b') } << 0;
    QTest::newRow("two in one piece") << frame(Opcode::Text, "a") + frame(Opcode::Text, "b")
                                      << QStringList { "text:a", "text:b" } << 0;
    QTest::newRow("fragments, a ping between")
            << frame(Opcode::Text, R"({"type")", true, false) + frame(Opcode::Ping, "p")
                    + frame(Opcode::Continuation, ":", true, false) + frame(Opcode::Continuation, R"("ping"})")
            << QStringList { "ping:p", "text:" + ping } << 0;
    QTest::newRow("pong, close") << frame(Opcode::Pong, "x") + frame(Opcode::Close, closeFrame(1000, "bye"))
                                 << QStringList { "pong:x", "close:" + QString::fromUtf8(closeFrame(1000, "bye")) }
                                 << 0;
    QTest::newRow("UTF-8 split across fragments")
            << frame(Opcode::Text, "\xc3", true, false) + frame(Opcode::Continuation, "\xa4")
            << QStringList { QString::fromUtf8("text:\xc3\xa4") } << 0;

    QTest::newRow("unmasked") << frame(Opcode::Text, ping, false) << QStringList {} << 1002;
    QTest::newRow("unmasked after a masked one") << frame(Opcode::Text, "a") + frame(Opcode::Ping, {}, false)
                                                 << QStringList { "text:a" } << 1002;
    QTest::newRow("reserved bit") << frame(Opcode::Text, "a", true, true, 0x40) << QStringList {} << 1002;
    QTest::newRow("unknown data opcode") << frame(0x3, "a") << QStringList {} << 1002;
    QTest::newRow("unknown control opcode") << frame(0xb, "a") << QStringList {} << 1002;
    QTest::newRow("fragmented ping") << frame(Opcode::Ping, "a", true, false) << QStringList {} << 1002;
    QTest::newRow("long ping") << frame(Opcode::Ping, QByteArray(126, 'p')) << QStringList {} << 1002;
    QTest::newRow("continuation first") << frame(Opcode::Continuation, "a") << QStringList {} << 1002;
    QTest::newRow("text inside a fragmented one")
            << frame(Opcode::Text, "a", true, false) + frame(Opcode::Text, "b") << QStringList {} << 1002;
    QTest::newRow("one byte close") << frame(Opcode::Close, "\x03") << QStringList {} << 1002;
    QTest::newRow("close 1005 sent") << frame(Opcode::Close, closeFrame(1005)) << QStringList {} << 1002;
    QTest::newRow("close reason not UTF-8") << frame(Opcode::Close, closeFrame(1000, "\xff"))
                                            << QStringList {} << 1007;
    QTest::newRow("text not UTF-8") << frame(Opcode::Text, "a\xff") << QStringList {} << 1007;
    QTest::newRow("surrogate in text") << frame(Opcode::Text, "\xed\xa0\x80") << QStringList {} << 1007;
    QTest::newRow("over the limit") << frame(Opcode::Text, big) << QStringList {} << 1009;
    QTest::newRow("over the limit, judged on the header") << header(Opcode::Binary, quint64(1) << 40)
                                                          << QStringList {} << 1009;
    QTest::newRow("fragments over the limit")
            << frame(Opcode::Text, QByteArray(40000, 'a'), true, false)
                    + frame(Opcode::Continuation, QByteArray(40000, 'a'))
            << QStringList {} << 1009;
}

// The same stream whole, in threes and byte by byte: the same messages.
void tst_WebSocketFrameReader::read()
{
    QFETCH(QByteArray, stream);
    QFETCH(QStringList, messages);
    QFETCH(int, failure);

    for (const qsizetype piece : { stream.size(), qsizetype(3), qsizetype(1) }) {
        WebSocketFrameReader reader(maxMessage);
        QStringList seen;
        WebSocketFrameReader::Message message;
        for (qsizetype at = 0; at < stream.size() && !reader.hasFailed(); at += piece) {
            reader.append(QByteArrayView(stream).sliced(at, qMin(piece, stream.size() - at)));
            while (reader.next(&message))
                seen.append(describe(message));
        }
        QCOMPARE(seen, messages);
        QCOMPARE(int(reader.failure().code), failure);
        QCOMPARE(reader.next(&message), false); // nothing after a broken rule, or the end
    }
}

void tst_WebSocketFrameReader::idleHoldsNoBuffer()
{
    WebSocketFrameReader reader(maxMessage);
    const QByteArray two = frame(Opcode::Text, "first") + frame(Opcode::Text, "second");
    reader.append(QByteArrayView(two).first(two.size() - 2));
    WebSocketFrameReader::Message message;
    QVERIFY(reader.next(&message));
    QCOMPARE(message.payload, "first");
    QVERIFY(!reader.next(&message));
    reader.append(QByteArrayView(two).last(2));
    QVERIFY(reader.next(&message));
    QCOMPARE(message.payload, "second");
    QVERIFY(!reader.next(&message));
    QVERIFY(!reader.hasFailed());
}

void tst_WebSocketFrameReader::closePayload_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<int>("code");
    QTest::newRow("empty: no code given") << QByteArray() << true << 1005;
    QTest::newRow("1000 with a reason") << closeFrame(1000, "bye") << true << 1000;
    QTest::newRow("1001") << closeFrame(1001) << true << 1001;
    QTest::newRow("application 4000") << closeFrame(4000) << true << 4000;
    QTest::newRow("999") << closeFrame(999) << false << 0;
    QTest::newRow("1006 never travels") << closeFrame(1006) << false << 0;
    QTest::newRow("1015 never travels") << closeFrame(1015) << false << 0;
    QTest::newRow("2000 unassigned") << closeFrame(2000) << false << 0;
    QTest::newRow("5000") << closeFrame(5000) << false << 0;
}

void tst_WebSocketFrameReader::closePayload()
{
    QFETCH(QByteArray, payload);
    QFETCH(bool, valid);
    QFETCH(int, code);
    quint16 read = 0;
    QCOMPARE(WebSocketFrameReader::readClose(payload, &read), valid);
    if (valid)
        QCOMPARE(int(read), code);
}

QTEST_APPLESS_MAIN(tst_WebSocketFrameReader)

#include "tst_websocketframereader.moc"
