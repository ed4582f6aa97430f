#include "panel/panellink.h"

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

} // namespace

// PanelLink in this process on a pseudo-terminal standing in for the panel
// (docs/serial-protocol.md): flow control on the link, outages, what it logs.
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

private:
    std::unique_ptr<PtyPair> m_pty;
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
}

void tst_PanelLink::backPressureKeepsNewestLed_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("clearLast"); // the newest state is "all off" rather than an ID

    // A pty takes about 20 KiB before its writer sees EAGAIN: 10,000 LED
    // commands are five times that.
    QTest::newRow("10000 presses, LEDSET last") << 10000 << false;
    QTest::newRow("10000 presses, LEDCLR last") << 10000 << true;
}

// A panel that sends presses fast and reads slowly: the link must keep
// reading every press and must not take the full output for an unplug.
void tst_PanelLink::backPressureKeepsNewestLed()
{
    QFETCH(int, count);
    QFETCH(bool, clearLast);
    QTest::failOnWarning(QRegularExpression(QStringLiteral("panel lost")));
    QSignalSpy connection(m_link.get(), &PanelLink::connectedChanged);
    QList<int> seen;
    connect(m_link.get(), &PanelLink::pressed, m_link.get(), [&](int id) {
        seen.append(id);
        m_link->setLed(id);
    });

    m_pty->setReading(false);
    QVERIFY2(m_pty->feed(presses(count, 999)), qPrintable(m_pty->errorString()));
    QTRY_COMPARE(seen.size(), count);
    QCOMPARE(seen.last(), 999);
    if (clearLast)
        m_link->clearLeds();
    const QByteArray newest = clearLast ? QByteArray("LEDCLR") : QByteArray("LEDSET 999");

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

QTEST_GUILESS_MAIN(tst_PanelLink)
#include "tst_panellink.moc"
