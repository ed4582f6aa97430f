#include "system/configreloader.h"

#include "messagecounter.h"

#include <QDateTime>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

// A reload (SIGHUP) on a config file that changed since start: what is
// handed on live, what is only named as needing a restart, and that an
// invalid file changes nothing.
class tst_ConfigReloader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reload_data();
    void reload();
    void restartOnlyIsNamedOnce();
    void playbackRulesApplyLive_data();
    void playbackRulesApplyLive();
    void scheduleAndVolumeApplyLive_data();
    void scheduleAndVolumeApplyLive();

private:
    static bool writeFile(const QString &path, const QByteArray &content);
};

// An edit as an operator makes it: later than the last one. QSettings keeps
// a file it has read and reads it again only when its size or time changed;
// two writes within a millisecond can have neither.
bool tst_ConfigReloader::writeFile(const QString &path, const QByteArray &content)
{
    static QDateTime stamp = QDateTime::currentDateTimeUtc();
    stamp = stamp.addSecs(1);
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(content) == content.size()
            && file.flush() && file.setFileTime(stamp, QFileDevice::FileModificationTime);
}

void tst_ConfigReloader::reload_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QString>("serialPort"); // handed on; empty: nothing
    QTest::addColumn<int>("baud");
    QTest::addColumn<QStringList>("restartOnly"); // keys named as needing a restart
    QTest::addColumn<bool>("valid");

    const QByteArray port = "serial_port = /dev/ttyACM0\n";
    QTest::newRow("unchanged") << port << port << QString() << 0 << QStringList() << true;
    QTest::newRow("comment added") << port << port + "# a note\n" << QString() << 0 << QStringList() << true;
    QTest::newRow("serial port") << port << QByteArray("serial_port = /dev/ttyUSB0\n") << "/dev/ttyUSB0" << 115200
                                 << QStringList() << true;
    QTest::newRow("baud") << port << port + "baud = 9600\n" << "/dev/ttyACM0" << 9600 << QStringList() << true;
    QTest::newRow("to none") << port << QByteArray("serial_port = none\n") << "none" << 115200 << QStringList() << true;
    QTest::newRow("key removed: back to auto") << port << QByteArray() << "auto" << 115200 << QStringList() << true;
    QTest::newRow("http_port") << port << port + "http_port = 9000\n" << QString() << 0 << QStringList { "http_port" }
                               << true;
    QTest::newRow("http_host") << port << port + "http_host = 127.0.0.1\n" << QString() << 0
                               << QStringList { "http_host" } << true;
    QTest::newRow("media_dir") << port << port + "media_dir = /srv/media\n" << QString() << 0
                               << QStringList { "media_dir" } << true;
    QTest::newRow("first_id") << port << port + "first_id = 1\n" << QString() << 0 << QStringList { "first_id" } << true;
    // A preset mode implies its count: one line, for the key the file sets.
    QTest::newRow("mode") << port << port + "mode = production\n" << QString() << 0 << QStringList { "mode" } << true;
    QTest::newRow("media_count") << port << port + "media_count = 37\n" << QString() << 0
                                 << QStringList { "media_count" } << true;
    QTest::newRow("stats_db") << port << port + "stats_db = none\n" << QString() << 0 << QStringList { "stats_db" }
                              << true;
    QTest::newRow("serial port and http_port")
            << port << QByteArray("serial_port = /dev/ttyUSB0\nhttp_port = 9000\n") << "/dev/ttyUSB0" << 115200
            << QStringList { "http_port" } << true;

    QTest::newRow("bad value") << port << QByteArray("serial_port = /dev/ttyUSB0\nbaud = fast\n") << QString() << 0
                               << QStringList() << false;
    QTest::newRow("line without =") << port << QByteArray("serial_port /dev/ttyUSB0\n") << QString() << 0
                                    << QStringList() << false;
    QTest::newRow("unknown key") << port << port + "colour = blue\n" << QString() << 0 << QStringList() << false;
}

void tst_ConfigReloader::reload()
{
    QFETCH(QByteArray, before);
    QFETCH(QByteArray, after);
    QFETCH(QString, serialPort);
    QFETCH(int, baud);
    QFETCH(QStringList, restartOnly);
    QFETCH(bool, valid);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("panel.conf"));
    QVERIFY(writeFile(file, before));
    const QStringList arguments = { QStringLiteral("selection-panel"), QStringLiteral("--config"), file };
    const GatewayConfig::Defaults defaults { QStringLiteral("media"), dir.filePath(QStringLiteral("absent.conf")) };
    const GatewayConfig::Result started = GatewayConfig::parse(arguments, defaults);
    QVERIFY2(started.outcome == GatewayConfig::Outcome::Run, qPrintable(started.message));

    ConfigReloader reloader(arguments, defaults, started.config);
    QSignalSpy serialChanged(&reloader, &ConfigReloader::serialPortChanged);
    QVERIFY(writeFile(file, after));
    {
        const MessageCounter restartLines(QStringLiteral("restart"));
        const MessageCounter refusals(QStringLiteral("not reloaded"));
        reloader.reload();
        QCOMPARE(restartLines.count(), int(restartOnly.size()));
        QCOMPARE(refusals.count(), valid ? 0 : 1);
    }

    if (serialPort.isEmpty()) {
        QVERIFY(serialChanged.isEmpty());
        QCOMPARE(reloader.running().serialPort, started.config.serialPort);
    } else {
        QCOMPARE(serialChanged.size(), 1);
        QCOMPARE(serialChanged.first().at(0).toString(), serialPort);
        QCOMPARE(serialChanged.first().at(1).toInt(), baud);
        QCOMPARE(reloader.running().serialPort, serialPort);
        QCOMPARE(reloader.running().baudRate, baud);
    }
    // Nothing that needs a restart is taken over.
    QCOMPARE(reloader.running().httpPort, started.config.httpPort);
    QCOMPARE(reloader.running().httpHost, started.config.httpHost);
    QCOMPARE(reloader.running().mediaDir, started.config.mediaDir);
    QCOMPARE(reloader.running().mode, started.config.mode);
    QCOMPARE(reloader.running().mediaCount, started.config.mediaCount);
    QCOMPARE(reloader.running().firstId, started.config.firstId);
    QCOMPARE(reloader.running().statsDb, started.config.statsDb);
}

// Sent SIGHUP again with the same file, the gateway does not repeat itself;
// a new value, or a change back and forth, is named again.
void tst_ConfigReloader::restartOnlyIsNamedOnce()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("panel.conf"));
    QVERIFY(writeFile(file, ""));
    const QStringList arguments = { QStringLiteral("selection-panel"), QStringLiteral("--config"), file };
    const GatewayConfig::Defaults defaults { QStringLiteral("media"), dir.filePath(QStringLiteral("absent.conf")) };
    ConfigReloader reloader(arguments, defaults, GatewayConfig::parse(arguments, defaults).config);

    const MessageCounter named(QStringLiteral("http_port"));
    QVERIFY(writeFile(file, "http_port = 9000\n"));
    reloader.reload();
    reloader.reload();
    QCOMPARE(named.count(), 1);
    QVERIFY(writeFile(file, "http_port = 9001\n"));
    reloader.reload();
    QCOMPARE(named.count(), 2);
    QVERIFY(writeFile(file, ""));
    reloader.reload(); // back to what runs: nothing to name
    QVERIFY(writeFile(file, "http_port = 9001\n"));
    reloader.reload();
    QCOMPARE(named.count(), 3);
}

void tst_ConfigReloader::playbackRulesApplyLive_data()
{
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<int>("pingMs");     // handed on; -1: nothing
    QTest::addColumn<bool>("policy");    // a new press policy handed on

    QTest::newRow("unchanged") << QByteArray("press_policy = preempt\nping_interval_s = 5\n") << -1 << false;
    QTest::newRow("ping interval") << QByteArray("ping_interval_s = 2\n") << 2000 << false;
    QTest::newRow("heartbeat off") << QByteArray("ping_interval_s = 0\n") << 0 << false;
    QTest::newRow("press policy") << QByteArray("press_policy = toggle\n") << -1 << true;
    QTest::newRow("cool-down") << QByteArray("press_cooldown_ms = 500\n") << -1 << true;
    QTest::newRow("stuck presses") << QByteArray("stuck_presses = 0\n") << -1 << true;
    QTest::newRow("end grace") << QByteArray("end_grace_ms = 100\n") << -1 << true;
    QTest::newRow("max play") << QByteArray("max_play_s = 60\n") << -1 << true;
    QTest::newRow("attract after") << QByteArray("attract_after_s = 60\n") << -1 << true;
    QTest::newRow("attract step") << QByteArray("attract_step_ms = 100\n") << -1 << true;
    QTest::newRow("both") << QByteArray("ping_interval_s = 1\npress_policy = ignore\n") << 1000 << true;
    QTest::newRow("bad value: nothing") << QByteArray("press_policy = sometimes\n") << -1 << false;
}

// The heartbeat and the press policy apply at once; nothing waits for a restart.
void tst_ConfigReloader::playbackRulesApplyLive()
{
    QFETCH(QByteArray, after);
    QFETCH(int, pingMs);
    QFETCH(bool, policy);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("panel.conf"));
    QVERIFY(writeFile(file, ""));
    const QStringList arguments = { QStringLiteral("selection-panel"), QStringLiteral("--config"), file };
    const GatewayConfig::Defaults defaults { QStringLiteral("media"), dir.filePath(QStringLiteral("absent.conf")) };
    ConfigReloader reloader(arguments, defaults, GatewayConfig::parse(arguments, defaults).config);
    QSignalSpy pingChanged(&reloader, &ConfigReloader::pingIntervalChanged);
    QSignalSpy policyChanged(&reloader, &ConfigReloader::pressPolicyChanged);
    const MessageCounter restartLines(QStringLiteral("restart"));

    QVERIFY(writeFile(file, after));
    reloader.reload();
    QCOMPARE(pingChanged.size(), pingMs < 0 ? 0 : 1);
    if (pingMs >= 0)
        QCOMPARE(pingChanged.first().first().toInt(), pingMs);
    QCOMPARE(policyChanged.size(), policy ? 1 : 0);
    QCOMPARE(restartLines.count(), 0);
    const GatewayConfig expected = GatewayConfig::parse(arguments, defaults).config;
    if (policy)
        QVERIFY(reloader.running().pressPolicy == expected.pressPolicy);
    // A second reload of the same file hands nothing on again.
    reloader.reload();
    QCOMPARE(pingChanged.size(), pingMs < 0 ? 0 : 1);
    QCOMPARE(policyChanged.size(), policy ? 1 : 0);
}

void tst_ConfigReloader::scheduleAndVolumeApplyLive_data()
{
    QTest::addColumn<QByteArray>("after");
    QTest::addColumn<QStringList>("hours"); // opening_hours and closed_dates handed on; empty: nothing
    QTest::addColumn<int>("volume");        // handed on; -1: nothing

    const QByteArray before = "opening_hours = Mon-Fri 09:00-18:00\nvolume = 80\n";
    QTest::newRow("unchanged") << before << QStringList() << -1;
    QTest::newRow("hours") << QByteArray("opening_hours = Mon-Sat 09:00-18:00\nvolume = 80\n")
                           << QStringList { "Mon-Sat 09:00-18:00", "" } << -1;
    QTest::newRow("closed dates") << before + "closed_dates = 2026-12-24, 2026-12-25\n"
                                  << QStringList { "Mon-Fri 09:00-18:00", "2026-12-24, 2026-12-25" } << -1;
    QTest::newRow("hours removed: always open") << QByteArray("volume = 80\n") << QStringList { "", "" } << -1;
    QTest::newRow("volume") << QByteArray("opening_hours = Mon-Fri 09:00-18:00\nvolume = 30\n") << QStringList() << 30;
    QTest::newRow("volume removed: 100") << QByteArray("opening_hours = Mon-Fri 09:00-18:00\n") << QStringList() << 100;
    QTest::newRow("bad hours: nothing") << QByteArray("opening_hours = Mon-Fri 9-18\nvolume = 30\n") << QStringList()
                                        << -1;
    QTest::newRow("bad volume: nothing") << QByteArray("opening_hours = Sun 10:00-11:00\nvolume = 101\n")
                                         << QStringList() << -1;
}

// Opening hours and volume apply at once, like the press policy.
void tst_ConfigReloader::scheduleAndVolumeApplyLive()
{
    QFETCH(QByteArray, after);
    QFETCH(QStringList, hours);
    QFETCH(int, volume);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(QStringLiteral("panel.conf"));
    QVERIFY(writeFile(file, "opening_hours = Mon-Fri 09:00-18:00\nvolume = 80\n"));
    const QStringList arguments = { QStringLiteral("selection-panel"), QStringLiteral("--config"), file };
    const GatewayConfig::Defaults defaults { QStringLiteral("media"), dir.filePath(QStringLiteral("absent.conf")) };
    ConfigReloader reloader(arguments, defaults, GatewayConfig::parse(arguments, defaults).config);
    QSignalSpy hoursChanged(&reloader, &ConfigReloader::openingHoursChanged);
    QSignalSpy volumeChanged(&reloader, &ConfigReloader::volumeChanged);
    const MessageCounter restartLines(QStringLiteral("restart"));

    QVERIFY(writeFile(file, after));
    for (int round = 0; round < 2; ++round) { // a second reload of the same file hands nothing on again
        reloader.reload();
        QCOMPARE(hoursChanged.size(), hours.isEmpty() ? 0 : 1);
        if (!hours.isEmpty())
            QCOMPARE((QStringList { hoursChanged.first().at(0).toString(), hoursChanged.first().at(1).toString() }), hours);
        QCOMPARE(volumeChanged.size(), volume < 0 ? 0 : 1);
        if (volume >= 0)
            QCOMPARE(volumeChanged.first().first().toInt(), volume);
        QCOMPARE(restartLines.count(), 0);
    }
}

QTEST_GUILESS_MAIN(tst_ConfigReloader)
#include "tst_configreloader.moc"
