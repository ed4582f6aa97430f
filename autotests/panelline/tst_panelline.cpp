#include "panel/linebuffer.h"
#include "panel/panelline.h"

#include <QTest>

Q_DECLARE_METATYPE(PanelLine::Kind)

namespace QTest {
template<>
char *toString(const PanelLine::Kind &kind)
{
    const char *names[] = { "Press", "Release", "Ready", "Firmware", "Pong", "Ok", "Error", "Status", "Other" };
    return qstrdup(names[int(kind)]);
}
} // namespace QTest

class tst_PanelLine : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lineBuffer_data();
    void lineBuffer();
    void lineBufferByteByByte();
    void lineBufferClear();
    void parse_data();
    void parse();
    void bootLogHasOnlyTheRealPress();
};

using Chunks = QList<QByteArray>;

void tst_PanelLine::lineBuffer_data()
{
    QTest::addColumn<Chunks>("chunks");
    QTest::addColumn<Chunks>("lines");
    QTest::addColumn<int>("dropped");

    const QByteArray max(LineBuffer::DefaultMaxLength, 'a');
    const QByteArray over(LineBuffer::DefaultMaxLength + 1, 'b');

    QTest::newRow("whole line") << Chunks{ "PRESS 042\n" } << Chunks{ "PRESS 042" } << 0;
    QTest::newRow("no LF yet") << Chunks{ "PRESS 042" } << Chunks{} << 0;
    QTest::newRow("PRE + SS 042") << Chunks{ "PRE", "SS 042\n" } << Chunks{ "PRESS 042" } << 0;
    QTest::newRow("three pieces") << Chunks{ "PRE", "SS 0", "42\n" } << Chunks{ "PRESS 042" } << 0;
    QTest::newRow("LF alone") << Chunks{ "PRESS 042", "\n" } << Chunks{ "PRESS 042" } << 0;
    QTest::newRow("CRLF") << Chunks{ "PRESS 042\r\n" } << Chunks{ "PRESS 042" } << 0;
    QTest::newRow("CR | LF") << Chunks{ "PRESS 042\r", "\n" } << Chunks{ "PRESS 042" } << 0;
    QTest::newRow("inner CR kept") << Chunks{ "A\rB\n" } << Chunks{ "A\rB" } << 0;
    QTest::newRow("several in one chunk")
            << Chunks{ "READY\nPRESS 001\r\nRELEASE 001\n" } << Chunks{ "READY", "PRESS 001", "RELEASE 001" } << 0;
    QTest::newRow("line and a half") << Chunks{ "PRESS 001\nPRE", "SS 002\n" }
                                     << Chunks{ "PRESS 001", "PRESS 002" } << 0;
    QTest::newRow("empty lines") << Chunks{ "\n\r\nPRESS 001\n\n" } << Chunks{ "", "", "PRESS 001", "" } << 0;
    QTest::newRow("exactly max") << Chunks{ max + '\n' } << Chunks{ max } << 0;
    QTest::newRow("exactly max, CRLF") << Chunks{ max + "\r\n" } << Chunks{ max } << 0;
    QTest::newRow("exactly max, in pieces") << Chunks{ max.left(100), max.mid(100), "\n" } << Chunks{ max } << 0;
    QTest::newRow("max + 1") << Chunks{ over + '\n' } << Chunks{} << 1;
    QTest::newRow("max + 1, CRLF") << Chunks{ over + "\r\n" } << Chunks{} << 1;
    QTest::newRow("overlong, next line intact")
            << Chunks{ QByteArray(300, 'x') + "\nPRESS 001\n" } << Chunks{ "PRESS 001" } << 1;
    QTest::newRow("overlong in pieces, next line intact")
            << Chunks{ QByteArray(200, 'x'), QByteArray(100, 'x'), "yyy\nPRESS 001\n" } << Chunks{ "PRESS 001" } << 1;
    // The tail of a dropped line must not surface as a line of its own.
    QTest::newRow("overlong ending in a press")
            << Chunks{ QByteArray(255, 'x'), "PRESS 001\n", "PRESS 002\n" } << Chunks{ "PRESS 002" } << 1;
    QTest::newRow("overlong, LF chunks later")
            << Chunks{ QByteArray(300, 'x'), "more", "PRESS 003", "\nOK\n" } << Chunks{ "OK" } << 1;
    QTest::newRow("two overlong") << Chunks{ over + '\n' + over + "\nREADY\n" } << Chunks{ "READY" } << 2;
    QTest::newRow("between good lines") << Chunks{ "PRESS 001\n" + over + "\nPRESS 002\n" }
                                        << Chunks{ "PRESS 001", "PRESS 002" } << 1;
}

void tst_PanelLine::lineBuffer()
{
    QFETCH(Chunks, chunks);
    QFETCH(Chunks, lines);
    QFETCH(int, dropped);

    LineBuffer buffer;
    Chunks got;
    for (const QByteArray &chunk : chunks)
        got += buffer.append(chunk);
    QCOMPARE(got, lines);
    QCOMPARE(buffer.droppedLines(), dropped);
}

// USB-CDC may hand over a single byte at a time.
void tst_PanelLine::lineBufferByteByByte()
{
    const QByteArray stream = "READY\r\nPRESS 042\n" + QByteArray(400, 'z') + "\nPRESS 7\r\n";
    LineBuffer buffer;
    Chunks got;
    for (char c : stream)
        got += buffer.append(QByteArray(1, c));
    QCOMPARE(got, (Chunks{ "READY", "PRESS 042", "PRESS 7" }));
    QCOMPARE(buffer.droppedLines(), 1);
}

// After a reconnect the half line of the old connection must not glue onto the new one.
void tst_PanelLine::lineBufferClear()
{
    LineBuffer buffer;
    QVERIFY(buffer.append("PRE").isEmpty());
    buffer.clear();
    QCOMPARE(buffer.append("SS 042\n"), Chunks{ "SS 042" });

    // clear() also ends the discarding of an overlong line.
    QVERIFY(buffer.append(QByteArray(300, 'x')).isEmpty());
    buffer.clear();
    QCOMPARE(buffer.append("PRESS 001\n"), Chunks{ "PRESS 001" });
}

void tst_PanelLine::parse_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<PanelLine::Kind>("kind");
    QTest::addColumn<int>("id");
    QTest::addColumn<QByteArray>("text");

    using K = PanelLine::Kind;
    // Other keeps the line, without surrounding blanks, for the log.
    const auto other = [](const char *name, const QByteArray &line) {
        QTest::newRow(name) << line << K::Other << -1 << line.trimmed();
    };

    QTest::newRow("PRESS 042") << QByteArray("PRESS 042") << K::Press << 42 << QByteArray("042");
    QTest::newRow("PRESS 000") << QByteArray("PRESS 000") << K::Press << 0 << QByteArray("000");
    QTest::newRow("PRESS 001") << QByteArray("PRESS 001") << K::Press << 1 << QByteArray("001");
    QTest::newRow("PRESS 999") << QByteArray("PRESS 999") << K::Press << 999 << QByteArray("999");
    QTest::newRow("PRESS 7 unpadded") << QByteArray("PRESS 7") << K::Press << 7 << QByteArray("7");
    QTest::newRow("PRESS 42 unpadded") << QByteArray("PRESS 42") << K::Press << 42 << QByteArray("42");
    QTest::newRow("PRESS 07 two digits") << QByteArray("PRESS 07") << K::Press << 7 << QByteArray("07");
    QTest::newRow("PRESS 100") << QByteArray("PRESS 100") << K::Press << 100 << QByteArray("100");
    QTest::newRow("trailing blanks") << QByteArray("PRESS 042 \t") << K::Press << 42 << QByteArray("042");
    // Parsed, so that the controller can reject and count it: any all-digit ID.
    QTest::newRow("PRESS 1000") << QByteArray("PRESS 1000") << K::Press << 1000 << QByteArray("1000");
    QTest::newRow("PRESS 123456") << QByteArray("PRESS 123456") << K::Press << 123456 << QByteArray("123456");
    QTest::newRow("PRESS 1234567") << QByteArray("PRESS 1234567") << K::Press << 1234567 << QByteArray("1234567");
    QTest::newRow("PRESS 0000042") << QByteArray("PRESS 0000042") << K::Press << 42 << QByteArray("0000042");
    QTest::newRow("PRESS 2147483647") << QByteArray("PRESS 2147483647") << K::Press << 2147483647
                                      << QByteArray("2147483647");
    // Too large for an int: still a press, with the largest int, which no range holds.
    QTest::newRow("PRESS 2147483648") << QByteArray("PRESS 2147483648") << K::Press << 2147483647
                                      << QByteArray("2147483648");
    QTest::newRow("PRESS 99999999999") << QByteArray("PRESS 99999999999") << K::Press << 2147483647
                                       << QByteArray("99999999999");
    const QByteArray manyDigits(200, '9');
    QTest::newRow("PRESS 200 digits") << "PRESS " + manyDigits << K::Press << 2147483647 << manyDigits;
    QTest::newRow("RELEASE 1234567") << QByteArray("RELEASE 1234567") << K::Release << 1234567
                                     << QByteArray("1234567");
    QTest::newRow("RELEASE 042") << QByteArray("RELEASE 042") << K::Release << 42 << QByteArray("042");
    QTest::newRow("RELEASE 5") << QByteArray("RELEASE 5") << K::Release << 5 << QByteArray("5");
    QTest::newRow("RELEASE 000") << QByteArray("RELEASE 000") << K::Release << 0 << QByteArray("000");

    other("PRESS", "PRESS");
    other("PRESS blank", "PRESS ");
    other("PRESS abc", "PRESS abc");
    other("PRESS -1", "PRESS -1");
    other("PRESS +1", "PRESS +1");
    other("PRESS 42x", "PRESS 42x");
    other("PRESS x42", "PRESS x42");
    other("PRESS 4 2", "PRESS 4 2");
    other("PRESS 042 extra", "PRESS 042 extra");
    other("PRESS 0x2A", "PRESS 0x2A");
    other("PRESS 4.2", "PRESS 4.2");
    other("PRESS 1234567x", "PRESS 1234567x");
    other("PRESS 12345678901234567890x", "PRESS 12345678901234567890x");
    other("PRESS digits and blank", "PRESS 1234567 8");
    other("press 042", "press 042");
    other("Press 042", "Press 042");
    other("PRESSED 042", "PRESSED 042");
    other("PRESS042", "PRESS042");
    other("RELEASE", "RELEASE");
    other("RELEASE x", "RELEASE x");
    other("release 042", "release 042");

    other("rom ets", "ets Jun  8 2016 00:22:57");
    other("rom rst", "rst:0x1 (POWERON_RESET),boot:0x8 (SPI_FAST_FLASH_BOOT)");
    other("rom ESP-ROM", "ESP-ROM:esp32s3-20210327");
    other("rom load", "load:0x3fce3818,len:0x508");
    other("rom entry", "entry 0x403c9880");
    other("idf log", "\x1b[0;32mI (31) boot: ESP-IDF v5.1 2nd stage bootloader\x1b[0m");
    other("debug press", "[IO] PRESS 003 debounce");
    other("debug", "[IO] button 3 down");

    QTest::newRow("READY") << QByteArray("READY") << K::Ready << -1 << QByteArray();
    QTest::newRow("FW 2.5.1") << QByteArray("FW 2.5.1") << K::Firmware << -1 << QByteArray("2.5.1");
    QTest::newRow("FW with name") << QByteArray("FW selection-panel 2.5.1") << K::Firmware << -1
                                  << QByteArray("selection-panel 2.5.1");
    other("FW without text", "FW");
    QTest::newRow("PONG") << QByteArray("PONG") << K::Pong << -1 << QByteArray();
    QTest::newRow("OK") << QByteArray("OK") << K::Ok << -1 << QByteArray();
    QTest::newRow("ERROR invalid id") << QByteArray("ERROR invalid id") << K::Error << -1 << QByteArray("invalid id");
    QTest::newRow("ERROR unknown command") << QByteArray("ERROR unknown command") << K::Error << -1
                                           << QByteArray("unknown command");
    QTest::newRow("CURLED 3") << QByteArray("CURLED 3") << K::Status << -1 << QByteArray("CURLED 3");
    QTest::newRow("HEAP 1234") << QByteArray("HEAP 1234") << K::Status << -1 << QByteArray("HEAP 1234");
    QTest::newRow("BTNS 10") << QByteArray("BTNS 10") << K::Status << -1 << QByteArray("BTNS 10");
    QTest::newRow("LEDS 10") << QByteArray("LEDS 10") << K::Status << -1 << QByteArray("LEDS 10");
    QTest::newRow("MODE") << QByteArray("MODE prototype") << K::Status << -1 << QByteArray("MODE prototype");
    QTest::newRow("STATUS") << QByteArray("STATUS ok") << K::Status << -1 << QByteArray("STATUS ok");
    other("READY lower", "ready");
    other("OK with text", "OK 42");

    other("empty", "");
    other("binary", QByteArray("\xff\xfe\x80\x01\x7f", 5));
    other("NUL before press", QByteArray("\0PRESS 001", 10));
    other("NUL in id", QByteArray("PRESS 0\0" "1", 9));
    other("high byte after id", "PRESS 042\xff");
    other("high byte before", "\xc3\xa9PRESS 001");
}

void tst_PanelLine::parse()
{
    QFETCH(QByteArray, line);
    QFETCH(PanelLine::Kind, kind);
    QFETCH(int, id);
    QFETCH(QByteArray, text);

    const PanelLine parsed = PanelLine::parse(line);
    QCOMPARE(parsed.kind(), kind);
    QCOMPARE(parsed.id(), id);
    QCOMPARE(parsed.text(), text);
}

// A whole ESP32-S3 reset, fed in awkward pieces: only the real press acts.
void tst_PanelLine::bootLogHasOnlyTheRealPress()
{
    const QByteArray log = "ESP-ROM:esp32s3-20210327\r\n"
                           "Build:Mar 27 2021\r\n"
                           "rst:0x1 (POWERON),boot:0x8 (SPI_FAST_FLASH_BOOT)\r\n"
                           "SPIWP:0xee\r\n"
                           "mode:DIO, clock div:1\r\n"
                           "load:0x3fce3818,len:0x508\r\n"
                           "entry 0x403c9880\r\n"
                           "[IO] PRESS 003 debounce\n"
                           "FW 2.5.1\n"
                           "READY\n"
                           "RELEASE 004\n"
                           "PRESS 004\n";
    LineBuffer buffer;
    QList<int> presses;
    int readies = 0;
    for (qsizetype i = 0; i < log.size(); i += 7) {
        for (const QByteArray &line : buffer.append(log.mid(i, 7))) {
            const PanelLine parsed = PanelLine::parse(line);
            if (parsed.kind() == PanelLine::Kind::Press)
                presses.append(parsed.id());
            readies += parsed.kind() == PanelLine::Kind::Ready;
        }
    }
    QCOMPARE(presses, QList<int>{ 4 });
    QCOMPARE(readies, 1);
}

QTEST_GUILESS_MAIN(tst_PanelLine)
#include "tst_panelline.moc"
