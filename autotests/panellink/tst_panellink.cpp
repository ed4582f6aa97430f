#include "panel/panellink.h"

#include "firmwareemulator.h"
#include "messagecounter.h"
#include "ptypair.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {

QByteArray presses(int count, int lastId)
{
    QByteArray lines;
    lines.reserve(count * 10);
    for (int i = 0; i < count - 1; ++i)
        lines += "PRESS " + QByteArray::number(i % lastId).rightJustified(3, '0') + '\n';
    lines += "PRESS " + QByteArray::number(lastId).rightJustified(3, '0') + '\n';
    return lines;
}

using Generation = FirmwareEmulator::Generation;
using State = PanelLink::State;

} // namespace

// PanelLink in this process on a pseudo-terminal standing in for the panel
// (docs/serial-protocol.md): flow control on the link, outages, what it logs;
// reboots and noise from an emulated firmware (FirmwareEmulator). The
// heartbeat has its own suite, tst_panelheartbeat.
class tst_PanelLink : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void backPressureKeepsNewestLed_data();
    void backPressureKeepsNewestLed();
    void hangUpUnderBackPressure();
    void refusalsAreThrottled();

    void rebootResyncs();
    void babbleIsNoPress_data();
    void babbleIsNoPress();
    void disabled();

private:
    // In place of init()'s plain pty: a link (not started) on an emulated panel.
    bool useEmulator(Generation generation, int pingMs);

    std::unique_ptr<PtyPair> m_pty;
    std::unique_ptr<FirmwareEmulator> m_emulator;
    std::unique_ptr<PanelLink> m_link;
};

void tst_PanelLink::init()
{
    m_pty = std::make_unique<PtyPair>();
    QVERIFY2(m_pty->open(), qPrintable(m_pty->errorString()));
    m_link = std::make_unique<PanelLink>(m_pty->slavePath(), 115200);
    m_link->start();
    QVERIFY(m_link->isConnected());
}

void tst_PanelLink::cleanup()
{
    m_link.reset();
    m_pty.reset();
    m_emulator.reset();
}

bool tst_PanelLink::useEmulator(Generation generation, int pingMs)
{
    m_link.reset();
    m_pty.reset();
    m_emulator = std::make_unique<FirmwareEmulator>(generation);
    if (!m_emulator->open())
        return false;
    m_link = std::make_unique<PanelLink>(m_emulator->slavePath(), 115200);
    m_link->setPingInterval(pingMs);
    return true;
}

void tst_PanelLink::backPressureKeepsNewestLed_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("clearLast"); // the newest state is "all off" rather than an ID
    QTest::addColumn<int>("pingMs");

    // A pty takes about 20 KiB before its writer sees EAGAIN: 10,000 LED
    // commands are five times that. PINGs meanwhile must not cost an LED state.
    QTest::newRow("10000 presses, LEDSET last") << 10000 << false << 5000;
    QTest::newRow("10000 presses, LEDCLR last") << 10000 << true << 5000;
    QTest::newRow("10000 presses, LEDSET last, PING every 20 ms") << 10000 << false << 20;
}

// A panel that sends presses fast and reads slowly: the link must keep
// reading every press and must not take the full output for an unplug.
void tst_PanelLink::backPressureKeepsNewestLed()
{
    QFETCH(int, count);
    QFETCH(bool, clearLast);
    QFETCH(int, pingMs);
    m_link->setPingInterval(pingMs);
    QTest::failOnWarning(QRegularExpression(QStringLiteral("panel lost")));
    QSignalSpy connection(m_link.get(), &PanelLink::connectedChanged);
    QList<int> seen;
    connect(m_link.get(), &PanelLink::pressed, m_link.get(), [&](int id) {
        seen.append(id);
        m_link->setLed(id);
    });
    int pingLines = 0; // PtyPair leaves them out of takeLine()
    connect(m_pty.get(), &PtyPair::lineReceived, m_link.get(), [&](const QByteArray &line) {
        pingLines += line == "PING";
    });

    m_pty->setReading(false);
    QVERIFY2(m_pty->feed(presses(count, 999)), qPrintable(m_pty->errorString()));
    QTRY_COMPARE(seen.size(), count);
    QCOMPARE(seen.last(), 999);
    if (clearLast)
        m_link->clearLeds();
    const QByteArray newest = clearLast ? QByteArray("LEDCLR") : QByteArray("LEDSET 999");
    if (pingMs < 1000)
        QTest::qWait(5 * pingMs); // PINGs fall due while output waits

    // Still the same connection: no reopen, which would drop DTR and RTS.
    QVERIFY(connection.isEmpty());
    QVERIFY(m_link->isConnected());

    // The panel reads again and ends up with the newest state.
    m_pty->setReading(true);
    QByteArray line;
    int received = 0;
    for (;;) {
        QVERIFY2(m_pty->takeLine(&line, 5000), qPrintable(QStringLiteral("no '%1' after %2 lines")
                                                              .arg(QString::fromLatin1(newest)).arg(received)));
        ++received;
        QVERIFY2(line.startsWith("LEDSET ") || line == "LEDCLR", line.constData());
        if (line == newest) // 999 and LEDCLR come once: the last press, the last call
            break;
    }
    // Old states were dropped, not queued behind the newest one.
    QVERIFY2(received < count / 2, qPrintable(QString::number(received)));
    m_link->setLed(7);
    QVERIFY(m_pty->takeLine(&line));
    QCOMPARE(line, QByteArray("LEDSET 007"));
    QVERIFY(connection.isEmpty());
    if (pingMs < 1000)
        QTRY_VERIFY(pingLines > 0);
}

// A real hang-up is still an outage, also while output waits.
void tst_PanelLink::hangUpUnderBackPressure()
{
    QSignalSpy connection(m_link.get(), &PanelLink::connectedChanged);
    QSignalSpy pressed(m_link.get(), &PanelLink::pressed);
    connect(m_link.get(), &PanelLink::pressed, m_link.get(), &PanelLink::setLed);
    m_pty->setReading(false);
    QVERIFY2(m_pty->feed(presses(4000, 999)), qPrintable(m_pty->errorString()));
    QTRY_COMPARE(pressed.size(), 4000);
    QVERIFY(connection.isEmpty());

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^panel lost on ")));
    m_pty->close();
    QTRY_COMPARE_WITH_TIMEOUT(connection.size(), 1, 5000);
    QCOMPARE(connection.first().first().toBool(), false);
    QVERIFY(!m_link->isConnected());
}

// A panel that answers every command with ERROR, fast, for a long time:
// the log gets the first few and then summaries, not one line each.
void tst_PanelLink::refusalsAreThrottled()
{
    const MessageCounter refusals(QStringLiteral("panel refused a command"));
    QByteArray lines;
    for (int i = 0; i < 1000; ++i)
        lines += "ERROR invalid id\n";
    QSignalSpy pressed(m_link.get(), &PanelLink::pressed);
    QVERIFY2(m_pty->feed(lines + "PRESS 001\n"), qPrintable(m_pty->errorString()));
    QTRY_COMPARE(pressed.size(), 1);
    QVERIFY2(refusals.count() >= 1 && refusals.count() <= 5, qPrintable(QString::number(refusals.count())));
}

// READY after a reboot: ready() lets the owner set the LEDs again; a new FW is kept.
void tst_PanelLink::rebootResyncs()
{
    QVERIFY(useEmulator(Generation::Current, 5000));
    connect(m_link.get(), &PanelLink::ready, m_link.get(), [this] { m_link->setLed(4); });
    m_link->start();
    QTRY_COMPARE(m_emulator->litLeds(), QSet<int>({ 4 }));
    QTRY_COMPARE(m_link->firmware(), QStringLiteral("selection-panel 2.5.0"));
    QSignalSpy ready(m_link.get(), &PanelLink::ready);
    QSignalSpy leds(m_emulator.get(), &FirmwareEmulator::ledsChanged);
    m_emulator->setFirmwareText("selection-panel 2.5.1");
    m_emulator->reboot();
    QCOMPARE(m_emulator->litLeds(), QSet<int>());
    QTRY_COMPARE(ready.size(), 1);
    QTRY_COMPARE(m_emulator->litLeds(), QSet<int>({ 4 }));
    QCOMPARE(leds.size(), 2); // off by the reboot, on by the resync
    QTRY_COMPARE(m_link->firmware(), QStringLiteral("selection-panel 2.5.1"));
    QCOMPARE(m_link->state(), State::Connected);
}

void tst_PanelLink::babbleIsNoPress_data()
{
    QTest::addColumn<Generation>("generation");
    QTest::newRow("2.5") << Generation::Current;
    QTest::newRow("2.2") << Generation::Legacy;
}

// Debug output, ROM noise and garbage: never a press, no line dropped.
void tst_PanelLink::babbleIsNoPress()
{
    QFETCH(Generation, generation);
    QVERIFY(useEmulator(generation, 5000));
    QSignalSpy pressed(m_link.get(), &PanelLink::pressed);
    m_link->start();
    m_emulator->babble(100);
    m_emulator->press(2); // behind the babble on the same line
    QTRY_COMPARE(pressed.size(), 1);
    QCOMPARE(pressed.first().first().toInt(), 2);
    QCOMPARE(m_link->droppedLines(), 0);
    QCOMPARE(m_link->state(), State::Connected);
}

void tst_PanelLink::disabled()
{
    PanelLink link(QStringLiteral("none"), 115200);
    QSignalSpy state(&link, &PanelLink::stateChanged);
    link.start();
    QCOMPARE(link.state(), State::Disabled);
    QVERIFY(!link.isResponding());
    QVERIFY(!link.lastLineAgeMs());
    QVERIFY(state.isEmpty());
}

QTEST_GUILESS_MAIN(tst_PanelLink)
#include "tst_panellink.moc"
