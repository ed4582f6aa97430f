#include "firmwareemulator.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <memory>

#include <fcntl.h>
#include <unistd.h>

namespace {
using Generation = FirmwareEmulator::Generation;
} // namespace

// FirmwareEmulator against the panel protocol (docs/serial-protocol.md,
// "Firmware generations"), seen from the device the gateway opens (read raw,
// not through QSerialPort, whose quirks are the gateway's business): what it
// answers, what it does with its LEDs, how it reads long lines.
class tst_FirmwareEmulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void commands_data();
    void commands();
    void pressAndRelease_data();
    void pressAndRelease();
    void babbleHasNoPress();
    void hangAndReboot();

private:
    bool start(Generation generation);
    void write(const QByteArray &data) { QCOMPARE(::write(m_device, data.constData(), data.size()), data.size()); }
    void readAvailable();
    // The panel's lines up to and including `last`; empty when it never came.
    QByteArrayList linesUntil(const QByteArray &last);

    std::unique_ptr<FirmwareEmulator> m_panel;
    int m_device = -1; // the pty's slave side, non-blocking
    QByteArray m_pending;
};

void tst_FirmwareEmulator::init()
{
    m_pending.clear();
}

void tst_FirmwareEmulator::cleanup()
{
    if (m_device >= 0)
        ::close(m_device);
    m_device = -1;
    m_panel.reset();
}

bool tst_FirmwareEmulator::start(Generation generation)
{
    m_panel = std::make_unique<FirmwareEmulator>(generation);
    if (!m_panel->open())
        return false;
    m_device = ::open(QFile::encodeName(m_panel->slavePath()).constData(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    return m_device >= 0;
}

void tst_FirmwareEmulator::readAvailable()
{
    char buffer[4096];
    for (ssize_t n; (n = ::read(m_device, buffer, sizeof buffer)) > 0;)
        m_pending.append(buffer, n);
}

QByteArrayList tst_FirmwareEmulator::linesUntil(const QByteArray &last)
{
    QByteArrayList lines;
    for (;;) {
        const qsizetype lf = m_pending.indexOf('\n');
        if (lf >= 0) {
            lines.append(m_pending.left(lf));
            m_pending.remove(0, lf + 1);
            if (lines.last() == last)
                return lines;
            continue;
        }
        // With the event loop running: the emulator lives in this thread.
        if (!QTest::qWaitFor([this] {
                readAvailable();
                return m_pending.contains('\n');
            }, 3000))
            return {};
    }
}

void tst_FirmwareEmulator::commands_data()
{
    QTest::addColumn<Generation>("generation");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArrayList>("answer");
    QTest::addColumn<QList<int>>("lit");
    const auto current = Generation::Current;
    const QByteArray ok = "OK";

    QTest::newRow("PING") << current << QByteArray("PING\n") << QByteArrayList { "PONG" } << QList<int>();
    QTest::newRow("VERSION") << current << QByteArray("VERSION\n")
                             << QByteArrayList { "FW selection-panel 2.5.0", ok } << QList<int>();
    QTest::newRow("LEDSET") << current << QByteArray("LEDON 002\nLEDSET 003\n") << QByteArrayList { ok, ok }
                            << QList<int> { 3 };
    QTest::newRow("LEDSET out of range") << current << QByteArray("LEDSET 011\nLEDSET 000\nLEDSET x\n")
                                         << QByteArrayList(3, "ERROR invalid id") << QList<int>();
    QTest::newRow("LEDON, LEDOFF") << current << QByteArray("LEDON 1\nLEDON 10\nLEDON 5\nLEDOFF 1\n")
                                   << QByteArrayList(4, ok) << QList<int> { 5, 10 };
    QTest::newRow("LEDALL, LEDCLR") << current << QByteArray("LEDALL\n") << QByteArrayList { ok }
                                    << QList<int> { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    QTest::newRow("CR ends a command") << current << QByteArray("LEDSET 004\r\nLEDCLR\r\n")
                                       << QByteArrayList { ok, ok } << QList<int>();
    QTest::newRow("STATUS") << current << QByteArray("LEDSET 7\nSTATUS\n")
                            << QByteArrayList { ok, "CURLED 7", "BTNS 10", "LEDS 10", "HEAP 283412",
                                                "MODE PROTOTYPE", ok }
                            << QList<int> { 7 };
    QTest::newRow("unknown") << current << QByteArray("ping\nLEDCLR 1\n\nHELLO\n")
                             << QByteArrayList(3, "ERROR unknown command") << QList<int>();
    // 63 bytes fit; the 64th empties the buffer, the rest is a command of its own.
    QTest::newRow("63 bytes") << current << QByteArray(63, 'A') + '\n' << QByteArrayList { "ERROR unknown command" }
                              << QList<int>();
    QTest::newRow("64 bytes, then PING") << current << QByteArray(64, 'A') + "PING\n" << QByteArrayList { "PONG" }
                                         << QList<int>();
    QTest::newRow("2.2: LEDSET, silently") << Generation::Legacy << QByteArray("LEDSET 003\nLEDALL\nPING\nVERSION\n")
                                           << QByteArrayList() << QList<int> { 3 };
}

void tst_FirmwareEmulator::commands()
{
    QFETCH(Generation, generation);
    QFETCH(QByteArray, input);
    QFETCH(QByteArrayList, answer);
    QFETCH(QList<int>, lit);
    QVERIFY(start(generation));
    write(input);
    const int commands = int(input.count('\n') - input.count("\n\n")); // an empty line is none
    QTRY_COMPARE(m_panel->receivedCommands().size(), commands);
    QCOMPARE(m_panel->litLeds(), QSet<int>(lit.begin(), lit.end()));
    m_panel->press(9); // behind every answer
    QCOMPARE(linesUntil("PRESS 009"), answer + QByteArrayList { "PRESS 009" });
}

void tst_FirmwareEmulator::pressAndRelease_data()
{
    QTest::addColumn<Generation>("generation");
    QTest::addColumn<QByteArrayList>("lines");
    QTest::addColumn<QList<int>>("lit");
    QTest::newRow("2.5") << Generation::Current << QByteArrayList { "PRESS 002", "RELEASE 002", "PRESS 010" }
                         << QList<int> { 10 };
    QTest::newRow("2.2") << Generation::Legacy << QByteArrayList { "PRESS 002", "PRESS 010" } << QList<int>();
}

// 2.5 lights the LED itself before it sends PRESS; 2.2 sends PRESS only.
void tst_FirmwareEmulator::pressAndRelease()
{
    QFETCH(Generation, generation);
    QFETCH(QByteArrayList, lines);
    QFETCH(QList<int>, lit);
    QVERIFY(start(generation));
    m_panel->press(2);
    m_panel->release(2);
    m_panel->press(10);
    QCOMPARE(m_panel->litLeds(), QSet<int>(lit.begin(), lit.end()));
    QCOMPARE(linesUntil("PRESS 010"), lines);
}

void tst_FirmwareEmulator::babbleHasNoPress()
{
    QVERIFY(start(Generation::Current));
    m_panel->babble(40);
    m_panel->press(1);
    const QByteArrayList lines = linesUntil("PRESS 001");
    QCOMPARE(lines.size(), 41);
    for (const QByteArray &line : lines.first(40))
        QVERIFY2(!line.startsWith("PRESS ") || line.mid(6).toInt() == 0, line.constData());
}

// A hung panel reads nothing and says nothing; a reboot ends that and boots.
void tst_FirmwareEmulator::hangAndReboot()
{
    QVERIFY(start(Generation::Current));
    write("LEDSET 005\n");
    QCOMPARE(linesUntil("OK"), QByteArrayList { "OK" });
    m_panel->hang();
    write("PING\n");
    m_panel->press(3);
    QTest::qWait(300);
    readAvailable();
    QVERIFY(m_pending.isEmpty());
    QCOMPARE(m_panel->receivedCommands().size(), 1);
    QSignalSpy leds(m_panel.get(), &FirmwareEmulator::ledsChanged);
    m_panel->reboot();
    QCOMPARE(leds.size(), 1);
    QVERIFY(m_panel->litLeds().isEmpty());
    QCOMPARE(linesUntil("PONG"), QByteArrayList({ "READY", "FW selection-panel 2.5.0", "PONG" }));
}

QTEST_GUILESS_MAIN(tst_FirmwareEmulator)
#include "tst_firmwareemulator.moc"
