#include "system/gatewayconfig.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

Q_DECLARE_METATYPE(GatewayConfig::Outcome)

class tst_GatewayConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void valid_data();
    void valid();
    void invalid_data();
    void invalid();
    void httpLimits_data();
    void httpLimits();
    void playbackOptions_data();
    void playbackOptions();
    void scheduleAndVolume_data();
    void scheduleAndVolume();
    void unreadableConfig();
    void packagedConfig();
    void helpAndVersion_data();
    void helpAndVersion();
    void programRejects_data();
    void programRejects();
    void programPortTaken();
    void programHelpAndVersion_data();
    void programHelpAndVersion();
    void metricsOption_data();
    void metricsOption();
    void attractOptions_data();
    void attractOptions();
    void statsDbOption_data();
    void statsDbOption();
    void adminPasswordFile_data();
    void adminPasswordFile();
    void captionsAndLanguages_data();
    void captionsAndLanguages();
    void captionsAndLanguagesInvalid_data();
    void captionsAndLanguagesInvalid();
    void listenerOptions_data();
    void listenerOptions();

private:
    // Writes the INI files of a row; "@config" in the arguments becomes the given file.
    QStringList prepare(QStringList arguments, const QByteArray &file, const QByteArray &defaultFile);
    GatewayConfig::Defaults defaults() const;
    QString givenPath() const { return m_dir->filePath(QStringLiteral("given.conf")); }
    QString defaultPath() const { return m_dir->filePath(QStringLiteral("default.conf")); }
    static void writeFile(const QString &path, const QByteArray &content);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_GatewayConfig::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_GatewayConfig::writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
}

QStringList tst_GatewayConfig::prepare(QStringList arguments, const QByteArray &file, const QByteArray &defaultFile)
{
    if (!file.isNull())
        writeFile(givenPath(), file);
    if (!defaultFile.isNull())
        writeFile(defaultPath(), defaultFile);
    arguments.replaceInStrings(QStringLiteral("@config"), givenPath());
    arguments.prepend(QStringLiteral("selection-panel"));
    return arguments;
}

GatewayConfig::Defaults tst_GatewayConfig::defaults() const
{
    return { QStringLiteral("default-media"), defaultPath() };
}

void tst_GatewayConfig::valid_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");        // given with --config @config; null: none written
    QTest::addColumn<QByteArray>("defaultFile"); // the default config; null: absent
    QTest::addColumn<QString>("serialPort");
    QTest::addColumn<int>("baud");
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<QString>("mediaDir");
    QTest::addColumn<QString>("mode");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("firstId");
    QTest::addColumn<QString>("configRead"); // "", "given" or "default"

    const QByteArray none;
    const QString a = QStringLiteral("auto");
    const QString any = QStringLiteral("0.0.0.0");
    const QString dm = QStringLiteral("default-media");
    const QString proto = QStringLiteral("prototype");
    const QString prod = QStringLiteral("production");
    const QString custom = QStringLiteral("custom");
    const QByteArray allUnderscore = "serial_port=none\nbaud=57600\nhttp_host=127.0.0.1\nhttp_port=9100\n"
                                     "media_dir=from-file\nmode=production\nfirst_id=1\n";
    const QByteArray allDash = "serial-port=none\nbaud=57600\nhttp-host=127.0.0.1\nhttp-port=9100\n"
                               "media-dir=from-file\nmedia-count=37\nfirst-id=1\n";

    QTest::newRow("defaults") << QStringList{} << none << none << a << 115200 << any << 8080 << dm << proto << 10 << 0
                              << QString();
    QTest::newRow("every option")
            << QStringList{ "--serial-port", "/dev/ttyACM0", "--baud", "9600", "--http-host", "127.0.0.1", "--http-port",
                            "9000", "--media-dir", "some/media", "--mode", "production", "--first-id", "1" }
            << none << none << "/dev/ttyACM0" << 9600 << "127.0.0.1" << 9000 << "some/media" << prod << 100 << 1
            << QString();
    QTest::newRow("--name=value") << QStringList{ "--http-port=9001", "--serial-port=none", "--media-count=20" } << none
                                  << none << "none" << 115200 << any << 9001 << dm << custom << 20 << 0 << QString();
    QTest::newRow("serial none") << QStringList{ "--serial-port", "none" } << none << none << "none" << 115200 << any
                                 << 8080 << dm << proto << 10 << 0 << QString();
    QTest::newRow("host localhost") << QStringList{ "--http-host", "localhost" } << none << none << a << 115200
                                    << "127.0.0.1" << 8080 << dm << proto << 10 << 0 << QString();
    QTest::newRow("host ::1") << QStringList{ "--http-host", "::1" } << none << none << a << 115200 << "::1" << 8080 << dm
                              << proto << 10 << 0 << QString();
    QTest::newRow("port 0: any free") << QStringList{ "--http-port", "0" } << none << none << a << 115200 << any << 0
                                      << dm << proto << 10 << 0 << QString();
    QTest::newRow("port 65535") << QStringList{ "--http-port", "65535" } << none << none << a << 115200 << any << 65535
                                << dm << proto << 10 << 0 << QString();
    QTest::newRow("mode production") << QStringList{ "--mode", "production" } << none << none << a << 115200 << any
                                     << 8080 << dm << prod << 100 << 0 << QString();
    QTest::newRow("mode prototype") << QStringList{ "--mode", "prototype" } << none << none << a << 115200 << any << 8080
                                    << dm << proto << 10 << 0 << QString();
    QTest::newRow("media-count 37") << QStringList{ "--media-count", "37" } << none << none << a << 115200 << any << 8080
                                    << dm << custom << 37 << 0 << QString();
    QTest::newRow("media-count 10 is prototype") << QStringList{ "--media-count", "10" } << none << none << a << 115200
                                                 << any << 8080 << dm << proto << 10 << 0 << QString();
    QTest::newRow("production, then count") << QStringList{ "--mode", "production", "--media-count", "37" } << none
                                            << none << a << 115200 << any << 8080 << dm << custom << 37 << 0 << QString();
    QTest::newRow("count, then production") << QStringList{ "--media-count", "37", "--mode", "production" } << none
                                            << none << a << 115200 << any << 8080 << dm << custom << 37 << 0 << QString();
    QTest::newRow("media-count 1") << QStringList{ "--media-count", "1" } << none << none << a << 115200 << any << 8080
                                   << dm << custom << 1 << 0 << QString();
    QTest::newRow("IDs 0 to 998") << QStringList{ "--media-count", "999" } << none << none << a << 115200 << any << 8080
                                  << dm << custom << 999 << 0 << QString();
    QTest::newRow("IDs 1 to 999") << QStringList{ "--first-id", "1", "--media-count", "999" } << none << none << a
                                  << 115200 << any << 8080 << dm << custom << 999 << 1 << QString();
    QTest::newRow("baud 4000000") << QStringList{ "--baud", "4000000" } << none << none << a << 4000000 << any << 8080
                                  << dm << proto << 10 << 0 << QString();

    QTest::newRow("file, _ keys") << QStringList{ "--config", "@config" } << allUnderscore << none << "none" << 57600
                                  << "127.0.0.1" << 9100 << "from-file" << prod << 100 << 1 << "given";
    QTest::newRow("file, - keys") << QStringList{ "--config", "@config" } << allDash << none << "none" << 57600
                                  << "127.0.0.1" << 9100 << "from-file" << custom << 37 << 1 << "given";
    QTest::newRow("file, [General], comments, blanks")
            << QStringList{ "--config", "@config" } << QByteArray("; museum\n# hall 2\n[General]\nhttp_port = 9100\n")
            << none << a << 115200 << any << 9100 << dm << proto << 10 << 0 << "given";
    QTest::newRow("file, empty") << QStringList{ "--config", "@config" } << QByteArray("") << none << a << 115200 << any
                                 << 8080 << dm << proto << 10 << 0 << "given";
    // '#' starts a comment as ';' does, also one that holds a '='.
    QTest::newRow("file, # and ; comments with =")
            << QStringList{ "--config", "@config" } << QByteArray("# http_port = 9000\n;http_port=9001\nbaud=9600\n")
            << none << a << 9600 << any << 8080 << dm << proto << 10 << 0 << "given";
    QTest::newRow("file, indented comments, CRLF, BOM")
            << QStringList{ "--config", "@config" } << QByteArray("\xef\xbb\xbf  # note\r\n\t; note\r\n\r\nbaud = 9600\r\n")
            << none << a << 9600 << any << 8080 << dm << proto << 10 << 0 << "given";
    QTest::newRow("file, comment after a value") << QStringList{ "--config", "@config" }
                                                 << QByteArray("baud = 9600 ; the firmware's speed\n") << none << a << 9600
                                                 << any << 8080 << dm << proto << 10 << 0 << "given";
    QTest::newRow("command line over file")
            << QStringList{ "--config", "@config", "--http-port", "9200", "--serial-port", "/dev/ttyUSB0" } << allUnderscore
            << none << "/dev/ttyUSB0" << 57600 << "127.0.0.1" << 9200 << "from-file" << prod << 100 << 1 << "given";
    QTest::newRow("command line count over file mode")
            << QStringList{ "--config", "@config", "--media-count", "37" } << QByteArray("mode=production\n") << none << a
            << 115200 << any << 8080 << dm << custom << 37 << 0 << "given";
    QTest::newRow("command line mode over file count")
            << QStringList{ "--config", "@config", "--mode", "production" } << QByteArray("media_count=37\n") << none << a
            << 115200 << any << 8080 << dm << prod << 100 << 0 << "given";
    QTest::newRow("file count alone") << QStringList{ "--config", "@config" } << QByteArray("media_count=37\n") << none
                                      << a << 115200 << any << 8080 << dm << custom << 37 << 0 << "given";
    QTest::newRow("default file read when present")
            << QStringList{} << none << QByteArray("http_port=9300\nfirst_id=1\n") << a << 115200 << any << 9300 << dm
            << proto << 10 << 1 << "default";
    QTest::newRow("command line over default file")
            << QStringList{ "--http-port", "9400" } << none << QByteArray("http_port=9300\nbaud=9600\n") << a << 9600
            << any << 9400 << dm << proto << 10 << 0 << "default";
    QTest::newRow("--config replaces the default file")
            << QStringList{ "--config", "@config" } << QByteArray("baud=9600\n") << QByteArray("http_port=9300\n") << a
            << 9600 << any << 8080 << dm << proto << 10 << 0 << "given";
}

void tst_GatewayConfig::valid()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(QByteArray, defaultFile);
    QFETCH(QString, serialPort);
    QFETCH(int, baud);
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(QString, mediaDir);
    QFETCH(QString, mode);
    QFETCH(int, count);
    QFETCH(int, firstId);
    QFETCH(QString, configRead);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, defaultFile), defaults());
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    const GatewayConfig &config = result.config;
    QCOMPARE(config.serialPort, serialPort);
    QCOMPARE(config.baudRate, baud);
    QCOMPARE(config.httpHost.toString(), host);
    QCOMPARE(int(config.httpPort), port);
    QCOMPARE(config.mediaDir, mediaDir);
    QCOMPARE(config.mode, mode);
    QCOMPARE(config.mediaCount, count);
    QCOMPARE(config.firstId, firstId);
    const QString expectedFile = configRead.isEmpty() ? QString()
            : configRead == QLatin1String("given")    ? givenPath()
                                                      : defaultPath();
    QCOMPARE(config.configFile, expectedFile);
}

void tst_GatewayConfig::invalid_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QByteArray>("defaultFile");
    QTest::addColumn<QStringList>("mentions"); // what the message must name

    const QByteArray none;
    const auto row = [&](const char *name, const QStringList &arguments, const QStringList &mentions) {
        QTest::newRow(name) << arguments << none << none << mentions;
    };

    row("unknown option", { "--frobnicate" }, { "frobnicate" });
    row("unknown option with value", { "--speed=9600" }, { "speed" });
    row("positional argument", { "extra" }, { "extra" });
    row("missing value", { "--http-port" }, { "http-port" });
    row("port 70000", { "--http-port", "70000" }, { "--http-port", "70000" });
    row("port 65536", { "--http-port", "65536" }, { "--http-port", "65536" });
    row("port -1", { "--http-port", "-1" }, { "--http-port", "-1" });
    row("port abc", { "--http-port", "abc" }, { "--http-port", "abc" });
    row("port empty", { "--http-port", "" }, { "--http-port" });
    row("port 80.5", { "--http-port", "80.5" }, { "--http-port" });
    row("media-count 0", { "--media-count", "0" }, { "--media-count", "0" });
    row("media-count -5", { "--media-count", "-5" }, { "--media-count" });
    row("media-count 1000", { "--media-count", "1000" }, { "--media-count", "1000" });
    row("media-count abc", { "--media-count", "abc" }, { "--media-count" });
    row("first_id + count over 999", { "--first-id", "1", "--media-count", "1000" }, { "--media-count" });
    row("first-id 2", { "--first-id", "2" }, { "--first-id", "2" });
    row("first-id -1", { "--first-id", "-1" }, { "--first-id" });
    row("first-id x", { "--first-id", "x" }, { "--first-id" });
    row("mode fast", { "--mode", "fast" }, { "--mode", "fast" });
    row("mode PRODUCTION", { "--mode", "PRODUCTION" }, { "--mode" });
    row("mode empty", { "--mode", "" }, { "--mode" });
    row("baud 0", { "--baud", "0" }, { "--baud", "0" });
    row("baud abc", { "--baud", "abc" }, { "--baud" });
    row("baud -115200", { "--baud", "-115200" }, { "--baud" });
    row("host nowhere", { "--http-host", "nowhere" }, { "--http-host", "nowhere" });
    row("host 300.1.1.1", { "--http-host", "300.1.1.1" }, { "--http-host" });
    row("host empty", { "--http-host", "" }, { "--http-host" });
    row("serial-port empty", { "--serial-port", "" }, { "--serial-port" });
    row("media-dir empty", { "--media-dir", "" }, { "--media-dir" });
    row("config missing", { "--config", "no-such-dir/panel.conf" }, { "--config", "no-such-dir/panel.conf" });
    row("config is a folder", { "--config", "." }, { "--config" });
    row("max-connections 31", { "--max-connections", "31" }, { "--max-connections", "31" });
    row("max-connections 100001", { "--max-connections", "100001" }, { "--max-connections" });
    row("max-connections abc", { "--max-connections", "abc" }, { "--max-connections" });
    row("http-timeout-s 0", { "--http-timeout-s", "0" }, { "--http-timeout-s", "0" });
    row("ping-interval-s -1", { "--ping-interval-s", "-1" }, { "--ping-interval-s", "-1" });
    row("ping-interval-s 3601", { "--ping-interval-s", "3601" }, { "--ping-interval-s" });
    row("ping-interval-s 0.5", { "--ping-interval-s", "0.5" }, { "--ping-interval-s" });
    row("end-grace-ms -1", { "--end-grace-ms", "-1" }, { "--end-grace-ms" });
    row("end-grace-ms abc", { "--end-grace-ms", "abc" }, { "--end-grace-ms", "abc" });
    row("max-play-s 0", { "--max-play-s", "0" }, { "--max-play-s", "0" });
    row("max-play-s 86401", { "--max-play-s", "86401" }, { "--max-play-s" });
    row("press-policy restart", { "--press-policy", "restart" }, { "--press-policy", "restart" });
    row("press-policy Toggle", { "--press-policy", "Toggle" }, { "--press-policy" });
    row("press-policy empty", { "--press-policy", "" }, { "--press-policy" });
    row("press-cooldown-ms -5", { "--press-cooldown-ms", "-5" }, { "--press-cooldown-ms" });
    row("press-cooldown-ms 600001", { "--press-cooldown-ms", "600001" }, { "--press-cooldown-ms" });
    row("stuck-presses -1", { "--stuck-presses", "-1" }, { "--stuck-presses" });
    row("stuck-presses 1001", { "--stuck-presses", "1001" }, { "--stuck-presses" });
    row("opening-hours, unknown day", { "--opening-hours", "Mon-Fry 09:00-18:00" }, { "--opening-hours", "'Fry'" });
    row("opening-hours, no times", { "--opening-hours", "Mon-Fri" }, { "--opening-hours", "no times" });
    row("opening-hours, backwards", { "--opening-hours", "Mon 18:00-09:00" }, { "--opening-hours", "'18:00-09:00'" });
    row("opening-hours, 25:00", { "--opening-hours", "Mon 09:00-25:00" }, { "--opening-hours", "'09:00-25:00'" });
    row("closed-dates, German", { "--closed-dates", "24.12.2026" }, { "--closed-dates", "'24.12.2026'" });
    row("closed-dates, 30 February", { "--closed-dates", "2026-12-24, 2026-02-30" }, { "--closed-dates", "'2026-02-30'" });
    row("volume 101", { "--volume", "101" }, { "--volume", "101" });
    row("volume -1", { "--volume", "-1" }, { "--volume" });
    row("volume loud", { "--volume", "loud" }, { "--volume", "loud" });
    row("volume 50%", { "--volume", "50%" }, { "--volume" });
    QTest::newRow("file, bad opening_hours after ';'")
            << QStringList{ "--config", "@config" } << QByteArray("opening_hours = Mon-Fri 09:00-18:00; Sa 10-17\n")
            << none << QStringList{ "--opening-hours", "'10-17'", "given.conf" };
    QTest::newRow("file, bad closed_dates") << QStringList{ "--config", "@config" }
                                            << QByteArray("closed_dates = 2026-12-24, christmas\n") << none
                                            << QStringList{ "--closed-dates", "'christmas'", "given.conf" };
    QTest::newRow("file, bad volume") << QStringList{ "--config", "@config" } << QByteArray("volume = 200\n") << none
                                      << QStringList{ "--volume", "200", "given.conf" };
    QTest::newRow("file, bad press_policy") << QStringList{ "--config", "@config" } << QByteArray("press_policy=maybe\n")
                                            << none << QStringList{ "--press-policy", "maybe" };
    QTest::newRow("file, bad ping_interval_s") << QStringList{ "--config", "@config" }
                                               << QByteArray("ping_interval_s=often\n") << none
                                               << QStringList{ "--ping-interval-s", "often" };
    row("http-timeout-s 3601", { "--http-timeout-s", "3601" }, { "--http-timeout-s" });
    // Later options must not hide an earlier bad one.
    row("bad, then good", { "--http-port", "70000", "--baud", "9600" }, { "--http-port" });
    // Still one line, whatever the value holds.
    row("value with a newline", { "--mode", "fast\nnext line" }, { "--mode", "fast\\nnext line" });
    row("value with an escape", { "--http-host", "a\x1b[31m" }, { "--http-host", "a\\x1b[31m" });
    row("unknown option with a newline", { "--bad\nname" }, { "bad\\nname" });

    QTest::newRow("file, unknown key") << QStringList{ "--config", "@config" } << QByteArray("colour=blue\n") << none
                                       << QStringList{ "--config", "colour" };
    QTest::newRow("file, key in a section") << QStringList{ "--config", "@config" } << QByteArray("[serial]\nport=x\n")
                                            << none << QStringList{ "--config", "serial/port" };
    QTest::newRow("file, config key") << QStringList{ "--config", "@config" } << QByteArray("config=other.conf\n") << none
                                      << QStringList{ "--config", "config" };
    QTest::newRow("file, not INI") << QStringList{ "--config", "@config" } << QByteArray("http_port=9000\n[[[\n") << none
                                   << QStringList{ "--config" };
    // A line that is neither a setting nor a comment nor a section: an error
    // naming the file and the line, never silently skipped.
    QTest::newRow("file, line without =") << QStringList{ "--config", "@config" }
                                          << QByteArray("http_port=9000\nserial_port /dev/ttyACM0\n") << none
                                          << QStringList{ "--config", "given.conf", "line 2" };
    QTest::newRow("file, a word alone") << QStringList{ "--config", "@config" } << QByteArray("production\n") << none
                                        << QStringList{ "--config", "given.conf", "line 1" };
    QTest::newRow("file, after comments and a section")
            << QStringList{ "--config", "@config" } << QByteArray("; c\n# c\n\n[General]\nbaud\n") << none
            << QStringList{ "--config", "given.conf", "line 5" };
    QTest::newRow("file, CRLF line without =") << QStringList{ "--config", "@config" }
                                               << QByteArray("baud=9600\r\n\r\nhttp_port:9000\r\n") << none
                                               << QStringList{ "--config", "given.conf", "line 3" };
    QTest::newRow("file, line without = under a good option")
            << QStringList{ "--config", "@config", "--baud", "9600" } << QByteArray("baud 9600\n") << none
            << QStringList{ "--config", "line 1" };
    QTest::newRow("default file, line without =") << QStringList{} << none << QByteArray("mode production\n")
                                                  << QStringList{ "--config", "default.conf", "line 1" };
    QTest::newRow("file, bad port") << QStringList{ "--config", "@config" } << QByteArray("http_port=70000\n") << none
                                    << QStringList{ "--http-port", "70000", "given.conf" };
    QTest::newRow("file, bad mode") << QStringList{ "--config", "@config" } << QByteArray("mode=fast\n") << none
                                    << QStringList{ "--mode", "fast", "given.conf" };
    QTest::newRow("file, bad first_id") << QStringList{ "--config", "@config" } << QByteArray("first_id=2\n") << none
                                        << QStringList{ "--first-id", "given.conf" };
    QTest::newRow("file, value with a newline")
            << QStringList{ "--config", "@config" } << QByteArray("mode=\"fast\\nx\"\n") << none
            << QStringList{ "--mode", "fast\\nx", "given.conf" };
    QTest::newRow("file, count 0") << QStringList{ "--config", "@config" } << QByteArray("media-count=0\n") << none
                                   << QStringList{ "--media-count", "given.conf" };
    // A bad file stays an error even when the command line sets the same key.
    QTest::newRow("file, bad port under good option")
            << QStringList{ "--config", "@config", "--http-port", "9000" } << QByteArray("http_port=70000\n") << none
            << QStringList{ "--http-port", "given.conf" };
    QTest::newRow("default file, unknown key") << QStringList{} << none << QByteArray("colour=blue\n")
                                               << QStringList{ "--config", "default.conf", "colour" };
    QTest::newRow("default file, bad value") << QStringList{} << none << QByteArray("baud=0\n")
                                             << QStringList{ "--baud", "default.conf" };
}

void tst_GatewayConfig::invalid()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(QByteArray, defaultFile);
    QFETCH(QStringList, mentions);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, defaultFile), defaults());
    QCOMPARE(result.outcome, GatewayConfig::Outcome::Error);
    QVERIFY(!result.message.isEmpty());
    QVERIFY2(!result.message.contains(QLatin1Char('\n')), qPrintable(result.message));
    for (const QString &mention : mentions)
        QVERIFY2(result.message.contains(mention), qPrintable(result.message));
}

void tst_GatewayConfig::unreadableConfig()
{
    writeFile(givenPath(), "http_port=9000\n");
    QVERIFY(QFile::setPermissions(givenPath(), QFile::WriteOwner));
    {
        QFile probe(givenPath());
        if (probe.open(QIODevice::ReadOnly))
            QSKIP("this user reads files without read permission (root)");
    }
    const GatewayConfig::Result result =
            GatewayConfig::parse({ QStringLiteral("selection-panel"), QStringLiteral("--config"), givenPath() }, defaults());
    QCOMPARE(result.outcome, GatewayConfig::Outcome::Error);
    QVERIFY2(result.message.contains(QLatin1String("--config")), qPrintable(result.message));
}

// The config file the package installs parses, and only restates the defaults.
void tst_GatewayConfig::packagedConfig()
{
    const QString packaged = QStringLiteral(PANEL_SOURCE_MEDIA_DIR "/../packaging/selection-panel.conf");
    QVERIFY(QFile::exists(packaged));
    const GatewayConfig::Result result =
            GatewayConfig::parse({ QStringLiteral("selection-panel"), QStringLiteral("--config"), packaged }, defaults());
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    const GatewayConfig defaultsOnly = GatewayConfig::parse({ QStringLiteral("selection-panel") }, defaults()).config;
    QCOMPARE(result.config.serialPort, defaultsOnly.serialPort);
    QCOMPARE(result.config.baudRate, defaultsOnly.baudRate);
    QCOMPARE(result.config.httpPort, defaultsOnly.httpPort);
    QCOMPARE(result.config.mediaCount, defaultsOnly.mediaCount);
    QCOMPARE(result.config.configFile, packaged);
}

void tst_GatewayConfig::helpAndVersion_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<GatewayConfig::Outcome>("outcome");

    QTest::newRow("--help") << QStringList{ "--help" } << GatewayConfig::Outcome::ShowHelp;
    QTest::newRow("-h") << QStringList{ "-h" } << GatewayConfig::Outcome::ShowHelp;
    QTest::newRow("--version") << QStringList{ "--version" } << GatewayConfig::Outcome::ShowVersion;
    QTest::newRow("-v") << QStringList{ "-v" } << GatewayConfig::Outcome::ShowVersion;
    QTest::newRow("--help wins over a bad value") << QStringList{ "--help", "--http-port", "70000" }
                                                  << GatewayConfig::Outcome::ShowHelp;
}

void tst_GatewayConfig::helpAndVersion()
{
    QFETCH(QStringList, arguments);
    QFETCH(GatewayConfig::Outcome, outcome);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, {}, {}), defaults());
    QCOMPARE(result.outcome, outcome);
    if (outcome == GatewayConfig::Outcome::ShowHelp) {
        for (const char *option : { "--config", "--serial-port", "--baud", "--http-host", "--http-port", "--media-dir",
                                    "--mode", "--media-count", "--first-id", "--ping-interval-s", "--end-grace-ms",
                                    "--max-play-s", "--press-policy", "--press-cooldown-ms", "--stuck-presses",
                                    "--opening-hours", "--closed-dates", "--volume", "--set-admin-password" })
            QVERIFY2(result.message.contains(QLatin1String(option)), option);
    }
}

void tst_GatewayConfig::httpLimits_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("maxConnections");
    QTest::addColumn<int>("timeoutS");

    QTest::newRow("defaults") << QStringList() << QByteArray() << 1024 << 10;
    QTest::newRow("options") << QStringList{ "--max-connections", "64", "--http-timeout-s", "3" } << QByteArray() << 64
                             << 3;
    QTest::newRow("lowest") << QStringList{ "--max-connections", "32", "--http-timeout-s", "1" } << QByteArray() << 32
                            << 1;
    QTest::newRow("file") << QStringList{ "--config", "@config" }
                          << QByteArray("max_connections=200\nhttp_timeout_s=30\n") << 200 << 30;
    QTest::newRow("command line over file") << QStringList{ "--config", "@config", "--max-connections", "100" }
                                            << QByteArray("max_connections=200\n") << 100 << 10;
}

void tst_GatewayConfig::httpLimits()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(int, maxConnections);
    QFETCH(int, timeoutS);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    QCOMPARE(result.outcome, GatewayConfig::Outcome::Run);
    QCOMPARE(result.config.maxConnections, maxConnections);
    QCOMPARE(result.config.httpTimeoutS, timeoutS);
}

void tst_GatewayConfig::playbackOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("pingIntervalS");
    QTest::addColumn<int>("mode"); // PressPolicy::Mode
    QTest::addColumn<qint64>("cooldownMs");
    QTest::addColumn<int>("stuckPresses");
    QTest::addColumn<qint64>("endGraceMs");
    QTest::addColumn<qint64>("maxPlayMs");

    const int preempt = int(PressPolicy::Mode::Preempt);
    const int ignore = int(PressPolicy::Mode::Ignore);
    const int toggle = int(PressPolicy::Mode::Toggle);
    QTest::newRow("defaults") << QStringList() << QByteArray() << 5 << preempt << qint64(0) << 10 << qint64(2000)
                              << qint64(600000);
    QTest::newRow("options") << QStringList{ "--ping-interval-s", "0", "--press-policy", "toggle", "--press-cooldown-ms",
                                             "750", "--stuck-presses", "0", "--end-grace-ms", "0", "--max-play-s", "90" }
                             << QByteArray() << 0 << toggle << qint64(750) << 0 << qint64(0) << qint64(90000);
    QTest::newRow("file") << QStringList{ "--config", "@config" }
                          << QByteArray("ping_interval_s = 2\npress_policy = ignore\npress_cooldown_ms = 300\n"
                                        "stuck_presses = 20\nend_grace_ms = 500\nmax_play_s = 1200\n")
                          << 2 << ignore << qint64(300) << 20 << qint64(500) << qint64(1200000);
    QTest::newRow("command line over file") << QStringList{ "--config", "@config", "--press-policy", "preempt" }
                                            << QByteArray("press_policy = toggle\n") << 5 << preempt << qint64(0) << 10
                                            << qint64(2000) << qint64(600000);
}

void tst_GatewayConfig::playbackOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(int, pingIntervalS);
    QFETCH(int, mode);
    QFETCH(qint64, cooldownMs);
    QFETCH(int, stuckPresses);
    QFETCH(qint64, endGraceMs);
    QFETCH(qint64, maxPlayMs);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    QCOMPARE(result.config.pingIntervalS, pingIntervalS);
    const PressPolicy &policy = result.config.pressPolicy;
    QCOMPARE(int(policy.mode), mode);
    QCOMPARE(policy.cooldownMs, cooldownMs);
    QCOMPARE(policy.stuckPresses, stuckPresses);
    QCOMPARE(policy.endGraceMs, endGraceMs);
    QCOMPARE(policy.maxPlayMs, maxPlayMs);
}

void tst_GatewayConfig::scheduleAndVolume_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("hours");
    QTest::addColumn<QString>("dates");
    QTest::addColumn<int>("volume");

    const QString week = QStringLiteral("Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00");
    const QString dates = QStringLiteral("2026-12-24, 2026-12-25");
    QTest::newRow("defaults") << QStringList() << QByteArray() << "" << "" << 100;
    QTest::newRow("options") << QStringList{ "--opening-hours", week, "--closed-dates", dates, "--volume", "35" }
                             << QByteArray() << week << dates << 35;
    QTest::newRow("volume 0") << QStringList{ "--volume", "0" } << QByteArray() << "" << "" << 0;
    // QSettings would take "; Sat,Sun …" for a comment and "a, b" for a list.
    QTest::newRow("file, as written")
            << QStringList{ "--config", "@config" }
            << QByteArray("opening_hours = Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00\nclosed_dates = 2026-12-24, "
                          "2026-12-25\nvolume = 80\n")
            << week << dates << 80;
    QTest::newRow("file, quoted") << QStringList{ "--config", "@config" }
                                  << QByteArray("opening_hours = \"Mon-Fri 09:00-18:00; Sat,Sun 10:00-17:00\"\n"
                                                "closed_dates=\"2026-12-24, 2026-12-25\"\r\n")
                                  << week << dates << 100;
    QTest::newRow("file, dashed key, section") << QStringList{ "--config", "@config" }
                                               << QByteArray("[General]\nopening-hours = Sat 10:00-12:00\n")
                                               << "Sat 10:00-12:00" << "" << 100;
    QTest::newRow("file, after a byte-order mark")
            << QStringList{ "--config", "@config" }
            << QByteArray("\xef\xbb\xbfopening_hours = Sat 10:00-12:00; Sun 10:00-11:00\n")
            << "Sat 10:00-12:00; Sun 10:00-11:00" << "" << 100;
    QTest::newRow("file, empty: always open") << QStringList{ "--config", "@config" }
                                              << QByteArray("opening_hours =\nclosed_dates =\n") << "" << "" << 100;
    QTest::newRow("command line over file")
            << QStringList{ "--config", "@config", "--opening-hours", "Sun 10:00-11:00", "--volume", "10" }
            << QByteArray("opening_hours = Mon 09:00-10:00\nvolume = 90\n") << "Sun 10:00-11:00" << "" << 10;
}

void tst_GatewayConfig::scheduleAndVolume()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(QString, hours);
    QFETCH(QString, dates);
    QFETCH(int, volume);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    QCOMPARE(result.config.openingHours, hours);
    QCOMPARE(result.config.closedDates, dates);
    QCOMPARE(result.config.volume, volume);
}

// The real program: exit status 2 and one line on stderr naming the option.
void tst_GatewayConfig::programRejects_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("mentions");

    const QByteArray none;
    QTest::newRow("unknown option") << QStringList{ "--frobnicate" } << none << "frobnicate";
    QTest::newRow("port 70000") << QStringList{ "--http-port", "70000" } << none << "--http-port";
    QTest::newRow("port -1") << QStringList{ "--http-port", "-1" } << none << "--http-port";
    QTest::newRow("media-count 0") << QStringList{ "--media-count", "0" } << none << "--media-count";
    QTest::newRow("first-id 2") << QStringList{ "--first-id", "2" } << none << "--first-id";
    QTest::newRow("mode fast") << QStringList{ "--mode", "fast" } << none << "--mode";
    QTest::newRow("host nowhere") << QStringList{ "--http-host", "nowhere" } << none << "--http-host";
    QTest::newRow("config missing") << QStringList{ "--config", "no-such-dir/panel.conf" } << none << "--config";
    QTest::newRow("config, unknown key") << QStringList{ "--config", "@config" } << QByteArray("colour=blue\n")
                                         << "colour";
    QTest::newRow("opening-hours, unknown day") << QStringList{ "--opening-hours", "Mon-Fry 09:00-18:00" } << none
                                                << "--opening-hours";
    QTest::newRow("volume 101") << QStringList{ "--volume", "101" } << none << "--volume";
    QTest::newRow("config, bad closed_dates") << QStringList{ "--config", "@config" }
                                              << QByteArray("closed_dates = 2026-13-01\n") << "--closed-dates";
    QTest::newRow("config, line without =") << QStringList{ "--config", "@config" }
                                            << QByteArray("baud=9600\nhttp_port 9000\n") << "line 2";
    QTest::newRow("attract-after-s -1") << QStringList{ "--attract-after-s", "-1" } << none << "--attract-after-s";
    QTest::newRow("config, attract_step_ms 0") << QStringList{ "--config", "@config" }
                                               << QByteArray("attract_step_ms = 0\n") << "--attract-step-ms";
}

void tst_GatewayConfig::programRejects()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(QString, mentions);

    QStringList args = prepare(arguments, file, {});
    args.removeFirst();
    QProcess gateway;
    gateway.start(QStringLiteral(PANEL_GATEWAY_BINARY), args);
    QVERIFY2(gateway.waitForFinished(30000), qPrintable(gateway.errorString()));
    QCOMPARE(gateway.exitStatus(), QProcess::NormalExit);
    const QString err = QString::fromLocal8Bit(gateway.readAllStandardError());
    QCOMPARE(gateway.exitCode(), 2);
    QVERIFY2(err.endsWith(QLatin1Char('\n')), qPrintable(err));
    QCOMPARE(err.count(QLatin1Char('\n')), 1);
    QVERIFY2(err.contains(mentions), qPrintable(err));
    QCOMPARE(gateway.readAllStandardOutput(), QByteArray());
}

void tst_GatewayConfig::programPortTaken()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost));
    const QString port = QString::number(squatter.serverPort());
    writeFile(givenPath(), "");

    QProcess gateway;
    gateway.start(QStringLiteral(PANEL_GATEWAY_BINARY),
                  { QStringLiteral("--config"), givenPath(), QStringLiteral("--serial-port"), QStringLiteral("none"),
                    QStringLiteral("--media-dir"), m_dir->path(), QStringLiteral("--stats-db"), QStringLiteral("none"),
                    QStringLiteral("--http-host"),
                    QStringLiteral("127.0.0.1"), QStringLiteral("--http-port"), port });
    QVERIFY2(gateway.waitForFinished(30000), qPrintable(gateway.errorString()));
    QCOMPARE(gateway.exitStatus(), QProcess::NormalExit);
    const QString err = QString::fromLocal8Bit(gateway.readAllStandardError());
    QCOMPARE(gateway.exitCode(), 1);
    const QString last = err.trimmed().split(QLatin1Char('\n')).last();
    QVERIFY2(last.contains(QStringLiteral("127.0.0.1:") + port), qPrintable(err));
    QVERIFY2(last.contains(QLatin1String("in use"), Qt::CaseInsensitive), qPrintable(err));
}

void tst_GatewayConfig::programHelpAndVersion_data()
{
    QTest::addColumn<QString>("option");
    QTest::addColumn<QString>("pattern"); // what stdout must match

    QTest::newRow("--help") << "--help" << "--serial-port.*--http-port.*--first-id";
    QTest::newRow("--version") << "--version" << "^selection-panel \\d+\\.\\d+\\.\\d+\\n$";
}

void tst_GatewayConfig::programHelpAndVersion()
{
    QFETCH(QString, option);
    QFETCH(QString, pattern);

    QProcess gateway;
    gateway.start(QStringLiteral(PANEL_GATEWAY_BINARY), { option });
    QVERIFY2(gateway.waitForFinished(30000), qPrintable(gateway.errorString()));
    QCOMPARE(gateway.exitStatus(), QProcess::NormalExit);
    QCOMPARE(gateway.exitCode(), 0);
    const QString out = QString::fromLocal8Bit(gateway.readAllStandardOutput());
    const QRegularExpression expected(pattern, QRegularExpression::DotMatchesEverythingOption);
    QVERIFY2(expected.match(out).hasMatch(), qPrintable(out));
    QCOMPARE(gateway.readAllStandardError(), QByteArray());
}

void tst_GatewayConfig::adminPasswordFile_data()
{
    QTest::addColumn<QStringList>("arguments"); // "@sub": a folder of its own
    QTest::addColumn<QByteArray>("file");       // written as @sub/x.conf; null: none
    QTest::addColumn<GatewayConfig::Outcome>("outcome");
    QTest::addColumn<QString>("passwordFile");  // "@sub/…" or "@dir/…" (the default config's)

    const QByteArray none;
    QTest::newRow("set, --config") << QStringList { "--set-admin-password", "--config", "@sub/x.conf" } << none
                                   << GatewayConfig::Outcome::SetAdminPassword << "@sub/admin-password";
    QTest::newRow("set, default config") << QStringList { "--set-admin-password" } << none
                                         << GatewayConfig::Outcome::SetAdminPassword << "@dir/admin-password";
    // The password can be set before the config is mended.
    QTest::newRow("set, broken config") << QStringList { "--config", "@sub/x.conf", "--set-admin-password" }
                                        << QByteArray("no equals sign\n")
                                        << GatewayConfig::Outcome::SetAdminPassword << "@sub/admin-password";
    QTest::newRow("run, --config") << QStringList { "--config", "@sub/x.conf" } << QByteArray("baud = 9600\n")
                                   << GatewayConfig::Outcome::Run << "@sub/admin-password";
    QTest::newRow("run, default config") << QStringList {} << none << GatewayConfig::Outcome::Run
                                         << "@dir/admin-password";
}

// The console's password lives beside the config in use (docs/http.md,
// "/admin and /api/admin").
void tst_GatewayConfig::adminPasswordFile()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(GatewayConfig::Outcome, outcome);
    QFETCH(QString, passwordFile);

    const QString sub = m_dir->filePath(QStringLiteral("sub"));
    QVERIFY(QDir().mkpath(sub));
    if (!file.isNull())
        writeFile(sub + QStringLiteral("/x.conf"), file);
    arguments.replaceInStrings(QStringLiteral("@sub"), sub);
    arguments.prepend(QStringLiteral("selection-panel"));
    passwordFile.replace(QStringLiteral("@sub"), sub).replace(QStringLiteral("@dir"), m_dir->path());

    const GatewayConfig::Result result = GatewayConfig::parse(arguments, defaults());
    QCOMPARE(result.outcome, outcome);
    QCOMPARE(result.config.adminPasswordFile, passwordFile);
}

// captions, languages and language_button (README.md, "Captions and languages").
void tst_GatewayConfig::captionsAndLanguages_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<bool>("captions");
    QTest::addColumn<QStringList>("languages");
    QTest::addColumn<int>("languageButton");

    const QByteArray none;
    QTest::newRow("defaults") << QStringList{} << none << true << QStringList{} << -1;
    QTest::newRow("options") << QStringList{ "--captions", "off", "--languages", "de,en", "--language-button", "9" }
                             << none << false << QStringList{ "de", "en" } << 9;
    QTest::newRow("file") << QStringList{ "--config", "@config" }
                          << QByteArray("captions = on\nlanguages = de, en, fr\nlanguage_button = 12\n") << true
                          << QStringList{ "de", "en", "fr" } << 12;
    QTest::newRow("one language") << QStringList{ "--languages", "en" } << none << true << QStringList{ "en" } << -1;
    QTest::newRow("region") << QStringList{ "--languages", "pt-br,en" } << none << true << QStringList{ "pt-br", "en" }
                            << -1;
    QTest::newRow("empty: none") << QStringList{ "--languages", "" } << none << true << QStringList{} << -1;
    QTest::newRow("button none") << QStringList{ "--language-button", "none" } << none << true << QStringList{} << -1;
    QTest::newRow("option over file") << QStringList{ "--config", "@config", "--languages", "en,de", "--captions", "on" }
                                      << QByteArray("languages = de,en\ncaptions = off\n") << true
                                      << QStringList{ "en", "de" } << -1;
}

void tst_GatewayConfig::captionsAndLanguages()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(bool, captions);
    QFETCH(QStringList, languages);
    QFETCH(int, languageButton);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    QCOMPARE(result.config.captions, captions);
    QCOMPARE(result.config.languages, languages);
    QCOMPARE(result.config.languageButton, languageButton);
}

void tst_GatewayConfig::captionsAndLanguagesInvalid_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QStringList>("mentions");

    const QByteArray none;
    QTest::newRow("captions yes") << QStringList{ "--captions", "yes" } << none << QStringList{ "--captions", "yes" };
    QTest::newRow("captions empty") << QStringList{ "--captions", "" } << none << QStringList{ "--captions" };
    QTest::newRow("upper case") << QStringList{ "--languages", "DE,en" } << none << QStringList{ "--languages", "DE" };
    QTest::newRow("twice") << QStringList{ "--languages", "de,en,de" } << none << QStringList{ "--languages" };
    QTest::newRow("empty entry") << QStringList{ "--languages", "de,,en" } << none << QStringList{ "--languages" };
    QTest::newRow("path") << QStringList{ "--languages", "../de" } << none << QStringList{ "--languages" };
    QTest::newRow("name") << QStringList{ "--languages", "german" } << none << QStringList{ "--languages" };
    QTest::newRow("button -1") << QStringList{ "--language-button", "-1" } << none << QStringList{ "--language-button" };
    QTest::newRow("button 1000") << QStringList{ "--language-button", "1000" } << none
                                 << QStringList{ "--language-button", "1000" };
    QTest::newRow("button word") << QStringList{ "--language-button", "nine" } << none
                                 << QStringList{ "--language-button" };
    QTest::newRow("file, bad languages") << QStringList{ "--config", "@config" } << QByteArray("languages = de, EN\n")
                                         << QStringList{ "--languages", "given.conf" };
}

void tst_GatewayConfig::captionsAndLanguagesInvalid()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(QStringList, mentions);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    QCOMPARE(result.outcome, GatewayConfig::Outcome::Error);
    for (const QString &mention : mentions)
        QVERIFY2(result.message.contains(mention), qPrintable(result.message));
}

QTEST_GUILESS_MAIN(tst_GatewayConfig)
#include "tst_gatewayconfig.moc"

// `metrics` (docs/http.md, "/metrics"): on or off, from the file or the command line.
void tst_GatewayConfig::metricsOption_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("metrics"); // 1 on, 0 off, -1 a configuration error naming the key and value

    QTest::newRow("default") << QStringList() << QByteArray() << 1;
    QTest::newRow("--metrics off") << QStringList{ "--metrics", "off" } << QByteArray() << 0;
    QTest::newRow("--metrics on") << QStringList{ "--metrics", "on" } << QByteArray() << 1;
    QTest::newRow("file off") << QStringList{ "--config", "@config" } << QByteArray("metrics = off\n") << 0;
    QTest::newRow("command line over file") << QStringList{ "--config", "@config", "--metrics", "on" }
                                            << QByteArray("metrics = off\n") << 1;
    QTest::newRow("--metrics yes") << QStringList{ "--metrics", "yes" } << QByteArray() << -1;
    QTest::newRow("--metrics OFF") << QStringList{ "--metrics", "OFF" } << QByteArray() << -1;
    QTest::newRow("--metrics empty") << QStringList{ "--metrics", "" } << QByteArray() << -1;
    QTest::newRow("file 1") << QStringList{ "--config", "@config" } << QByteArray("metrics = 1\n") << -1;

    // The packaged file's commented line, uncommented, is the default.
    QFile packaged(QStringLiteral(PANEL_SOURCE_MEDIA_DIR "/../packaging/selection-panel.conf"));
    QVERIFY(packaged.open(QIODevice::ReadOnly));
    const QByteArray text = packaged.readAll();
    QVERIFY(text.contains("\n;metrics = on\n"));
    QTest::newRow("packaged line") << QStringList{ "--config", "@config" } << QByteArray("metrics = on\n") << 1;
}

void tst_GatewayConfig::metricsOption()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(int, metrics);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    if (metrics < 0) {
        QCOMPARE(result.outcome, GatewayConfig::Outcome::Error);
        QVERIFY2(result.message.contains(QLatin1String("--metrics")), qPrintable(result.message));
        QVERIFY2(result.message.contains(QLatin1String("on or off")), qPrintable(result.message));
        return;
    }
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    QCOMPARE(result.config.metrics, metrics == 1);
}

// Attract mode (README.md, "Configuration"): the idle time and the chase's
// step, from the file or the command line; a bad value names its key.
void tst_GatewayConfig::attractOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<qint64>("afterMs"); // -1: a configuration error naming `mentions`
    QTest::addColumn<qint64>("stepMs");
    QTest::addColumn<QString>("mentions");

    QTest::newRow("defaults: off") << QStringList() << QByteArray() << qint64(0) << qint64(300) << "";
    QTest::newRow("options") << QStringList{ "--attract-after-s", "120", "--attract-step-ms", "50" } << QByteArray()
                             << qint64(120000) << qint64(50) << "";
    QTest::newRow("highest") << QStringList{ "--attract-after-s", "86400", "--attract-step-ms", "10000" }
                             << QByteArray() << qint64(86400000) << qint64(10000) << "";
    QTest::newRow("file") << QStringList{ "--config", "@config" }
                          << QByteArray("attract_after_s = 90\nattract_step_ms = 250\n") << qint64(90000)
                          << qint64(250) << "";
    QTest::newRow("command line over file") << QStringList{ "--config", "@config", "--attract-after-s", "0" }
                                            << QByteArray("attract_after_s = 90\n") << qint64(0) << qint64(300) << "";
    QTest::newRow("after -1") << QStringList{ "--attract-after-s", "-1" } << QByteArray() << qint64(-1) << qint64(0)
                              << "--attract-after-s";
    QTest::newRow("after 86401") << QStringList{ "--attract-after-s", "86401" } << QByteArray() << qint64(-1)
                                 << qint64(0) << "--attract-after-s";
    QTest::newRow("after 1.5") << QStringList{ "--attract-after-s", "1.5" } << QByteArray() << qint64(-1) << qint64(0)
                               << "--attract-after-s";
    QTest::newRow("after soon") << QStringList{ "--attract-after-s", "soon" } << QByteArray() << qint64(-1)
                                << qint64(0) << "--attract-after-s";
    QTest::newRow("step 49") << QStringList{ "--attract-step-ms", "49" } << QByteArray() << qint64(-1) << qint64(0)
                             << "--attract-step-ms";
    QTest::newRow("step 10001") << QStringList{ "--attract-step-ms", "10001" } << QByteArray() << qint64(-1)
                                << qint64(0) << "--attract-step-ms";
    QTest::newRow("step empty") << QStringList{ "--attract-step-ms", "" } << QByteArray() << qint64(-1) << qint64(0)
                                << "--attract-step-ms";
    QTest::newRow("file, bad step") << QStringList{ "--config", "@config" } << QByteArray("attract_step_ms = fast\n")
                                    << qint64(-1) << qint64(0) << "--attract-step-ms";
}

void tst_GatewayConfig::attractOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(qint64, afterMs);
    QFETCH(qint64, stepMs);
    QFETCH(QString, mentions);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    if (afterMs < 0) {
        QCOMPARE(result.outcome, GatewayConfig::Outcome::Error);
        QVERIFY2(result.message.contains(mentions), qPrintable(result.message));
        return;
    }
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    QCOMPARE(result.config.pressPolicy.attractAfterMs, afterMs);
    QCOMPARE(result.config.pressPolicy.attractStepMs, stepMs);
    const GatewayConfig::Result help = GatewayConfig::parse(prepare({ "--help" }, {}, {}), defaults());
    QVERIFY(help.message.contains(QLatin1String("--attract-after-s")));
    QVERIFY(help.message.contains(QLatin1String("--attract-step-ms")));
}

// `stats_db` (README.md, "Configuration"): a path, `none`, or by default
// stats.sqlite in systemd's state directory, else the application data folder.
void tst_GatewayConfig::statsDbOption_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("stateDirectory"); // $STATE_DIRECTORY; empty: unset
    QTest::addColumn<QString>("expected");       // "@state", "@appdata" or a path; empty: off; "!": an error

    const QByteArray none;
    QTest::newRow("default, no state directory") << QStringList() << none << "" << "@appdata/stats.sqlite";
    QTest::newRow("default, state directory") << QStringList() << none << "/var/lib/panel-test" << "/var/lib/panel-test/stats.sqlite";
    QTest::newRow("default, several state directories")
            << QStringList() << none << "/var/lib/first:/var/lib/second" << "/var/lib/first/stats.sqlite";
    QTest::newRow("--stats-db none") << QStringList{ "--stats-db", "none" } << none << "/var/lib/panel-test" << "";
    QTest::newRow("--stats-db path") << QStringList{ "--stats-db", "/srv/records.sqlite" } << none << "" << "/srv/records.sqlite";
    QTest::newRow("file path") << QStringList{ "--config", "@config" } << QByteArray("stats_db = /srv/a.sqlite\n") << ""
                               << "/srv/a.sqlite";
    QTest::newRow("file none") << QStringList{ "--config", "@config" } << QByteArray("stats_db = none\n") << "" << "";
    QTest::newRow("command line over file") << QStringList{ "--config", "@config", "--stats-db", "/srv/b.sqlite" }
                                            << QByteArray("stats_db = none\n") << "" << "/srv/b.sqlite";
    QTest::newRow("--stats-db empty") << QStringList{ "--stats-db", " " } << none << "" << "!";
    QTest::newRow("file empty") << QStringList{ "--config", "@config" } << QByteArray("stats_db =\n") << "" << "!";
}

void tst_GatewayConfig::statsDbOption()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(QString, stateDirectory);
    QFETCH(QString, expected);

    const QByteArray saved = qgetenv("STATE_DIRECTORY");
    const bool wasSet = qEnvironmentVariableIsSet("STATE_DIRECTORY");
    const auto restore = qScopeGuard([&] {
        if (wasSet)
            qputenv("STATE_DIRECTORY", saved);
        else
            qunsetenv("STATE_DIRECTORY");
    });
    if (stateDirectory.isEmpty())
        qunsetenv("STATE_DIRECTORY");
    else
        qputenv("STATE_DIRECTORY", stateDirectory.toUtf8());

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    if (expected == QLatin1String("!")) {
        QCOMPARE(result.outcome, GatewayConfig::Outcome::Error);
        QVERIFY2(result.message.contains(QLatin1String("--stats-db")), qPrintable(result.message));
        return;
    }
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    expected.replace(QLatin1String("@appdata"), QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation));
    QCOMPARE(result.config.statsDb, expected);
}

// `max_listeners` and `listen_url` (README.md, "Listening on one's own phone").
void tst_GatewayConfig::listenerOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<int>("maxListeners"); // -1: refused, naming the option
    QTest::addColumn<QString>("listenUrl");

    QTest::newRow("defaults") << QStringList() << QByteArray() << 500 << QString();
    QTest::newRow("none") << QStringList{ "--max-listeners", "0" } << QByteArray() << 0 << QString();
    QTest::newRow("file") << QStringList{ "--config", "@config" }
                          << QByteArray("max_listeners = 40\nlisten_url = https://exhibit.example/listen\n") << 40
                          << QStringLiteral("https://exhibit.example/listen");
    QTest::newRow("with port") << QStringList{ "--listen-url", "http://10.0.0.5:8080/listen" } << QByteArray()
                               << 500 << QStringLiteral("http://10.0.0.5:8080/listen");
    QTest::newRow("negative") << QStringList{ "--max-listeners", "-1" } << QByteArray() << -1 << QString();
    QTest::newRow("too many") << QStringList{ "--max-listeners", "100001" } << QByteArray() << -1 << QString();
    QTest::newRow("not a number") << QStringList{ "--max-listeners", "lots" } << QByteArray() << -1 << QString();
    QTest::newRow("no scheme") << QStringList{ "--listen-url", "exhibit.example/listen" } << QByteArray() << -1
                               << QString();
    QTest::newRow("ftp") << QStringList{ "--listen-url", "ftp://exhibit.example/listen" } << QByteArray() << -1
                         << QString();
}

void tst_GatewayConfig::listenerOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, file);
    QFETCH(int, maxListeners);
    QFETCH(QString, listenUrl);

    const GatewayConfig::Result result = GatewayConfig::parse(prepare(arguments, file, {}), defaults());
    if (maxListeners < 0) {
        QCOMPARE(result.outcome, GatewayConfig::Outcome::Error);
        QVERIFY2(result.message.contains(arguments.first()), qPrintable(result.message));
        return;
    }
    QVERIFY2(result.outcome == GatewayConfig::Outcome::Run, qPrintable(result.message));
    QCOMPARE(result.config.maxListeners, maxListeners);
    QCOMPARE(result.config.listenUrl, listenUrl);
}
