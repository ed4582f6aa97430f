#include "media/audiodurations.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

namespace {

QStringList mediaLog; // messages of the panel.media category
QtMessageHandler previousHandler = nullptr;

void recordMediaLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (context.category && qstrcmp(context.category, "panel.media") == 0)
        mediaLog.append(message);
    if (previousHandler)
        previousHandler(type, context, message);
}

int countMediaLog(const QString &text)
{
    return int(std::count_if(mediaLog.cbegin(), mediaLog.cend(),
                             [&text](const QString &line) { return line.contains(text); }));
}

QString fixture(const char *name)
{
    return QStringLiteral(PANEL_AUDIO_FIXTURES_DIR "/") + QLatin1String(name);
}

} // namespace

class tst_AudioDurations : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void lengths_data();
    void lengths();
    void unreadable_data();
    void unreadable();
    void readsOnlyWhatChanged();
    void unreadableLoggedOncePerChange();
    void retainForgetsOthers();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_AudioDurations::initTestCase()
{
    previousHandler = qInstallMessageHandler(recordMediaLog);
}

void tst_AudioDurations::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler);
}

void tst_AudioDurations::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    mediaLog.clear();
}

// The fixtures' lengths, from headers only (make-fixtures.sh beside them).
void tst_AudioDurations::lengths_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("name"); // of a copy in a temporary folder
    QTest::addColumn<qint64>("expected");

    QTest::newRow("mp3 CBR, ID3v2") << fixture("cbr-id3v2.mp3") << "000.mp3" << qint64(1000);
    QTest::newRow("mp3 CBR") << fixture("cbr-plain.mp3") << "000.mp3" << qint64(1500);
    QTest::newRow("mp3 VBR, Xing") << fixture("vbr-xing.mp3") << "000.mp3" << qint64(2500);
    QTest::newRow("ogg") << fixture("vorbis.ogg") << "000.ogg" << qint64(2000);
    QTest::newRow("m4a") << fixture("aac.m4a") << "000.m4a" << qint64(3000);
}

void tst_AudioDurations::lengths()
{
    QFETCH(QString, file);
    QFETCH(QString, name);
    QFETCH(qint64, expected);

    const QString path = m_dir->filePath(name);
    QVERIFY(QFile::copy(file, path));
    AudioDurations durations;
    const std::optional<qint64> duration = durations.durationMs(path, 1, 1);
    QVERIFY(duration);
    QVERIFY2(qAbs(*duration - expected) <= 60, qPrintable(QString::number(*duration)));
    QCOMPARE(durations.reads(), 1);
    QCOMPARE(countMediaLog(QStringLiteral("has no length")), 0);
}

// Nothing that is not a readable sound crashes; each is named in the log.
void tst_AudioDurations::unreadable_data()
{
    QTest::addColumn<QByteArray>("content"); // of NAME in a temporary folder
    QTest::addColumn<QString>("name");

    QFile mp3(fixture("cbr-plain.mp3"));
    QVERIFY(mp3.open(QIODevice::ReadOnly));
    const QByteArray sound = mp3.readAll();
    QTest::newRow("empty mp3") << QByteArray() << "000.mp3";
    QTest::newRow("one byte") << QByteArray(1, '\xff') << "000.mp3";
    QTest::newRow("half a frame") << sound.left(48) << "000.mp3";
    QTest::newRow("text") << QByteArray("not a sound\n") << "000.mp3";
    QTest::newRow("zeros") << QByteArray(20000, '\0') << "000.mp3";
    QTest::newRow("half a frame, named ogg") << sound.left(48) << "000.ogg";
    QTest::newRow("empty ogg") << QByteArray() << "000.ogg";
    QTest::newRow("empty m4a") << QByteArray() << "000.m4a";
    QTest::newRow("no such file") << QByteArray() << "";
    QTest::newRow("a folder") << QByteArray() << "folder.mp3";
}

void tst_AudioDurations::unreadable()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, name);

    QString path = m_dir->filePath(QStringLiteral("gone.mp3"));
    if (name == QLatin1String("folder.mp3")) {
        path = m_dir->filePath(name);
        QVERIFY(QDir().mkdir(path));
    } else if (!name.isEmpty()) {
        path = m_dir->filePath(name);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(content), content.size());
    }
    AudioDurations durations;
    QVERIFY(!durations.durationMs(path, content.size(), 1));
    QCOMPARE(countMediaLog(path + QStringLiteral(" has no length")), 1);
}

// The cache reads a file again only when its size or time differs.
void tst_AudioDurations::readsOnlyWhatChanged()
{
    const QString one = fixture("cbr-id3v2.mp3");
    const QString two = fixture("vorbis.ogg");
    AudioDurations durations;
    const std::optional<qint64> first = durations.durationMs(one, 4205, 1000);
    QVERIFY(first);
    QVERIFY(durations.durationMs(two, 7506, 1000));
    QCOMPARE(durations.reads(), 2);

    for (int i = 0; i < 3; ++i)
        QCOMPARE(durations.durationMs(one, 4205, 1000), first);
    QVERIFY(durations.durationMs(two, 7506, 1000));
    QCOMPARE(durations.reads(), 2);

    QCOMPARE(durations.durationMs(one, 4205, 2000), first); // another time
    QCOMPARE(durations.reads(), 3);
    QCOMPARE(durations.durationMs(one, 4206, 2000), first); // another size
    QCOMPARE(durations.reads(), 4);
    QCOMPARE(durations.durationMs(one, 4206, 2000), first);
    QCOMPARE(durations.reads(), 4);
}

// A file that cannot be read is logged when it is read, not each time asked.
void tst_AudioDurations::unreadableLoggedOncePerChange()
{
    const QString text = fixture("not-audio.mp3");
    const QString logged = text + QStringLiteral(" has no length");
    AudioDurations durations;
    for (int i = 0; i < 5; ++i)
        QVERIFY(!durations.durationMs(text, 47, 1000));
    QCOMPARE(durations.reads(), 1);
    QCOMPARE(countMediaLog(logged), 1);

    QVERIFY(!durations.durationMs(text, 47, 2000));
    QCOMPARE(durations.reads(), 2);
    QCOMPARE(countMediaLog(logged), 2);
}

void tst_AudioDurations::retainForgetsOthers()
{
    const QString one = fixture("cbr-id3v2.mp3");
    const QString two = fixture("cbr-plain.mp3");
    AudioDurations durations;
    QVERIFY(durations.durationMs(one, 1, 1));
    QVERIFY(durations.durationMs(two, 1, 1));
    QCOMPARE(durations.reads(), 2);

    durations.retain({ two });
    QVERIFY(durations.durationMs(two, 1, 1));
    QCOMPARE(durations.reads(), 2);
    QVERIFY(durations.durationMs(one, 1, 1)); // forgotten: read again
    QCOMPARE(durations.reads(), 3);

    durations.retain({});
    QVERIFY(durations.durationMs(two, 1, 1));
    QCOMPARE(durations.reads(), 4);
}

QTEST_GUILESS_MAIN(tst_AudioDurations)
#include "tst_audiodurations.moc"
