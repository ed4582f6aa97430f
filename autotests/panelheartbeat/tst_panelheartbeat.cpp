#include "panel/panellink.h"

#include "firmwareemulator.h"
#include "messagecounter.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace {
using Generation = FirmwareEmulator::Generation;
using State = PanelLink::State;
} // namespace

// The supervised link (docs/serial-protocol.md, "Heartbeat"): PanelLink and
// its PanelHeartbeat in this process, on a pty running the panel firmware's
// protocol (FirmwareEmulator), with ping intervals of a fraction of a second.
class tst_PanelHeartbeat : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup();

    void versionAfterOpen_data();
    void versionAfterOpen();
    void pingAfterSilence_data();
    void pingAfterSilence();
    void anyLineIsLife_data();
    void anyLineIsLife();
    void silenceAndRecovery_data();
    void silenceAndRecovery();
    void legacyNeverSilent();
    void pingOff();
    void closingForgetsAnswers();
    void lastLineAge();

private:
    // A link (not started) on a freshly opened emulated panel.
    bool useEmulator(Generation generation, int pingMs);
    int pings() const { return m_emulator->receivedCount("PING"); }

    std::unique_ptr<FirmwareEmulator> m_emulator;
    std::unique_ptr<PanelLink> m_link;
};

void tst_PanelHeartbeat::cleanup()
{
    m_link.reset();
    m_emulator.reset();
}

bool tst_PanelHeartbeat::useEmulator(Generation generation, int pingMs)
{
    m_emulator = std::make_unique<FirmwareEmulator>(generation);
    if (!m_emulator->open())
        return false;
    m_link = std::make_unique<PanelLink>(m_emulator->slavePath(), 115200);
    m_link->setPingInterval(pingMs);
    return true;
}

void tst_PanelHeartbeat::versionAfterOpen_data()
{
    QTest::addColumn<Generation>("generation");
    QTest::addColumn<QString>("firmware");
    QTest::newRow("2.5 answers FW") << Generation::Current << QStringLiteral("selection-panel 2.5.0");
    QTest::newRow("2.2 ignores it") << Generation::Legacy << QString();
}

// VERSION is the first line after open, before the LED resync that ready() starts.
void tst_PanelHeartbeat::versionAfterOpen()
{
    QFETCH(Generation, generation);
    QFETCH(QString, firmware);
    QVERIFY(useEmulator(generation, 5000));
    connect(m_link.get(), &PanelLink::ready, m_link.get(), &PanelLink::clearLeds);
    m_link->start();
    QTRY_COMPARE(m_emulator->receivedCommands(), QByteArrayList({ "VERSION", "LEDCLR" }));
    if (!firmware.isEmpty())
        QTRY_COMPARE(m_link->firmware(), firmware);
    QCOMPARE(m_link->firmware(), firmware);
}

void tst_PanelHeartbeat::pingAfterSilence_data()
{
    QTest::addColumn<Generation>("generation");
    QTest::newRow("2.5 answers PONG") << Generation::Current;
    QTest::newRow("2.2 answers nothing") << Generation::Legacy;
}

// A quiet panel is asked every interval; both generations stay connected.
void tst_PanelHeartbeat::pingAfterSilence()
{
    QFETCH(Generation, generation);
    const int interval = 100;
    QVERIFY(useEmulator(generation, interval));
    const MessageCounter silent(QStringLiteral("is silent"));
    m_link->start();
    QSignalSpy state(m_link.get(), &PanelLink::stateChanged);
    QElapsedTimer clock;
    clock.start();
    QTRY_COMPARE_WITH_TIMEOUT(pings(), 5, 20 * interval);
    QVERIFY2(clock.elapsed() >= 5 * interval, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(m_link->state(), State::Connected);
    QVERIFY(m_link->isResponding());
    QVERIFY(state.isEmpty());
    QCOMPARE(silent.count(), 0);
}

void tst_PanelHeartbeat::anyLineIsLife_data()
{
    QTest::addColumn<Generation>("generation");
    QTest::newRow("2.5 debug output") << Generation::Current;
    QTest::newRow("2.2 presses") << Generation::Legacy;
}

// Lines more often than the interval: no PING at all.
void tst_PanelHeartbeat::anyLineIsLife()
{
    QFETCH(Generation, generation);
    const int interval = 300;
    QVERIFY(useEmulator(generation, interval));
    m_link->start();
    int sent = 0;
    QTimer talk;
    connect(&talk, &QTimer::timeout, m_emulator.get(), [&] {
        generation == Generation::Current ? m_emulator->babble(1) : m_emulator->press(1);
        ++sent;
    });
    talk.start(interval / 6);
    QTRY_VERIFY_WITH_TIMEOUT(sent >= 30, 60 * interval); // about five intervals
    QCOMPARE(pings(), 0);
}

void tst_PanelHeartbeat::silenceAndRecovery_data()
{
    QTest::addColumn<bool>("reboot");
    QTest::newRow("firmware resumes") << false;
    QTest::newRow("firmware reboots") << true;
}

// A panel that answered PING and hangs: silent within three intervals,
// logged once, still asked; its first line ends it and resyncs the LEDs.
void tst_PanelHeartbeat::silenceAndRecovery()
{
    QFETCH(bool, reboot);
    const int interval = 200;
    QVERIFY(useEmulator(Generation::Current, interval));
    const MessageCounter silentLog(QStringLiteral("is silent"));
    const MessageCounter answersLog(QStringLiteral("answers again"), QtInfoMsg);
    m_link->start();
    QTRY_VERIFY_WITH_TIMEOUT(pings() >= 2, 20 * interval); // answered with PONG
    QSignalSpy state(m_link.get(), &PanelLink::stateChanged);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^panel on .* is silent: no line for")));
    const int pingsBefore = pings();
    m_emulator->hang();
    QElapsedTimer clock;
    clock.start();
    QTRY_COMPARE_WITH_TIMEOUT(m_link->state(), State::Silent, 3 * interval + 300);
    // Its last PONG came at most one interval before the hang.
    QVERIFY2(clock.elapsed() >= 2 * interval, qPrintable(QString::number(clock.elapsed())));
    QVERIFY(!m_link->isResponding());
    QVERIFY(m_link->isConnected());
    QVERIFY(m_link->lastLineAgeMs().value_or(0) >= 3 * interval);
    QTest::qWait(3 * interval); // more PINGs, no more log lines
    QCOMPARE(silentLog.count(), 1);
    QCOMPARE(state.size(), 1);
    QCOMPARE(state.first().first().value<State>(), State::Silent);

    QSignalSpy ready(m_link.get(), &PanelLink::ready);
    reboot ? m_emulator->reboot() : m_emulator->resume();
    QTRY_COMPARE(m_link->state(), State::Connected);
    QVERIFY(ready.size() >= 1);
    QCOMPARE(state.size(), 2);
    QCOMPARE(answersLog.count(), 1);
    // The PINGs sent during the silence, read now: about five.
    QTRY_VERIFY2(pings() >= pingsBefore + 4, qPrintable(QString::number(pings() - pingsBefore)));
    QCOMPARE(silentLog.count(), 1);
}

// The seed's firmware never answers PING: never silent, however quiet, and
// its presses still count.
void tst_PanelHeartbeat::legacyNeverSilent()
{
    const int interval = 100;
    QVERIFY(useEmulator(Generation::Legacy, interval));
    const MessageCounter silentLog(QStringLiteral("is silent"));
    QSignalSpy pressed(m_link.get(), &PanelLink::pressed);
    m_link->start();
    QSignalSpy state(m_link.get(), &PanelLink::stateChanged);
    const QList<int> ids = { 3, 5, 7 };
    for (int id : ids) {
        m_emulator->press(id);
        QTRY_COMPARE(pressed.size(), ids.indexOf(id) + 1);
        // PINGs as the clock: four quiet intervals each, over three for silence.
        const int before = pings();
        QTRY_VERIFY_WITH_TIMEOUT(pings() >= before + 4, 20 * interval);
        QCOMPARE(m_link->state(), State::Connected);
    }
    QCOMPARE(pressed.last().first().toInt(), 7);
    QVERIFY(state.isEmpty());
    QCOMPARE(silentLog.count(), 0);
}

// Interval 0: no PING, no silence; turning it off ends a silence.
void tst_PanelHeartbeat::pingOff()
{
    const int interval = 50;
    QVERIFY(useEmulator(Generation::Current, interval));
    m_link->setPingInterval(0);
    QCOMPARE(m_link->pingInterval(), 0);
    m_link->start();
    QTest::qWait(10 * interval);
    QCOMPARE(pings(), 0);

    m_link->setPingInterval(interval);
    QTRY_VERIFY(pings() >= 1);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("is silent")));
    m_emulator->hang();
    QTRY_COMPARE(m_link->state(), State::Silent);
    QSignalSpy ready(m_link.get(), &PanelLink::ready);
    m_link->setPingInterval(0);
    QCOMPARE(m_link->state(), State::Connected);
    m_emulator->resume();
    QTest::qWait(2 * interval); // what was sent before, read
    const int before = pings();
    QTest::qWait(10 * interval);
    QCOMPARE(pings(), before);
}

// A PONG counts for the port it came on: another device (here 2.2 firmware)
// starts afresh and is never called silent.
void tst_PanelHeartbeat::closingForgetsAnswers()
{
    const int interval = 100;
    QVERIFY(useEmulator(Generation::Current, interval));
    const MessageCounter silentLog(QStringLiteral("is silent"));
    m_link->start();
    QTRY_VERIFY(pings() >= 2); // answered
    QSignalSpy state(m_link.get(), &PanelLink::stateChanged);
    FirmwareEmulator legacy(Generation::Legacy);
    QVERIFY(legacy.open());
    m_link->reconfigure(legacy.slavePath(), 115200);
    QTRY_VERIFY_WITH_TIMEOUT(legacy.receivedCount("PING") >= 5, 20 * interval);
    QCOMPARE(m_link->state(), State::Connected);
    QCOMPARE(state.size(), 2);
    QCOMPARE(state.at(0).first().value<State>(), State::Disconnected);
    QCOMPARE(state.at(1).first().value<State>(), State::Connected);
    QCOMPARE(silentLog.count(), 0);
}

// lastLineAgeMs(): none before the first line, grows, restarts, gone when closed.
void tst_PanelHeartbeat::lastLineAge()
{
    QVERIFY(useEmulator(Generation::Legacy, 0)); // says nothing unasked
    QSignalSpy state(m_link.get(), &PanelLink::stateChanged);
    QCOMPARE(m_link->state(), State::Disconnected);
    QVERIFY(!m_link->lastLineAgeMs());
    m_link->start();
    QCOMPARE(m_link->state(), State::Connected);
    QVERIFY(!m_link->lastLineAgeMs());

    m_emulator->press(1);
    QTRY_VERIFY(m_link->lastLineAgeMs().has_value());
    QVERIFY(*m_link->lastLineAgeMs() < 1000);
    QTRY_VERIFY(*m_link->lastLineAgeMs() >= 300);
    m_emulator->press(2);
    QTRY_VERIFY(*m_link->lastLineAgeMs() < 300);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^panel lost on ")));
    m_emulator->pty().close();
    QTRY_COMPARE_WITH_TIMEOUT(m_link->state(), State::Disconnected, 5000);
    QVERIFY(!m_link->lastLineAgeMs());
    QVERIFY(!m_link->isResponding());
    QCOMPARE(state.size(), 2);
    QCOMPARE(state.at(0).first().value<State>(), State::Connected);
    QCOMPARE(state.at(1).first().value<State>(), State::Disconnected);
}

QTEST_GUILESS_MAIN(tst_PanelHeartbeat)
#include "tst_panelheartbeat.moc"
