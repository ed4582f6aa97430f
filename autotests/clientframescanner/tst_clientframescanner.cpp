#include "web/clientframescanner.h"

#include <QTest>
#include <QtEndian>

namespace {

enum Opcode : quint8 { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xa };

// One client frame as RFC 6455 §5.2 lays it out, with the shortest length
// form. The payload is `fill` repeated; masking it would change nothing here.
QByteArray frame(quint8 opcode, quint64 length, bool masked = true, bool final = true, char fill = 'x')
{
    QByteArray bytes;
    bytes.append(char((final ? 0x80 : 0x00) | opcode));
    const char maskBit = masked ? char(0x80) : char(0x00);
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
        bytes.append("\x12\x34\x56\x78", 4);
    bytes.append(QByteArray(qsizetype(length), fill));
    return bytes;
}

} // namespace

class tst_ClientFrameScanner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void feed_data();
    void feed();
    void staysUnmasked();
};

void tst_ClientFrameScanner::feed_data()
{
    QTest::addColumn<QByteArray>("stream");
    QTest::addColumn<bool>("masked");
    QTest::addColumn<quint64>("frames");  // complete frames seen (before any unmasked one)
    QTest::addColumn<quint64>("partial"); // bytes of an unfinished frame at the end

    // What browsers send.
    QTest::newRow("masked text") << frame(Text, 15) << true << quint64(1) << quint64(0);
    QTest::newRow("masked empty frame") << frame(Text, 0) << true << quint64(1) << quint64(0);
    QTest::newRow("masked 125 bytes") << frame(Text, 125) << true << quint64(1) << quint64(0);
    QTest::newRow("masked 16-bit length") << frame(Text, 126) << true << quint64(1) << quint64(0);
    QTest::newRow("masked 65535 bytes") << frame(Binary, 65535) << true << quint64(1) << quint64(0);
    QTest::newRow("masked 64-bit length") << frame(Binary, 70000) << true << quint64(1) << quint64(0);
    QTest::newRow("masked control frames") << frame(Ping, 4) + frame(Pong, 0) + frame(Close, 2) << true
                                           << quint64(3) << quint64(0);
    QTest::newRow("masked fragments") << frame(Text, 3, true, false) + frame(Continuation, 300, true, false)
                                             + frame(Continuation, 2)
                                      << true << quint64(3) << quint64(0);
    // A payload whose bytes look like an unmasked header is skipped, not read.
    QTest::newRow("header-like payload") << frame(Text, 10, true, true, char(0x81)) + frame(Text, 5) << true
                                         << quint64(2) << quint64(0);
    QTest::newRow("header-like 16-bit payload") << frame(Text, 300, true, true, char(0x01)) + frame(Ping, 0)
                                                << true << quint64(2) << quint64(0);

    // Unfinished frames.
    QTest::newRow("first header byte") << frame(Text, 5).first(1) << true << quint64(0) << quint64(1);
    QTest::newRow("header without key") << frame(Text, 5).first(4) << true << quint64(0) << quint64(4);
    QTest::newRow("header, half payload") << frame(Text, 10).first(11) << true << quint64(0) << quint64(11);
    QTest::newRow("half a 64-bit length") << frame(Text, 1, true).repeated(2) + frame(Binary, 70000).first(6)
                                          << true << quint64(2) << quint64(6);

    // RFC 6455 §5.1: the server must close on these.
    QTest::newRow("unmasked text") << frame(Text, 15, false) << false << quint64(0) << quint64(2);
    QTest::newRow("unmasked empty frame") << frame(Text, 0, false) << false << quint64(0) << quint64(2);
    QTest::newRow("unmasked ping") << frame(Ping, 0, false) << false << quint64(0) << quint64(2);
    QTest::newRow("unmasked close") << frame(Close, 2, false) << false << quint64(0) << quint64(2);
    QTest::newRow("unmasked 16-bit length") << frame(Text, 200, false) << false << quint64(0) << quint64(2);
    QTest::newRow("unmasked 64-bit length") << frame(Binary, 70000, false) << false << quint64(0) << quint64(2);
    QTest::newRow("unmasked after masked") << frame(Text, 15) + frame(Text, 200) + frame(Text, 15, false)
                                           << false << quint64(2) << quint64(2);
    QTest::newRow("unmasked continuation") << frame(Text, 3, true, false) + frame(Continuation, 3, false)
                                           << false << quint64(1) << quint64(2);
    QTest::newRow("unmasked after a long one") << frame(Binary, 70000) + frame(Ping, 0, false) << false
                                               << quint64(1) << quint64(2);
}

void tst_ClientFrameScanner::feed()
{
    QFETCH(QByteArray, stream);
    QFETCH(bool, masked);
    QFETCH(quint64, frames);
    QFETCH(quint64, partial);

    // Whatever pieces TCP delivers, the verdict and the boundaries are the
    // same, whether payload is fed or passed over (as WebSocketHub does).
    for (const bool skipping : { false, true }) {
        for (const qsizetype piece : { stream.size(), qsizetype(1), qsizetype(3), qsizetype(7), qsizetype(4096) }) {
            const QString where = QStringLiteral("pieces of %1%2").arg(piece).arg(skipping ? ", skipping" : "");
            ClientFrameScanner scanner;
            bool result = true;
            for (qsizetype at = 0; at < stream.size(); at += piece) {
                QByteArrayView bytes = QByteArrayView(stream).sliced(at, qMin(piece, stream.size() - at));
                if (skipping) {
                    const quint64 payload = qMin(scanner.payloadLeft(), quint64(bytes.size()));
                    scanner.skipPayload(payload);
                    bytes = bytes.sliced(qsizetype(payload));
                }
                result = scanner.feed(bytes);
            }
            QVERIFY2(result == masked, qPrintable(where));
            QVERIFY2(scanner.sawUnmaskedFrame() == !masked, qPrintable(where));
            QVERIFY2(scanner.completeFrames() == frames, qPrintable(where));
            QVERIFY2(scanner.partialFrameBytes() == partial, qPrintable(where));
        }
    }
}

void tst_ClientFrameScanner::staysUnmasked()
{
    ClientFrameScanner scanner;
    QVERIFY(!scanner.feed(frame(Text, 4, false)));
    // Nothing after an unmasked frame can be trusted to sit on a boundary.
    QVERIFY(!scanner.feed(frame(Text, 4)));
    QVERIFY(!scanner.feed({}));
    QVERIFY(scanner.sawUnmaskedFrame());
    QCOMPARE(scanner.completeFrames(), quint64(0));
}

QTEST_APPLESS_MAIN(tst_ClientFrameScanner)

#include "tst_clientframescanner.moc"
