#include "core/gatewaysnapshot.h"
#include "web/metricstext.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

Q_DECLARE_METATYPE(GatewaySnapshot)

namespace {

// A gateway just started: nothing pressed, panel connected, media complete.
GatewaySnapshot quiet()
{
    GatewaySnapshot s;
    s.version = u"1.2.3"_s;
    s.qtVersion = u"6.4.2"_s;
    s.panelEnabled = true;
    s.panelConnected = true;
    s.panelResponding = true;
    s.mediaComplete = true;
    s.pressesByOutcome = { { u"played"_s, 0 }, { u"stopped"_s, 0 }, { u"ignored"_s, 0 }, { u"rejected"_s, 0 } };
    s.playbacksEndedByHow = { { u"completed"_s, 0 }, { u"timer"_s, 0 }, { u"preempted"_s, 0 }, { u"stopped"_s, 0 } };
    return s;
}

// A gateway that has been busy: every fact differs from quiet().
GatewaySnapshot busy()
{
    GatewaySnapshot s = quiet();
    s.current = 7;
    s.panelConnected = true;
    s.panelResponding = false;
    s.browsers = 3;
    s.missingFiles = { u"003.jpg"_s, u"003.mp3"_s };
    s.quarantined = { 4 };
    s.rejectedMessages = 11;
    s.droppedSerialLines = 2;
    s.uptimeS = 86400;
    s.panelReconnects = 5;
    s.open = false;
    s.attract = true;
    s.recordsEnabled = true;
    s.recordsWritten = 250;
    s.recordsFailed = 3;
    s.listeners = 2; // of the 3 browsers
    s.pressesByOutcome = { { u"played"_s, 120 }, { u"stopped"_s, 1 }, { u"ignored"_s, 30 }, { u"rejected"_s, 4 } };
    s.playbacksEndedByHow = { { u"completed"_s, 100 }, { u"timer"_s, 9 }, { u"preempted"_s, 10 },
                              { u"stopped"_s, 1 } };
    return s;
}

QStringList linesOf(const QByteArray &text)
{
    return QString::fromUtf8(text).split(u'\n');
}

} // namespace

// The body of /metrics from a snapshot (docs/http.md, "/metrics"), without a
// server: exact lines, escaping, and the rules promtool checks.
class tst_MetricsText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lines_data();
    void lines();
    void escapeLabelValue_data();
    void escapeLabelValue();
    void everyFamilyHasHelpAndType_data();
    void everyFamilyHasHelpAndType();
    void labelValuesFollowTheSnapshot();
};

void tst_MetricsText::lines_data()
{
    QTest::addColumn<GatewaySnapshot>("snapshot");
    QTest::addColumn<QStringList>("expected"); // each one whole line of the output

    QTest::newRow("quiet") << quiet()
                           << QStringList{
                                      u"selection_panel_build_info{version=\"1.2.3\",qt=\"6.4.2\"} 1"_s,
                                      u"selection_panel_uptime_seconds 0"_s,
                                      u"selection_panel_open 1"_s,
                                      u"# TYPE selection_panel_presses_total counter"_s,
                                      u"selection_panel_presses_total{outcome=\"played\"} 0"_s,
                                      u"selection_panel_presses_total{outcome=\"stopped\"} 0"_s,
                                      u"selection_panel_presses_total{outcome=\"ignored\"} 0"_s,
                                      u"selection_panel_presses_total{outcome=\"rejected\"} 0"_s,
                                      u"# TYPE selection_panel_playbacks_ended_total counter"_s,
                                      u"selection_panel_playbacks_ended_total{how=\"completed\"} 0"_s,
                                      u"selection_panel_playbacks_ended_total{how=\"timer\"} 0"_s,
                                      u"selection_panel_playbacks_ended_total{how=\"preempted\"} 0"_s,
                                      u"selection_panel_playbacks_ended_total{how=\"stopped\"} 0"_s,
                                      u"selection_panel_playing 0"_s,
                                      u"selection_panel_quarantined_buttons 0"_s,
                                      u"# TYPE selection_panel_attract gauge"_s,
                                      u"selection_panel_attract 0"_s,
                                      u"# TYPE selection_panel_serial_connected gauge"_s,
                                      u"selection_panel_serial_connected 1"_s,
                                      u"selection_panel_serial_responding 1"_s,
                                      u"# TYPE selection_panel_serial_reconnects_total counter"_s,
                                      u"selection_panel_serial_reconnects_total 0"_s,
                                      u"selection_panel_serial_lines_dropped_total 0"_s,
                                      u"# TYPE selection_panel_browsers_connected gauge"_s,
                                      u"selection_panel_browsers_connected 0"_s,
                                      u"selection_panel_browser_messages_rejected_total 0"_s,
                                      u"# TYPE selection_panel_media_missing_files gauge"_s,
                                      u"selection_panel_media_missing_files 0"_s,
                                      u"# TYPE selection_panel_records_written_total counter"_s,
                                      u"selection_panel_records_written_total 0"_s,
                                      u"# TYPE selection_panel_records_failed_total counter"_s,
                                      u"selection_panel_records_failed_total 0"_s,
                                      u"# TYPE selection_panel_listeners_connected gauge"_s,
                                      u"selection_panel_listeners_connected 0"_s,
                              };
    QTest::newRow("busy") << busy()
                          << QStringList{
                                     u"selection_panel_uptime_seconds 86400"_s,
                                     u"selection_panel_open 0"_s,
                                     u"selection_panel_presses_total{outcome=\"played\"} 120"_s,
                                     u"selection_panel_presses_total{outcome=\"stopped\"} 1"_s,
                                     u"selection_panel_presses_total{outcome=\"ignored\"} 30"_s,
                                     u"selection_panel_presses_total{outcome=\"rejected\"} 4"_s,
                                     u"selection_panel_playbacks_ended_total{how=\"completed\"} 100"_s,
                                     u"selection_panel_playbacks_ended_total{how=\"timer\"} 9"_s,
                                     u"selection_panel_playbacks_ended_total{how=\"preempted\"} 10"_s,
                                     u"selection_panel_playbacks_ended_total{how=\"stopped\"} 1"_s,
                                     u"selection_panel_playing 1"_s,
                                     u"selection_panel_quarantined_buttons 1"_s,
                                     u"selection_panel_attract 1"_s,
                                     u"selection_panel_serial_connected 1"_s,
                                     u"selection_panel_serial_responding 0"_s,
                                     u"selection_panel_serial_reconnects_total 5"_s,
                                     u"selection_panel_serial_lines_dropped_total 2"_s,
                                     u"selection_panel_browsers_connected 3"_s,
                                     u"selection_panel_browser_messages_rejected_total 11"_s,
                                     u"selection_panel_media_missing_files 2"_s,
                                     u"selection_panel_records_written_total 250"_s,
                                     u"selection_panel_records_failed_total 3"_s,
                                     u"selection_panel_listeners_connected 2"_s,
                             };
    GatewaySnapshot lost = quiet();
    lost.panelConnected = false;
    lost.panelResponding = true; // a closed port is never responding
    QTest::newRow("panel lost") << lost
                                << QStringList{ u"selection_panel_serial_connected 0"_s,
                                                u"selection_panel_serial_responding 0"_s };
    GatewaySnapshot huge = quiet();
    huge.pressesByOutcome[0].second = 18446744073709551615ULL;
    QTest::newRow("largest count") << huge
                                   << QStringList{ u"selection_panel_presses_total{outcome=\"played\"} 18446744073709551615"_s };
    GatewaySnapshot odd = quiet();
    odd.version = u"2.0 \"beta\"\\build\n7"_s;
    odd.qtVersion = u"6.8.2"_s;
    QTest::newRow("escaped version") << odd
                                     << QStringList{ uR"(selection_panel_build_info{version="2.0 \"beta\"\\build\n7",qt="6.8.2"} 1)"_s };
}

void tst_MetricsText::lines()
{
    QFETCH(GatewaySnapshot, snapshot);
    QFETCH(QStringList, expected);
    const QByteArray text = MetricsText::format(snapshot);
    QVERIFY(text.endsWith('\n'));
    const QStringList lines = linesOf(text);
    for (const QString &line : expected)
        QVERIFY2(lines.contains(line), qPrintable(u"missing: "_s + line + u"\nin:\n"_s + QString::fromUtf8(text)));
}

void tst_MetricsText::escapeLabelValue_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("escaped");

    QTest::newRow("plain") << u"6.4.2"_s << u"6.4.2"_s;
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("backslash") << u"a\\b"_s << u"a\\\\b"_s;
    QTest::newRow("quote") << u"say \"hi\""_s << u"say \\\"hi\\\""_s;
    QTest::newRow("newline") << u"one\ntwo"_s << u"one\\ntwo"_s;
    QTest::newRow("backslash then n is not a newline") << u"\\n"_s << u"\\\\n"_s;
    QTest::newRow("all three") << u"\\\"\n"_s << u"\\\\\\\"\\n"_s;
    QTest::newRow("others kept") << u"tab\there, cr\r, ümlaut, {a=b}"_s << u"tab\there, cr\r, ümlaut, {a=b}"_s;
}

void tst_MetricsText::escapeLabelValue()
{
    QFETCH(QString, value);
    QFETCH(QString, escaped);
    QCOMPARE(MetricsText::escapeLabelValue(value), escaped);
}

void tst_MetricsText::everyFamilyHasHelpAndType_data()
{
    QTest::addColumn<GatewaySnapshot>("snapshot");
    QTest::newRow("quiet") << quiet();
    QTest::newRow("busy") << busy();
}

// What promtool checks, and the house names: each family once, HELP then
// TYPE then its samples; prefixed; counters and only counters end in _total.
void tst_MetricsText::everyFamilyHasHelpAndType()
{
    QFETCH(GatewaySnapshot, snapshot);
    const QStringList lines = linesOf(MetricsText::format(snapshot));
    QCOMPARE(lines.last(), QString()); // the text ends with a newline
    static const QRegularExpression help(u"^# HELP (\\w+) \\S.*$"_s);
    static const QRegularExpression type(u"^# TYPE (\\w+) (counter|gauge)$"_s);
    static const QRegularExpression sample(u"^(\\w+)(\\{[a-z]+=\"[^\"]*\"(,[a-z]+=\"[^\"]*\")*\\})? \\d+$"_s);
    QSet<QString> families;
    QString current;
    QString currentType;
    int samples = 0;
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        const QString &line = lines.at(i);
        if (const auto m = help.match(line); m.hasMatch()) {
            QVERIFY2(current.isEmpty() || samples > 0, qPrintable(current + u" has no sample"_s));
            current = m.captured(1);
            QVERIFY2(!families.contains(current), qPrintable(current + u" twice"_s));
            families.insert(current);
            QVERIFY2(current.startsWith(u"selection_panel_"_s), qPrintable(current));
            const auto t = type.match(lines.value(i + 1));
            QVERIFY2(t.hasMatch() && t.captured(1) == current, qPrintable(u"no TYPE after HELP of "_s + current));
            currentType = t.captured(2);
            QCOMPARE(current.endsWith(u"_total"_s), currentType == u"counter"_s);
            samples = 0;
            ++i;
            continue;
        }
        const auto m = sample.match(line);
        QVERIFY2(m.hasMatch(), qPrintable(u"not a sample: "_s + line));
        QVERIFY2(m.captured(1) == current, qPrintable(line + u" outside its family "_s + current));
        ++samples;
    }
    QVERIFY(samples > 0);
    const QStringList names = { u"build_info"_s, u"uptime_seconds"_s, u"open"_s, u"presses_total"_s,
                                u"playbacks_ended_total"_s, u"playing"_s, u"quarantined_buttons"_s,
                                u"attract"_s, u"serial_connected"_s, u"serial_responding"_s, u"serial_reconnects_total"_s,
                                u"serial_lines_dropped_total"_s, u"browsers_connected"_s,
                                u"browser_messages_rejected_total"_s, u"media_missing_files"_s,
                                u"records_written_total"_s, u"records_failed_total"_s,
                                u"listeners_connected"_s };
    QSet<QString> expected;
    for (const QString &name : names)
        expected.insert(u"selection_panel_"_s + name);
    QCOMPARE(families, expected);
}

// Label values come from the snapshot, so a new way to end a playback (a new
// value of PanelController::Ending) shows without a change here.
void tst_MetricsText::labelValuesFollowTheSnapshot()
{
    GatewaySnapshot s = quiet();
    s.playbacksEndedByHow.append({ u"closed"_s, 2 });
    const QStringList lines = linesOf(MetricsText::format(s));
    const qsizetype stopped = lines.indexOf(u"selection_panel_playbacks_ended_total{how=\"stopped\"} 0"_s);
    QVERIFY(stopped > 0);
    QCOMPARE(lines.at(stopped + 1), u"selection_panel_playbacks_ended_total{how=\"closed\"} 2"_s);
}

QTEST_GUILESS_MAIN(tst_MetricsText)
#include "tst_metricstext.moc"
