#include "media/webvttcheck.h"

#include <QTemporaryDir>
#include <QTest>

// The minimal WebVTT rules the media check applies (docs/architecture.md,
// "Captions and languages"): good files pass, bad ones are named with the line.
class tst_WebVttCheck : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void check_data();
    void check();
    void timestamp_data();
    void timestamp();
    void file();
};

void tst_WebVttCheck::check_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error"); // a part of the message; empty: it passes

    QTest::newRow("one cue") << QByteArray("WEBVTT\n\n00:00.200 --> 00:00.800\nHello\n") << QString();
    QTest::newRow("hours") << QByteArray("WEBVTT\n\n01:00:00.000 --> 01:00:01.500\nLate\n") << QString();
    QTest::newRow("long hours") << QByteArray("WEBVTT\n\n100:00:00.000 --> 100:00:01.000\nx\n") << QString();
    QTest::newRow("header text") << QByteArray("WEBVTT - the story of 003\n\n00:01.000 --> 00:02.000\nx\n") << QString();
    QTest::newRow("BOM") << QByteArray("\xef\xbb\xbfWEBVTT\n\n00:00.000 --> 00:01.000\nx\n") << QString();
    QTest::newRow("CRLF") << QByteArray("WEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\nx\r\n") << QString();
    QTest::newRow("CR") << QByteArray("WEBVTT\r\r00:00.000 --> 00:01.000\rx\r") << QString();
    QTest::newRow("identifier and settings")
            << QByteArray("WEBVTT\n\nintro\n00:00.000 --> 00:01.000 line:80% align:center\n<v Guide>Welcome</v>\n")
            << QString();
    QTest::newRow("no cues") << QByteArray("WEBVTT\n") << QString();
    QTest::newRow("note block") << QByteArray("WEBVTT\n\nNOTE made by hand\n\n00:00.000 --> 00:01.000\nx\n")
                                << QString();

    QTest::newRow("empty file") << QByteArray() << QStringLiteral("empty");
    QTest::newRow("BOM only") << QByteArray("\xef\xbb\xbf") << QStringLiteral("empty");
    QTest::newRow("no signature") << QByteArray("00:00.000 --> 00:01.000\nx\n") << QStringLiteral("line 1");
    QTest::newRow("lower-case signature") << QByteArray("webvtt\n\n00:00.000 --> 00:01.000\nx\n")
                                          << QStringLiteral("line 1");
    QTest::newRow("signature run on") << QByteArray("WEBVTTX\n\n00:00.000 --> 00:01.000\nx\n")
                                      << QStringLiteral("line 1");
    QTest::newRow("SubRip") << QByteArray("1\n00:00:00,000 --> 00:00:01,000\nx\n") << QStringLiteral("line 1");
    QTest::newRow("comma in timing") << QByteArray("WEBVTT\n\n00:00:00,000 --> 00:00:01,000\nx\n")
                                     << QStringLiteral("line 3: not a cue timing");
    QTest::newRow("one-digit minutes") << QByteArray("WEBVTT\n\n0:00.000 --> 0:01.000\nx\n")
                                       << QStringLiteral("line 3: not a cue timing");
    QTest::newRow("seconds 60") << QByteArray("WEBVTT\n\n00:60.000 --> 01:01.000\nx\n")
                                << QStringLiteral("line 3: not a cue timing");
    QTest::newRow("two-digit milliseconds") << QByteArray("WEBVTT\n\n00:00.00 --> 00:01.000\nx\n")
                                            << QStringLiteral("line 3: not a cue timing");
    QTest::newRow("no end") << QByteArray("WEBVTT\n\n00:00.000 -->\nx\n") << QStringLiteral("line 3: not a cue timing");
    QTest::newRow("end before start") << QByteArray("WEBVTT\n\n00:02.000 --> 00:01.000\nx\n")
                                      << QStringLiteral("line 3: the cue ends before it starts");
    QTest::newRow("end at start") << QByteArray("WEBVTT\n\n00:01.000 --> 00:01.000\nx\n")
                                  << QStringLiteral("line 3: the cue ends before it starts");
    QTest::newRow("second cue bad") << QByteArray("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n\n00:05.000 --> 00:04.000\ny\n")
                                    << QStringLiteral("line 6");
}

void tst_WebVttCheck::check()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const QString result = WebVttCheck::check(text);
    if (error.isEmpty())
        QVERIFY2(result.isEmpty(), qPrintable(result));
    else
        QVERIFY2(result.contains(error), qPrintable(result));
}

void tst_WebVttCheck::timestamp_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("ms");

    QTest::newRow("minutes") << QByteArray("01:02.345") << qint64(62345);
    QTest::newRow("hours") << QByteArray("02:00:00.001") << qint64(7200001);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
    QTest::newRow("one-digit hours") << QByteArray("1:00:00.000") << qint64(-1);
    QTest::newRow("minutes 60") << QByteArray("60:00.000") << qint64(-1);
    QTest::newRow("sign") << QByteArray("-1:00.000") << qint64(-1);
    QTest::newRow("letters") << QByteArray("aa:bb.ccc") << qint64(-1);
}

void tst_WebVttCheck::timestamp()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, ms);
    QCOMPARE(WebVttCheck::parseTimestamp(text), ms);
}

void tst_WebVttCheck::file()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(WebVttCheck::checkFile(dir.filePath(QStringLiteral("absent.vtt"))).size() > 0);
    QFile big(dir.filePath(QStringLiteral("big.vtt")));
    QVERIFY(big.open(QIODevice::WriteOnly));
    big.write("WEBVTT\n");
    QVERIFY(big.resize(WebVttCheck::maxFileSize + 1));
    big.close();
    QVERIFY(WebVttCheck::checkFile(big.fileName()).contains(QLatin1String("larger")));
    QFile good(dir.filePath(QStringLiteral("good.vtt")));
    QVERIFY(good.open(QIODevice::WriteOnly));
    good.write("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n");
    good.close();
    QCOMPARE(WebVttCheck::checkFile(good.fileName()), QString());
}

QTEST_GUILESS_MAIN(tst_WebVttCheck)
#include "tst_webvttcheck.moc"
