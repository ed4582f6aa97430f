#include "media/medialibrary.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>

#include <unistd.h>

// The library waits for changes to settle before it rescans.
constexpr int ChangeTimeoutMs = 5000;
// Where the file system reports nothing (a file rewritten in place), the
// library's periodic check must find the change: checked often in tests.
constexpr int QuickCheckMs = 50;
// Where inotify must see a change by itself: no check during the test.
constexpr int NoCheckMs = 600000;
// Lengths from headers carry the encoder's delay and padding: tens of ms.
constexpr qint64 DurationToleranceMs = 60;

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

// The inotify watches this process holds, as the kernel counts them.
int inotifyWatches()
{
    int watches = 0;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    const QStringList names = fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &fd : names) {
        char target[64];
        const ssize_t length = ::readlink(QFile::encodeName(fds.filePath(fd)).constData(), target, sizeof target);
        if (length <= 0 || QByteArray(target, int(length)) != "anon_inode:inotify")
            continue;
        QFile info(QStringLiteral("/proc/self/fdinfo/") + fd);
        if (info.open(QIODevice::ReadOnly))
            watches += int(info.readAll().count("inotify wd:"));
    }
    return watches;
}

} // namespace

class tst_MediaLibrary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();
    void baseName_data();
    void baseName();
    void contains_data();
    void contains();
    void validation_data();
    void validation();
    void missingFolder();
    void urls_data();
    void urls();
    void items();
    void rescanEmitsOnlyOnDifference();
    void liveChange_data();
    void liveChange();
    void addedFileIsWatched();
    void fileFilledAfterCreation();
    void unrelatedFilesAreIgnored_data();
    void unrelatedFilesAreIgnored();
    void watchesFolderNotFiles_data();
    void watchesFolderNotFiles();
    void copyInProgressSettles_data();
    void copyInProgressSettles();
    void folderReplaced_data();
    void folderReplaced();
    void absentFolderLoggedOnce_data();
    void absentFolderLoggedOnce();
    void durations_data();
    void durations();
    void demoMediaDurations();
    void durationFollowsChange_data();
    void durationFollowsChange();
    void unknownLengthLoggedOnce();
    void attractVideoFollowsFolder();
    void variants_data();
    void variants();
    void variantDurationsAndTitle();
    void variantsValidation();
    void languageButtonNeedsNoMedia();

private:
    // Writes a file whose modification time lies in the past, so that any
    // later write gives it a new time even on coarse clocks.
    void writeOld(const QString &name, const QByteArray &content);
    void write(const QString &name, const QByteArray &content);
    // NNN.jpg and NNN.mp3 for every ID, except `absent`; `empty` ones get no content.
    void populate(int firstId, int count, const QStringList &absent = {}, const QStringList &empty = {});
    QString path(const QString &name) const { return m_dir->filePath(name); }
    // A complete set of NNN.jpg and NNN.mp3 in the subfolder `folder`.
    void populateFolder(const QString &folder, int count, const QStringList &extra = {});
    // One step of a curator's work on folders below the temporary one:
    // "cp SRC DST" (the files of a folder), "mv SRC DST", "rm PATH" (a
    // folder, file or symlink), "mkdir PATH", "ln TARGET LINK" (replaces LINK
    // atomically, as `ln -sfn` does).
    void act(const QString &step);
    // "absent", "empty" (there, without media), "v1" (complete), "v2"
    // (complete, with a video for ID 5) against what the library says.
    static bool libraryShows(const MediaLibrary &library, const QString &expected);
    // A file of autotests/medialibrary/data (made by make-fixtures.sh there).
    static QByteArray fixture(const QString &name);
    // durationMs(id) within the tolerance of `expected` (-1: unknown), and
    // the item's duration_ms the same.
    static bool hasDuration(const MediaLibrary &library, int id, qint64 expected,
                            qint64 tolerance = DurationToleranceMs);

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_MediaLibrary::initTestCase()
{
    previousHandler = qInstallMessageHandler(recordMediaLog);
}

void tst_MediaLibrary::cleanupTestCase()
{
    qInstallMessageHandler(previousHandler);
}

void tst_MediaLibrary::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    mediaLog.clear();
}

void tst_MediaLibrary::write(const QString &name, const QByteArray &content)
{
    QFile file(path(name));
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
    QCOMPARE(file.write(content), content.size());
}

void tst_MediaLibrary::writeOld(const QString &name, const QByteArray &content)
{
    QFile file(path(name));
    QVERIFY2(file.open(QIODevice::WriteOnly | QIODevice::Truncate), qPrintable(file.errorString()));
    QCOMPARE(file.write(content), content.size());
    QVERIFY(file.flush());
    QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addDays(-30), QFileDevice::FileModificationTime));
}

void tst_MediaLibrary::populate(int firstId, int count, const QStringList &absent, const QStringList &empty)
{
    for (int id = firstId; id < firstId + count; ++id) {
        for (const char *suffix : { ".jpg", ".mp3" }) {
            const QString name = MediaLibrary::baseName(id) + QLatin1String(suffix);
            if (!absent.contains(name))
                writeOld(name, empty.contains(name) ? QByteArray() : QByteArray("media ") + name.toLatin1());
        }
    }
}

void tst_MediaLibrary::baseName_data()
{
    QTest::addColumn<int>("id");
    QTest::addColumn<QString>("name");

    QTest::newRow("0") << 0 << "000";
    QTest::newRow("7") << 7 << "007";
    QTest::newRow("42") << 42 << "042";
    QTest::newRow("100") << 100 << "100";
    QTest::newRow("999") << 999 << "999";
}

void tst_MediaLibrary::baseName()
{
    QFETCH(int, id);
    QFETCH(QString, name);
    QCOMPARE(MediaLibrary::baseName(id), name);
}

void tst_MediaLibrary::contains_data()
{
    QTest::addColumn<int>("firstId");
    QTest::addColumn<int>("id");
    QTest::addColumn<bool>("contained");

    QTest::newRow("0 in 0..9") << 0 << 0 << true;
    QTest::newRow("9 in 0..9") << 0 << 9 << true;
    QTest::newRow("10 in 0..9") << 0 << 10 << false;
    QTest::newRow("-1 in 0..9") << 0 << -1 << false;
    QTest::newRow("0 in 1..10") << 1 << 0 << false;
    QTest::newRow("1 in 1..10") << 1 << 1 << true;
    QTest::newRow("10 in 1..10") << 1 << 10 << true;
    QTest::newRow("11 in 1..10") << 1 << 11 << false;
}

void tst_MediaLibrary::contains()
{
    QFETCH(int, firstId);
    QFETCH(int, id);
    QFETCH(bool, contained);

    const MediaLibrary library(m_dir->path(), firstId, 10);
    QCOMPARE(library.contains(id), contained);
}

void tst_MediaLibrary::validation_data()
{
    QTest::addColumn<int>("firstId");
    QTest::addColumn<int>("count");
    QTest::addColumn<QStringList>("absent");
    QTest::addColumn<QStringList>("empty");
    QTest::addColumn<QStringList>("extra"); // further files with content
    QTest::addColumn<QStringList>("missing");

    const QStringList none;
    QTest::newRow("complete") << 0 << 10 << none << none << none << none;
    QTest::newRow("complete, 100") << 0 << 100 << none << none << none << none;
    QTest::newRow("missing jpg") << 0 << 10 << QStringList{ "003.jpg" } << none << none << QStringList{ "003.jpg" };
    QTest::newRow("missing mp3") << 0 << 10 << QStringList{ "003.mp3" } << none << none << QStringList{ "003.mp3" };
    QTest::newRow("empty jpg") << 0 << 10 << none << QStringList{ "004.jpg" } << none << QStringList{ "004.jpg" };
    QTest::newRow("empty mp3") << 0 << 10 << none << QStringList{ "004.mp3" } << none << QStringList{ "004.mp3" };
    QTest::newRow("order by ID, image first")
            << 0 << 10 << QStringList{ "007.mp3", "002.mp3", "002.jpg" } << QStringList{ "009.jpg" } << none
            << QStringList{ "002.jpg", "002.mp3", "007.mp3", "009.jpg" };
    QTest::newRow("first ID and last ID") << 0 << 10 << QStringList{ "000.jpg", "009.mp3" } << none << none
                                          << QStringList{ "000.jpg", "009.mp3" };
    QTest::newRow("first_id 1, complete") << 1 << 10 << none << none << none << none;
    QTest::newRow("first_id 1, last missing") << 1 << 10 << QStringList{ "010.jpg", "010.mp3" } << none
                                              << QStringList{ "000.jpg", "000.mp3" }
                                              << QStringList{ "010.jpg", "010.mp3" };
    // NNN.png and NNN.ogg are alternatives, but the set still needs jpg and mp3.
    QTest::newRow("alternatives do not complete")
            << 0 << 10 << QStringList{ "005.jpg", "005.mp3" } << none << QStringList{ "005.png", "005.ogg", "005.mp4" }
            << QStringList{ "005.jpg", "005.mp3" };
    QTest::newRow("look-alike names do not count")
            << 0 << 10 << QStringList{ "001.jpg", "001.mp3" } << none
            << QStringList{ "1.jpg", "01.mp3", "0001.jpg", "001.JPG", "001.mp3.part", "001.jpg~" }
            << QStringList{ "001.jpg", "001.mp3" };
    QTest::newRow("all missing") << 0 << 3 << QStringList{ "000.jpg", "000.mp3", "001.jpg", "001.mp3", "002.jpg", "002.mp3" }
                                 << none << none
                                 << QStringList{ "000.jpg", "000.mp3", "001.jpg", "001.mp3", "002.jpg", "002.mp3" };
}

void tst_MediaLibrary::validation()
{
    QFETCH(int, firstId);
    QFETCH(int, count);
    QFETCH(QStringList, absent);
    QFETCH(QStringList, empty);
    QFETCH(QStringList, extra);
    QFETCH(QStringList, missing);

    populate(firstId, count, absent, empty);
    for (const QString &name : extra)
        write(name, "x");

    const MediaLibrary library(m_dir->path(), firstId, count);
    QCOMPARE(library.missingFiles(), missing);
    QCOMPARE(library.isComplete(), missing.isEmpty());
    QCOMPARE(library.firstId(), firstId);
    QCOMPARE(library.count(), count);
    QCOMPARE(QDir(library.folder()), QDir(m_dir->path()));
}

// A folder that does not exist, or a folder entry named like media, is not media.
void tst_MediaLibrary::missingFolder()
{
    QVERIFY(QDir(m_dir->path()).mkdir(QStringLiteral("000.jpg")));
    write(QStringLiteral("000.mp3"), "x");
    const MediaLibrary library(m_dir->path(), 0, 1);
    QCOMPARE(library.missingFiles(), QStringList{ QStringLiteral("000.jpg") });
    QVERIFY(library.item(0).value(QLatin1String("image")).isNull());

    const MediaLibrary nowhere(m_dir->filePath(QStringLiteral("no-such-folder")), 0, 2);
    QCOMPARE(nowhere.missingFiles(), (QStringList{ "000.jpg", "000.mp3", "001.jpg", "001.mp3" }));
    QVERIFY(!nowhere.isComplete());
}

void tst_MediaLibrary::urls_data()
{
    QTest::addColumn<QStringList>("files");      // of ID 3, with content
    QTest::addColumn<QStringList>("emptyFiles"); // of ID 3, empty
    QTest::addColumn<QString>("image");          // expected name; empty: null
    QTest::addColumn<QString>("audio");
    QTest::addColumn<QString>("video");

    const QStringList none;
    QTest::newRow("jpg, mp3") << QStringList{ "003.jpg", "003.mp3" } << none << "003.jpg" << "003.mp3" << "";
    QTest::newRow("nothing") << none << none << "" << "" << "";
    QTest::newRow("png") << QStringList{ "003.png" } << none << "003.png" << "" << "";
    QTest::newRow("webp") << QStringList{ "003.webp" } << none << "003.webp" << "" << "";
    QTest::newRow("jpg over png, webp") << QStringList{ "003.webp", "003.png", "003.jpg" } << none << "003.jpg" << ""
                                        << "";
    QTest::newRow("png over webp") << QStringList{ "003.webp", "003.png" } << none << "003.png" << "" << "";
    QTest::newRow("ogg") << QStringList{ "003.ogg" } << none << "" << "003.ogg" << "";
    QTest::newRow("m4a") << QStringList{ "003.m4a" } << none << "" << "003.m4a" << "";
    QTest::newRow("mp3 over ogg, m4a") << QStringList{ "003.m4a", "003.ogg", "003.mp3" } << none << "" << "003.mp3" << "";
    QTest::newRow("ogg over m4a") << QStringList{ "003.m4a", "003.ogg" } << none << "" << "003.ogg" << "";
    QTest::newRow("mp4") << QStringList{ "003.jpg", "003.mp3", "003.mp4" } << none << "003.jpg" << "003.mp3"
                         << "003.mp4";
    QTest::newRow("webm") << QStringList{ "003.webm" } << none << "" << "" << "003.webm";
    QTest::newRow("mp4 over webm") << QStringList{ "003.webm", "003.mp4" } << none << "" << "" << "003.mp4";
    QTest::newRow("empty jpg falls back to png") << QStringList{ "003.png", "003.mp3" } << QStringList{ "003.jpg" }
                                                 << "003.png" << "003.mp3" << "";
    QTest::newRow("empty mp4 is no video") << QStringList{ "003.jpg", "003.mp3" } << QStringList{ "003.mp4" } << "003.jpg"
                                           << "003.mp3" << "";
    QTest::newRow("other IDs do not leak") << QStringList{ "002.jpg", "004.mp3", "030.mp4", "3.jpg" } << none << ""
                                           << "" << "";
}

void tst_MediaLibrary::urls()
{
    QFETCH(QStringList, files);
    QFETCH(QStringList, emptyFiles);
    QFETCH(QString, image);
    QFETCH(QString, audio);
    QFETCH(QString, video);

    for (const QString &name : files)
        write(name, "content of " + name.toLatin1());
    for (const QString &name : emptyFiles)
        write(name, QByteArray());

    const MediaLibrary library(m_dir->path(), 0, 10);
    const QJsonObject item = library.item(3);
    QCOMPARE(item.size(), 8);
    QCOMPARE(item.value(QLatin1String("id")), QJsonValue(3));
    // Text under a sound's name has no length.
    QVERIFY(item.value(QLatin1String("duration_ms")).isNull());
    const QRegularExpression url(QStringLiteral("^/media/(\\d{3}\\.[a-z0-9]+)\\?v=[0-9a-z]+$"));
    const std::pair<const char *, QString> expectations[] = { { "image", image }, { "audio", audio }, { "video", video } };
    for (const auto &[field, name] : expectations) {
        const QJsonValue value = item.value(QLatin1String(field));
        if (name.isEmpty()) {
            QVERIFY2(value.isNull(), field);
            continue;
        }
        const QRegularExpressionMatch match = url.match(value.toString());
        QVERIFY2(match.hasMatch(), qPrintable(value.toString()));
        QCOMPARE(match.captured(1), name);
    }
}

void tst_MediaLibrary::items()
{
    populate(1, 12);
    write(QStringLiteral("012.mp4"), "video");
    const MediaLibrary library(m_dir->path(), 1, 12);
    const QJsonArray items = library.items();
    QCOMPARE(items.size(), 12);
    for (int i = 0; i < items.size(); ++i) {
        QCOMPARE(items.at(i).toObject(), library.item(1 + i));
        QCOMPARE(items.at(i).toObject().value(QLatin1String("id")), QJsonValue(1 + i));
    }
    QVERIFY(items.last().toObject().value(QLatin1String("video")).toString().startsWith(QLatin1String("/media/012.mp4?v=")));
    // Stable while nothing changes, so browsers keep their preloads.
    QCOMPARE(library.items(), items);
}

void tst_MediaLibrary::rescanEmitsOnlyOnDifference()
{
    populate(0, 10, { QStringLiteral("006.jpg") });
    MediaLibrary library(m_dir->path(), 0, 10);
    QSignalSpy changed(&library, &MediaLibrary::changed);

    library.rescan();
    QCOMPARE(changed.size(), 0);

    write(QStringLiteral("006.jpg"), "image");
    library.rescan();
    QCOMPARE(changed.size(), 1);
    QVERIFY(library.isComplete());

    library.rescan();
    QCOMPARE(changed.size(), 1);
}

void tst_MediaLibrary::liveChange_data()
{
    QTest::addColumn<QStringList>("absent");
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("field"); // the URL field of ID 5 that must change
    QTest::addColumn<QStringList>("missing");

    const QStringList none;
    QTest::newRow("add missing mp3") << QStringList{ "005.mp3" } << "write" << "005.mp3" << "audio" << none;
    QTest::newRow("add missing jpg") << QStringList{ "005.jpg" } << "write" << "005.jpg" << "image" << none;
    QTest::newRow("add video") << none << "write" << "005.mp4" << "video" << none;
    QTest::newRow("add png, jpg missing") << QStringList{ "005.jpg" } << "write" << "005.png" << "image"
                                          << QStringList{ "005.jpg" };
    QTest::newRow("remove mp3") << none << "remove" << "005.mp3" << "audio" << QStringList{ "005.mp3" };
    QTest::newRow("remove jpg") << none << "remove" << "005.jpg" << "image" << QStringList{ "005.jpg" };
    QTest::newRow("empty mp3 in place") << none << "truncate" << "005.mp3" << "audio" << QStringList{ "005.mp3" };
    QTest::newRow("replace jpg in place") << none << "write" << "005.jpg" << "image" << none;
    QTest::newRow("replace mp3 in place, same size") << none << "same-size" << "005.mp3" << "audio" << none;
    QTest::newRow("replace jpg by rename") << none << "rename" << "005.jpg" << "image" << none;
    QTest::newRow("add mp3 by rename") << QStringList{ "005.mp3" } << "rename" << "005.mp3" << "audio" << none;
    QTest::newRow("rename away") << none << "rename-away" << "005.jpg" << "image" << QStringList{ "005.jpg" };
}

void tst_MediaLibrary::liveChange()
{
    QFETCH(QStringList, absent);
    QFETCH(QString, action);
    QFETCH(QString, name);
    QFETCH(QString, field);
    QFETCH(QStringList, missing);

    populate(0, 10, absent);
    MediaLibrary library(m_dir->path(), 0, 10);
    QCOMPARE(library.missingFiles(), absent);
    library.setCheckInterval(QuickCheckMs);
    library.startWatching();
    QSignalSpy changed(&library, &MediaLibrary::changed);
    const QJsonValue before = library.item(5).value(field);
    const QJsonArray itemsBefore = library.items();

    if (action == QLatin1String("write")) {
        write(name, "new content for " + name.toLatin1());
    } else if (action == QLatin1String("same-size")) {
        QFile file(path(name));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray content = file.readAll();
        file.close();
        content[0] = content.at(0) == 'X' ? 'Y' : 'X';
        write(name, content);
    } else if (action == QLatin1String("remove")) {
        QVERIFY(QFile::remove(path(name)));
    } else if (action == QLatin1String("truncate")) {
        write(name, QByteArray());
    } else if (action == QLatin1String("rename")) {
        // How rsync and careful copy tools replace a file: a temporary, then rename.
        const QString temporary = QStringLiteral(".") + name + QStringLiteral(".part");
        write(temporary, "renamed content for " + name.toLatin1());
        QVERIFY(::rename(QFile::encodeName(path(temporary)).constData(), QFile::encodeName(path(name)).constData()) == 0);
    } else if (action == QLatin1String("rename-away")) {
        QVERIFY(QFile::rename(path(name), path(name + QStringLiteral(".old"))));
    } else {
        QFAIL("unknown action");
    }

    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, ChangeTimeoutMs);
    QCOMPARE(library.missingFiles(), missing);
    QCOMPARE(library.isComplete(), missing.isEmpty());
    const QJsonValue after = library.item(5).value(field);
    QVERIFY2(after != before, qPrintable(after.toString()));
    if (action.startsWith(QLatin1String("remove")) || action == QLatin1String("truncate")
        || action == QLatin1String("rename-away")) {
        QVERIFY(after.isNull());
    } else {
        // Same file name, new cache-buster: browsers fetch the new content.
        QVERIFY2(after.toString().startsWith(QStringLiteral("/media/") + name + QStringLiteral("?v=")),
                 qPrintable(after.toString()));
    }
    // Only ID 5 changed.
    const QJsonArray itemsAfter = library.items();
    for (int id = 0; id < 10; ++id) {
        if (id != 5)
            QCOMPARE(itemsAfter.at(id), itemsBefore.at(id));
    }
}

// A file added while running must be checked too: replacing it later in
// place changes only the file, not the folder.
void tst_MediaLibrary::addedFileIsWatched()
{
    populate(0, 10, { QStringLiteral("005.mp3") });
    MediaLibrary library(m_dir->path(), 0, 10);
    library.setCheckInterval(QuickCheckMs);
    library.startWatching();
    QSignalSpy changed(&library, &MediaLibrary::changed);

    write(QStringLiteral("005.mp3"), "first take");
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, ChangeTimeoutMs);
    QVERIFY(library.isComplete());
    const QJsonValue first = library.item(5).value(QLatin1String("audio"));
    QVERIFY(first.isString());

    // A new modification time for certain, however coarse the clock.
    {
        QFile file(path(QStringLiteral("005.mp3")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(file.write("second take") > 0);
        QVERIFY(file.flush());
        QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(60), QFileDevice::FileModificationTime));
    }
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 2, ChangeTimeoutMs);
    const QJsonValue second = library.item(5).value(QLatin1String("audio"));
    QVERIFY(second.toString().startsWith(QLatin1String("/media/005.mp3?v=")));
    QVERIFY(second != first);
}

// A file that appears empty and gets its content later (a slow copy, an
// upload that creates the file first) must still be noticed.
void tst_MediaLibrary::fileFilledAfterCreation()
{
    populate(0, 10, { QStringLiteral("005.mp3") });
    MediaLibrary library(m_dir->path(), 0, 10);
    library.setCheckInterval(QuickCheckMs);
    library.startWatching();
    QSignalSpy changed(&library, &MediaLibrary::changed);

    // The empty file, and a change that makes the library rescan after it.
    write(QStringLiteral("005.mp3"), QByteArray());
    write(QStringLiteral("005.mp4"), "video");
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, ChangeTimeoutMs);
    QCOMPARE(library.missingFiles(), QStringList{ QStringLiteral("005.mp3") });

    write(QStringLiteral("005.mp3"), "audio, at last");
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 2, ChangeTimeoutMs);
    QVERIFY(library.isComplete());
}

void tst_MediaLibrary::populateFolder(const QString &folder, int count, const QStringList &extra)
{
    QVERIFY(QDir(m_dir->path()).mkpath(folder));
    for (int id = 0; id < count; ++id) {
        for (const char *suffix : { ".jpg", ".mp3" }) {
            const QString name = MediaLibrary::baseName(id) + QLatin1String(suffix);
            writeOld(folder + QLatin1Char('/') + name, QByteArray("media ") + name.toLatin1());
        }
    }
    for (const QString &name : extra)
        writeOld(folder + QLatin1Char('/') + name, QByteArray("extra ") + name.toLatin1());
}

void tst_MediaLibrary::act(const QString &step)
{
    const QStringList words = step.split(QLatin1Char(' '));
    const QString verb = words.value(0);
    const QString first = path(words.value(1));
    const QString second = path(words.value(2));
    if (verb == QLatin1String("cp")) {
        QVERIFY(QDir().mkpath(second));
        const QStringList names = QDir(first).entryList(QDir::Files);
        for (const QString &name : names)
            QVERIFY(QFile::copy(first + QLatin1Char('/') + name, second + QLatin1Char('/') + name));
    } else if (verb == QLatin1String("mv")) {
        QVERIFY2(::rename(QFile::encodeName(first).constData(), QFile::encodeName(second).constData()) == 0,
                 qPrintable(step));
    } else if (verb == QLatin1String("rm")) {
        const QFileInfo info(first);
        if (info.isSymLink() || info.isFile())
            QVERIFY(QFile::remove(first));
        else
            QVERIFY(QDir(first).removeRecursively());
    } else if (verb == QLatin1String("mkdir")) {
        QVERIFY(QDir().mkpath(first));
    } else if (verb == QLatin1String("ln")) {
        // The target as written, relative to the link's folder.
        const QByteArray temporary = QFile::encodeName(second + QStringLiteral(".new"));
        QVERIFY(::symlink(QFile::encodeName(words.value(1)).constData(), temporary.constData()) == 0);
        QVERIFY(::rename(temporary.constData(), QFile::encodeName(second).constData()) == 0);
    } else {
        QFAIL(qPrintable(QStringLiteral("unknown step: ") + step));
    }
}

bool tst_MediaLibrary::libraryShows(const MediaLibrary &library, const QString &expected)
{
    const QJsonObject five = library.item(5);
    if (expected == QLatin1String("absent") || expected == QLatin1String("empty")) {
        return library.folderExists() == (expected == QLatin1String("empty"))
                && library.missingFiles().size() == 2 * library.count() && five.value(QLatin1String("image")).isNull()
                && five.value(QLatin1String("audio")).isNull();
    }
    const bool video = expected == QLatin1String("v2");
    return library.folderExists() && library.isComplete() && five.value(QLatin1String("image")).isString()
            && five.value(QLatin1String("video")).isString() == video;
}

// Names that are not media of an ID in range: no news for browsers.
void tst_MediaLibrary::unrelatedFilesAreIgnored_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("folder"); // a folder of that name instead of a file

    QTest::newRow("text file") << "notes.txt" << false;
    QTest::newRow("upper case") << "005.JPG" << false;
    QTest::newRow("no leading zeros") << "5.jpg" << false;
    QTest::newRow("partial upload") << "005.jpg.part" << false;
    QTest::newRow("editor backup") << "005.mp3~" << false;
    QTest::newRow("hidden temporary") << ".005.mp3.swp" << false;
    QTest::newRow("past the last ID") << "010.jpg" << false;
    QTest::newRow("other suffix") << "005.gif" << false;
    QTest::newRow("folder named like media") << "005.mp4" << true;
}

void tst_MediaLibrary::unrelatedFilesAreIgnored()
{
    QFETCH(QString, name);
    QFETCH(bool, folder);

    populate(0, 10);
    MediaLibrary library(m_dir->path(), 0, 10);
    QSignalSpy changed(&library, &MediaLibrary::changed);
    const QJsonArray before = library.items();

    if (folder)
        QVERIFY(QDir(m_dir->path()).mkdir(name));
    else
        write(name, "not media");
    library.rescan();
    QCOMPARE(changed.size(), 0);
    QCOMPARE(library.items(), before);
    QVERIFY(library.isComplete());
}

// One watch for the folder (and what following it needs), not one per file:
// a folder full of other files costs nothing, and a change does not re-watch.
void tst_MediaLibrary::watchesFolderNotFiles_data()
{
    QTest::addColumn<int>("otherFiles");

    QTest::newRow("only media") << 0;
    QTest::newRow("10,000 other files") << 10000;
}

void tst_MediaLibrary::watchesFolderNotFiles()
{
    QFETCH(int, otherFiles);

    populateFolder(QStringLiteral("media"), 10);
    for (int i = 0; i < otherFiles; ++i) {
        QFile file(path(QStringLiteral("media/other-%1.txt").arg(i, 5, 10, QLatin1Char('0'))));
        QVERIFY(file.open(QIODevice::WriteOnly));
    }
    const int watchesBefore = inotifyWatches();

    MediaLibrary library(path(QStringLiteral("media")), 0, 10);
    library.setCheckInterval(QuickCheckMs);
    library.startWatching();
    QSignalSpy changed(&library, &MediaLibrary::changed);
    QVERIFY(library.isComplete());
    QVERIFY2(inotifyWatches() - watchesBefore <= 3, qPrintable(QString::number(inotifyWatches() - watchesBefore)));

    // A file added is picked up, and the rescan adds no watch.
    write(QStringLiteral("media/005.mp4"), "video");
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, ChangeTimeoutMs);
    const QJsonValue video = library.item(5).value(QLatin1String("video"));
    QVERIFY(video.isString());
    QVERIFY2(inotifyWatches() - watchesBefore <= 3, qPrintable(QString::number(inotifyWatches() - watchesBefore)));

    // So is the same file rewritten in place: no watch on the file tells.
    {
        QFile file(path(QStringLiteral("media/005.mp4")));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QVERIFY(file.write("another video") > 0);
        QVERIFY(file.flush());
        QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(60), QFileDevice::FileModificationTime));
    }
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 2, ChangeTimeoutMs);
    QVERIFY(library.item(5).value(QLatin1String("video")) != video);
    QVERIFY2(inotifyWatches() - watchesBefore <= 3, qPrintable(QString::number(inotifyWatches() - watchesBefore)));
}

// A file still being written is announced once, when it is complete.
void tst_MediaLibrary::copyInProgressSettles_data()
{
    QTest::addColumn<bool>("existing"); // rewritten in place rather than created

    QTest::newRow("new file") << false;
    QTest::newRow("rewritten in place") << true;
}

void tst_MediaLibrary::copyInProgressSettles()
{
    QFETCH(bool, existing);

    populateFolder(QStringLiteral("media"), 10, existing ? QStringList { QStringLiteral("005.mp4") } : QStringList());
    MediaLibrary library(path(QStringLiteral("media")), 0, 10);
    library.setCheckInterval(QuickCheckMs);
    library.startWatching();
    QList<QJsonObject> announced; // item 5 at each changed()
    connect(&library, &MediaLibrary::changed, this, [&] { announced.append(library.item(5)); });

    // A slow copy: a piece every 50 ms for 0.6 s.
    QFile file(path(QStringLiteral("media/005.mp4")));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    int pieces = 0;
    QTimer copier;
    copier.setInterval(50);
    connect(&copier, &QTimer::timeout, this, [&] {
        file.write(QByteArray(1000, 'v'));
        file.flush();
        if (++pieces == 12) {
            copier.stop();
            file.close();
        }
    });
    copier.start();

    QTRY_VERIFY_WITH_TIMEOUT(!copier.isActive() && !announced.isEmpty(), ChangeTimeoutMs);
    const qint64 modified = QFileInfo(file.fileName()).lastModified().toMSecsSinceEpoch();
    const QString complete = QStringLiteral("/media/005.mp4?v=%1").arg(modified, 0, 36);
    QCOMPARE(announced.size(), 1);
    QCOMPARE(announced.first().value(QLatin1String("video")).toString(), complete);
    QCOMPARE(library.item(5).value(QLatin1String("video")).toString(), complete);
}

// The whole folder swapped under the running library, the way curators do it.
// Rows with NoCheckMs must be seen by inotify alone; the others need the
// periodic check (nothing watches a folder's grandparent).
void tst_MediaLibrary::folderReplaced_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<QStringList>("setup");
    QTest::addColumn<int>("checkMs");
    QTest::addColumn<QStringList>("steps"); // "expect STATE" waits for the library to show it

    const QStringList copied { "cp v1 media" };
    QTest::newRow("deleted, copied back") << "media" << copied << NoCheckMs
                                          << QStringList { "rm media", "expect absent", "cp v2 media", "expect v2" };
    QTest::newRow("deleted and copied back, twice")
            << "media" << copied << NoCheckMs
            << QStringList { "rm media", "expect absent", "cp v2 media", "expect v2",
                             "rm media", "expect absent", "cp v1 media", "expect v1" };
    QTest::newRow("deleted, recreated empty, filled")
            << "media" << copied << NoCheckMs
            << QStringList { "rm media", "expect absent", "mkdir media", "expect empty", "cp v2 media", "expect v2" };
    QTest::newRow("renamed away, another renamed in")
            << "media" << copied << NoCheckMs
            << QStringList { "mv media old", "expect absent", "mv v2 media", "expect v2" };
    QTest::newRow("swapped by two renames") << "media" << copied << NoCheckMs
                                            << QStringList { "mv media old", "mv v2 media", "expect v2" };
    QTest::newRow("renamed away and back") << "media" << copied << NoCheckMs
                                           << QStringList { "mv media old", "expect absent", "mv old media", "expect v1" };
    QTest::newRow("absent at start") << "media" << QStringList() << NoCheckMs << QStringList { "cp v1 media", "expect v1" };

    const QStringList linked { "ln v1 media" };
    QTest::newRow("symlink re-pointed") << "media" << linked << NoCheckMs
                                        << QStringList { "ln v2 media", "expect v2", "ln v1 media", "expect v1" };
    QTest::newRow("symlink deleted, made again")
            << "media" << linked << NoCheckMs << QStringList { "rm media", "expect absent", "ln v2 media", "expect v2" };
    QTest::newRow("symlink target deleted, copied back")
            << "media" << linked << NoCheckMs << QStringList { "rm v1", "expect absent", "cp v2 v1", "expect v2" };

    const QStringList linkedElsewhere { "cp v1 store/v1", "ln store/v1 media" };
    QTest::newRow("symlink target elsewhere, renamed away and back")
            << "media" << linkedElsewhere << NoCheckMs
            << QStringList { "mv store/v1 store/old", "expect absent", "mv store/old store/v1", "expect v1" };
    QTest::newRow("symlink target elsewhere, re-pointed")
            << "media" << linkedElsewhere << NoCheckMs
            << QStringList { "cp v2 store/v2", "ln store/v2 media", "expect v2" };

    QTest::newRow("folder above absent at start")
            << "deep/media" << QStringList() << QuickCheckMs
            << QStringList { "mkdir deep", "cp v1 deep/media", "expect v1", "rm deep", "expect absent",
                             "cp v2 deep/media", "expect v2" };
    QTest::newRow("folder above renamed away and back")
            << "deep/media" << QStringList { "cp v1 deep/media" } << QuickCheckMs
            << QStringList { "mv deep gone", "expect absent", "mv gone deep", "expect v1" };
}

void tst_MediaLibrary::folderReplaced()
{
    QFETCH(QString, folder);
    QFETCH(QStringList, setup);
    QFETCH(int, checkMs);
    QFETCH(QStringList, steps);

    constexpr int count = 10;
    populateFolder(QStringLiteral("v1"), count);
    populateFolder(QStringLiteral("v2"), count, { QStringLiteral("005.mp4") });
    for (const QString &step : std::as_const(setup)) {
        act(step);
        if (QTest::currentTestFailed())
            return;
    }

    MediaLibrary library(path(folder), 0, count);
    library.setCheckInterval(checkMs);
    library.startWatching();
    QSignalSpy changed(&library, &MediaLibrary::changed);
    QVERIFY(libraryShows(library, setup.isEmpty() ? QStringLiteral("absent") : QStringLiteral("v1")));

    for (const QString &step : std::as_const(steps)) {
        if (!step.startsWith(QLatin1String("expect "))) {
            act(step);
            if (QTest::currentTestFailed())
                return;
            continue;
        }
        const QString expected = step.mid(7);
        const qsizetype announced = changed.size();
        QTRY_VERIFY2_WITH_TIMEOUT(libraryShows(library, expected), qPrintable(step), ChangeTimeoutMs);
        // Browsers hear of every change of the media (an empty folder in
        // place of none is no news for them).
        if (expected != QLatin1String("empty"))
            QVERIFY2(changed.size() > announced, qPrintable(step));
    }
}

// Absent is logged once, when it happens, not at every check after.
void tst_MediaLibrary::absentFolderLoggedOnce_data()
{
    QTest::addColumn<QStringList>("setup");
    QTest::addColumn<QString>("away");
    QTest::addColumn<QString>("back");

    QTest::newRow("deleted") << QStringList { "cp v1 media" } << "rm media" << "cp v1 media";
    QTest::newRow("renamed away") << QStringList { "cp v1 media" } << "mv media old" << "mv old media";
    QTest::newRow("dangling symlink") << QStringList { "cp v1 store", "ln store media" } << "mv store old"
                                      << "mv old store";
}

void tst_MediaLibrary::absentFolderLoggedOnce()
{
    QFETCH(QStringList, setup);
    QFETCH(QString, away);
    QFETCH(QString, back);

    populateFolder(QStringLiteral("v1"), 10);
    for (const QString &step : std::as_const(setup))
        act(step);
    MediaLibrary library(path(QStringLiteral("media")), 0, 10);
    library.setCheckInterval(10);
    library.startWatching();
    QSignalSpy changed(&library, &MediaLibrary::changed);
    const QString absent = QStringLiteral("is absent");
    QCOMPARE(countMediaLog(absent), 0);

    act(away);
    QTRY_VERIFY_WITH_TIMEOUT(libraryShows(library, QStringLiteral("absent")), ChangeTimeoutMs);
    QCOMPARE(changed.size(), 1);
    // Not a synchronisation: time for some 20 checks that must stay silent.
    QTest::qWait(200);
    QCOMPARE(countMediaLog(absent), 1);
    QCOMPARE(changed.size(), 1);

    const int completeBefore = countMediaLog(QStringLiteral("10/10 complete"));
    act(back);
    QTRY_VERIFY_WITH_TIMEOUT(libraryShows(library, QStringLiteral("v1")), ChangeTimeoutMs);
    QCOMPARE(changed.size(), 2);
    QCOMPARE(countMediaLog(QStringLiteral("10/10 complete")), completeBefore + 1);
    QCOMPARE(countMediaLog(absent), 1);
}

QByteArray tst_MediaLibrary::fixture(const QString &name)
{
    QFile file(QStringLiteral(PANEL_AUDIO_FIXTURES_DIR "/") + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the fixture %s", qPrintable(file.fileName()));
    return file.readAll();
}

bool tst_MediaLibrary::hasDuration(const MediaLibrary &library, int id, qint64 expected, qint64 tolerance)
{
    const std::optional<qint64> duration = library.durationMs(id);
    const QJsonValue field = library.item(id).value(QLatin1String("duration_ms"));
    if (expected < 0)
        return !duration && field.isNull();
    return duration && qAbs(*duration - expected) <= tolerance && field.isDouble()
            && qint64(field.toDouble()) == *duration;
}

// Each sound's length as its headers tell, for the sound the item names.
void tst_MediaLibrary::durations_data()
{
    QTest::addColumn<QStringList>("files");     // "NAME=FIXTURE", or "NAME=FIXTURE:BYTES" for its first bytes
    QTest::addColumn<qint64>("expected");       // ms; -1: unknown

    QTest::newRow("mp3 CBR behind an ID3v2 tag") << QStringList{ "003.mp3=cbr-id3v2.mp3" } << qint64(1000);
    QTest::newRow("mp3 CBR, no tag") << QStringList{ "003.mp3=cbr-plain.mp3" } << qint64(1500);
    QTest::newRow("mp3 VBR, Xing header") << QStringList{ "003.mp3=vbr-xing.mp3" } << qint64(2500);
    QTest::newRow("ogg") << QStringList{ "003.ogg=vorbis.ogg" } << qint64(2000);
    QTest::newRow("m4a") << QStringList{ "003.m4a=aac.m4a" } << qint64(3000);
    QTest::newRow("mp3 named, not ogg") << QStringList{ "003.ogg=vorbis.ogg", "003.mp3=cbr-plain.mp3" } << qint64(1500);
    QTest::newRow("ogg named, not m4a") << QStringList{ "003.m4a=aac.m4a", "003.ogg=vorbis.ogg" } << qint64(2000);
    QTest::newRow("not audio") << QStringList{ "003.mp3=not-audio.mp3" } << qint64(-1);
    QTest::newRow("an image named mp3") << QStringList{ "003.mp3=../../../media/003.jpg" } << qint64(-1);
    QTest::newRow("cut within its first frame") << QStringList{ "003.mp3=cbr-id3v2.mp3:100" } << qint64(-1);
    QTest::newRow("empty") << QStringList{ "003.mp3=cbr-plain.mp3:0" } << qint64(-1);
    QTest::newRow("no sound") << QStringList{ "003.jpg=../../../media/003.jpg" } << qint64(-1);
}

void tst_MediaLibrary::durations()
{
    QFETCH(QStringList, files);
    QFETCH(qint64, expected);

    for (const QString &file : std::as_const(files)) {
        const QString name = file.section(QLatin1Char('='), 0, 0);
        const QString source = file.section(QLatin1Char('='), 1);
        QByteArray content = fixture(source.section(QLatin1Char(':'), 0, 0));
        if (source.contains(QLatin1Char(':')))
            content.truncate(source.section(QLatin1Char(':'), 1).toInt());
        write(name, content);
    }
    const MediaLibrary library(m_dir->path(), 0, 10);
    QVERIFY2(hasDuration(library, 3, expected), qPrintable(QString::number(library.durationMs(3).value_or(-1))));
    // Other IDs have no sound, so no length.
    QVERIFY(hasDuration(library, 4, -1));
    QVERIFY(!library.durationMs(42));
}

// The repo's demo sounds, one second each; at 22,050 Hz an MP3 frame lasts
// 52 ms, so the encoder's delay and padding add some 70 ms.
void tst_MediaLibrary::demoMediaDurations()
{
    const MediaLibrary library(QStringLiteral(PANEL_SOURCE_MEDIA_DIR), 0, 10);
    QVERIFY(library.isComplete());
    for (int id = 0; id < 10; ++id)
        QVERIFY2(hasDuration(library, id, 1000, 120), qPrintable(MediaLibrary::baseName(id)));
    QCOMPARE(countMediaLog(QStringLiteral("unknown length")), 0);
}

// A sound replaced while running: browsers hear of it, with its new length.
void tst_MediaLibrary::durationFollowsChange_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<qint64>("expected");

    QTest::newRow("rewritten in place") << "write" << "vbr-xing.mp3" << qint64(2500);
    QTest::newRow("replaced by rename") << "rename" << "cbr-plain.mp3" << qint64(1500);
    QTest::newRow("replaced by text") << "write" << "not-audio.mp3" << qint64(-1);
    QTest::newRow("removed") << "remove" << "" << qint64(-1);
}

void tst_MediaLibrary::durationFollowsChange()
{
    QFETCH(QString, action);
    QFETCH(QString, fixture);
    QFETCH(qint64, expected);

    populate(0, 10);
    writeOld(QStringLiteral("005.mp3"), tst_MediaLibrary::fixture(QStringLiteral("cbr-id3v2.mp3")));
    MediaLibrary library(m_dir->path(), 0, 10);
    library.setCheckInterval(QuickCheckMs);
    library.startWatching();
    QSignalSpy changed(&library, &MediaLibrary::changed);
    QVERIFY(hasDuration(library, 5, 1000));

    if (action == QLatin1String("write")) {
        write(QStringLiteral("005.mp3"), tst_MediaLibrary::fixture(fixture));
    } else if (action == QLatin1String("rename")) {
        write(QStringLiteral(".005.mp3.part"), tst_MediaLibrary::fixture(fixture));
        QVERIFY(::rename(QFile::encodeName(path(QStringLiteral(".005.mp3.part"))).constData(),
                         QFile::encodeName(path(QStringLiteral("005.mp3"))).constData()) == 0);
    } else {
        QVERIFY(QFile::remove(path(QStringLiteral("005.mp3"))));
    }
    QTRY_COMPARE_WITH_TIMEOUT(changed.size(), 1, ChangeTimeoutMs);
    QVERIFY2(hasDuration(library, 5, expected), qPrintable(QString::number(library.durationMs(5).value_or(-1))));
}

// A sound of unknown length is named when the media are checked; its file is
// read and logged again only when it changes, not at every rescan.
void tst_MediaLibrary::unknownLengthLoggedOnce()
{
    populate(0, 10);
    for (int id = 0; id < 10; ++id)
        writeOld(MediaLibrary::baseName(id) + QStringLiteral(".mp3"), fixture(QStringLiteral("cbr-plain.mp3")));
    writeOld(QStringLiteral("003.mp3"), fixture(QStringLiteral("not-audio.mp3")));
    writeOld(QStringLiteral("007.mp3"), fixture(QStringLiteral("cbr-id3v2.mp3")).left(100));
    MediaLibrary library(m_dir->path(), 0, 10);
    QCOMPARE(countMediaLog(QStringLiteral("media: 2 sounds of unknown length: 003.mp3, 007.mp3")), 1);
    QCOMPARE(countMediaLog(QStringLiteral("003.mp3 has no length")), 1);
    QCOMPARE(countMediaLog(QStringLiteral("007.mp3 has no length")), 1);

    // Another file changes: the unreadable ones are not read again.
    QSignalSpy changed(&library, &MediaLibrary::changed);
    write(QStringLiteral("005.mp4"), "video");
    library.rescan();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(countMediaLog(QStringLiteral("003.mp3 has no length")), 1);
    QCOMPARE(countMediaLog(QStringLiteral("007.mp3 has no length")), 1);

    // One of them is fixed: the list shrinks, and nothing is logged of it.
    write(QStringLiteral("007.mp3"), fixture(QStringLiteral("vbr-xing.mp3")));
    library.rescan();
    QCOMPARE(changed.size(), 2);
    QVERIFY(hasDuration(library, 7, 2500));
    QCOMPARE(countMediaLog(QStringLiteral("media: 1 sound of unknown length: 003.mp3")), 1);
    QCOMPARE(countMediaLog(QStringLiteral("has no length")), 2);
}

// The dashboards' attract-mode video (docs/architecture.md, "Attract mode"):
// named while it has content, followed live like the media files, and no
// media item of its own.
void tst_MediaLibrary::attractVideoFollowsFolder()
{
    populate(0, 10);
    MediaLibrary library(m_dir->path(), 0, 10);
    QVERIFY(library.attractVideoUrl().isNull());
    library.setCheckInterval(QuickCheckMs);
    library.startWatching();
    QSignalSpy changed(&library, &MediaLibrary::changed);
    const QJsonArray items = library.items();

    write(QStringLiteral("attract.mp4"), "a video");
    QTRY_VERIFY(library.attractVideoUrl().isString());
    QVERIFY2(library.attractVideoUrl().toString().startsWith(QLatin1String("/media/attract.mp4?v=")),
             qPrintable(library.attractVideoUrl().toString()));
    QVERIFY(changed.size() >= 1);
    QCOMPARE(library.items(), items);
    QVERIFY(library.isComplete());

    const int changes = int(changed.size());
    write(QStringLiteral("attract.mp4"), QByteArray()); // emptied: as if absent
    QTRY_VERIFY(library.attractVideoUrl().isNull());
    QVERIFY(changed.size() > changes);
    write(QStringLiteral("attract.mp4"), "another video");
    QTRY_VERIFY(library.attractVideoUrl().isString());
    QVERIFY(QFile::remove(path(QStringLiteral("attract.mp4"))));
    QTRY_VERIFY(library.attractVideoUrl().isNull());
    QCOMPARE(library.items(), items);
}


namespace {
// "003.de.mp3" from "/media/003.de.mp3?v=…"; empty for null.
QString nameOf(const QJsonValue &url)
{
    return url.toString().section(QLatin1Char('?'), 0, 0).section(QLatin1Char('/'), -1);
}

// "AUDIO|CAPTIONS|own" or "…|fallback" for one language's entry.
QString describe(const QJsonObject &entry)
{
    return nameOf(entry.value(QLatin1String("audio"))) + u'|' + nameOf(entry.value(QLatin1String("captions"))) + u'|'
            + (entry.value(QLatin1String("fallback")).toBool() ? QLatin1String("fallback") : QLatin1String("own"));
}
} // namespace

void tst_MediaLibrary::variants_data()
{
    QTest::addColumn<QStringList>("files");     // of ID 3; .vtt files named *.vtt get good captions
    QTest::addColumn<QStringList>("broken");    // .vtt files without the WEBVTT signature
    QTest::addColumn<QStringList>("languages");
    QTest::addColumn<bool>("captions");
    QTest::addColumn<QString>("audio");         // the item's own fields
    QTest::addColumn<QString>("captionsName");
    QTest::addColumn<QStringList>("entries");   // "LANG=AUDIO|CAPTIONS|own or fallback", in order
    QTest::addColumn<QStringList>("missing");   // languages that list ID 3 as missing
    QTest::addColumn<QStringList>("invalid");   // captions_invalid

    const QStringList none;
    QTest::newRow("plain, captions") << QStringList{ "003.mp3", "003.vtt" } << none << none << true << "003.mp3"
                                     << "003.vtt" << none << none << none;
    QTest::newRow("captions off") << QStringList{ "003.mp3", "003.vtt" } << none << none << false << "003.mp3" << ""
                                  << none << none << none;
    QTest::newRow("broken captions: the sound stays") << QStringList{ "003.mp3" } << QStringList{ "003.vtt" } << none
                                                      << true << "003.mp3" << "" << none << none
                                                      << QStringList{ "003.vtt" };
    QTest::newRow("captions off checks nothing") << QStringList{ "003.mp3" } << QStringList{ "003.vtt" } << none
                                                 << false << "003.mp3" << "" << none << none << none;
    QTest::newRow("no captions") << QStringList{ "003.mp3" } << none << none << true << "003.mp3" << "" << none << none
                                 << none;
    QTest::newRow("every language its own")
            << QStringList{ "003.mp3", "003.vtt", "003.de.mp3", "003.de.vtt", "003.en.ogg", "003.en.vtt" } << none
            << QStringList{ "de", "en" } << true << "003.de.mp3" << "003.de.vtt"
            << QStringList{ "de=003.de.mp3|003.de.vtt|own", "en=003.en.ogg|003.en.vtt|own" } << none << none;
    QTest::newRow("missing one falls back to the default")
            << QStringList{ "003.mp3", "003.de.mp3", "003.de.vtt" } << none << QStringList{ "de", "en" } << true
            << "003.de.mp3" << "003.de.vtt"
            << QStringList{ "de=003.de.mp3|003.de.vtt|own", "en=003.de.mp3|003.de.vtt|fallback" }
            << QStringList{ "en" } << none;
    QTest::newRow("only the plain sound") << QStringList{ "003.mp3", "003.vtt" } << none << QStringList{ "de", "en" }
                                          << true << "003.mp3" << "003.vtt"
                                          << QStringList{ "de=003.mp3|003.vtt|fallback", "en=003.mp3|003.vtt|fallback" }
                                          << QStringList{ "de", "en" } << none;
    QTest::newRow("own captions over the default's sound")
            << QStringList{ "003.de.mp3", "003.en.vtt" } << none << QStringList{ "de", "en" } << true << "003.de.mp3"
            << "" << QStringList{ "de=003.de.mp3||own", "en=003.de.mp3|003.en.vtt|fallback" } << QStringList{ "en" }
            << none;
    QTest::newRow("a variant's broken captions") << QStringList{ "003.de.mp3", "003.en.mp3" }
                                                 << QStringList{ "003.en.vtt" } << QStringList{ "de", "en" } << true
                                                 << "003.de.mp3" << ""
                                                 << QStringList{ "de=003.de.mp3||own", "en=003.en.mp3||own" } << none
                                                 << QStringList{ "003.en.vtt" };
    QTest::newRow("ogg and m4a variants") << QStringList{ "003.mp3", "003.de.m4a", "003.en.ogg", "003.en.m4a" } << none
                                          << QStringList{ "de", "en" } << true << "003.de.m4a" << ""
                                          << QStringList{ "de=003.de.m4a||own", "en=003.en.ogg||own" } << none << none;
    QTest::newRow("other languages are not media") << QStringList{ "003.mp3", "003.fr.mp3", "003.fr.vtt" }
                                                   << QStringList{ "003.it.vtt" } << QStringList{ "de" } << true
                                                   << "003.mp3" << "" << QStringList{ "de=003.mp3||fallback" }
                                                   << QStringList{ "de" } << none;
    QTest::newRow("no sound at all") << QStringList{ "003.de.vtt" } << none << QStringList{ "de" } << true << "" << ""
                                     << QStringList{ "de=|003.de.vtt|fallback" } << QStringList{ "de" } << none;
}

void tst_MediaLibrary::variants()
{
    QFETCH(QStringList, files);
    QFETCH(QStringList, broken);
    QFETCH(QStringList, languages);
    QFETCH(bool, captions);
    QFETCH(QString, audio);
    QFETCH(QString, captionsName);
    QFETCH(QStringList, entries);
    QFETCH(QStringList, missing);
    QFETCH(QStringList, invalid);

    for (const QString &name : files)
        write(name, name.endsWith(QLatin1String(".vtt")) ? QByteArray("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n")
                                                        : "content of " + name.toLatin1());
    for (const QString &name : broken)
        write(name, "00:00.000 --> 00:01.000\nx\n");

    MediaLibrary::Options options;
    options.languages = languages;
    options.captions = captions;
    const MediaLibrary library(m_dir->path(), 0, 10, options);
    const QJsonObject item = library.item(3);
    QCOMPARE(nameOf(item.value(QLatin1String("audio"))), audio);
    QCOMPARE(nameOf(item.value(QLatin1String("captions"))), captionsName);
    QCOMPARE(item.value(QLatin1String("captions")).isNull(), captionsName.isEmpty());

    const QJsonObject perLanguage = item.value(QLatin1String("languages")).toObject();
    QCOMPARE(perLanguage.keys().size(), languages.size());
    QStringList described;
    for (const QString &language : languages)
        described.append(language + u'=' + describe(perLanguage.value(language).toObject()));
    QCOMPARE(described, entries);

    QStringList missingFor;
    const auto languagesMissing = library.languagesMissing();
    for (const auto &[language, ids] : languagesMissing) {
        if (ids.contains(3))
            missingFor.append(language);
    }
    QCOMPARE(missingFor, missing);
    QCOMPARE(library.invalidCaptions(), invalid);
}

// The backup end waits for the longest sound any screen may play; the item
// says its own sound's length, and each language its own.
void tst_MediaLibrary::variantDurationsAndTitle()
{
    const QDir fixtures(QStringLiteral(PANEL_AUDIO_FIXTURES_DIR));
    QVERIFY(QFile::copy(fixtures.filePath(QStringLiteral("cbr-id3v2.mp3")), path(QStringLiteral("003.de.mp3"))));
    QVERIFY(QFile::copy(fixtures.filePath(QStringLiteral("vbr-xing.mp3")), path(QStringLiteral("003.en.mp3"))));
    QVERIFY(QFile::copy(fixtures.filePath(QStringLiteral("cbr-plain.mp3")), path(QStringLiteral("004.mp3"))));
    MediaLibrary::Options options;
    options.languages = { QStringLiteral("de"), QStringLiteral("en") };
    const MediaLibrary library(m_dir->path(), 0, 10, options);

    const QJsonObject item = library.item(3);
    const auto near = [](const QJsonValue &value, qint64 expected) {
        return value.isDouble() && qAbs(qint64(value.toDouble()) - expected) <= DurationToleranceMs;
    };
    QVERIFY(near(item.value(QLatin1String("duration_ms")), 1000));
    const QJsonObject perLanguage = item.value(QLatin1String("languages")).toObject();
    QVERIFY(near(perLanguage.value(QLatin1String("de")).toObject().value(QLatin1String("duration_ms")), 1000));
    QVERIFY(near(perLanguage.value(QLatin1String("en")).toObject().value(QLatin1String("duration_ms")), 2500));
    QVERIFY(library.durationMs(3));
    QVERIFY(qAbs(*library.durationMs(3) - 2500) <= DurationToleranceMs);
    QCOMPARE(item.value(QLatin1String("title")), QJsonValue(QStringLiteral("fixture one second")));

    // Without variants, the plain sound's length, and no title where its file has none.
    QVERIFY(library.durationMs(4));
    QVERIFY(qAbs(*library.durationMs(4) - 1500) <= DurationToleranceMs);
    QVERIFY(library.item(4).value(QLatin1String("title")).isNull());
    QVERIFY(!library.durationMs(5));
}

// The default language's sound stands for NNN.mp3; a broken .vtt and a
// missing language are logged once per change, not at every look.
void tst_MediaLibrary::variantsValidation()
{
    populate(0, 10, { QStringLiteral("003.mp3") });
    write(QStringLiteral("003.de.mp3"), "sound");
    write(QStringLiteral("004.vtt"), "not captions");
    MediaLibrary::Options options;
    options.languages = { QStringLiteral("de"), QStringLiteral("en") };
    MediaLibrary library(m_dir->path(), 0, 10, options);
    QVERIFY2(library.isComplete(), qPrintable(library.missingFiles().join(u' ')));
    QCOMPARE(library.invalidCaptions(), QStringList{ QStringLiteral("004.vtt") });
    QCOMPARE(countMediaLog(QStringLiteral("captions 004.vtt not shown: line 1")), 1);
    QCOMPARE(countMediaLog(QStringLiteral("no en sound for 10 IDs")), 1);
    QCOMPARE(countMediaLog(QStringLiteral("no de sound for 9 IDs")), 1);
    library.rescan();
    QCOMPARE(countMediaLog(QStringLiteral("captions 004.vtt not shown")), 1);

    // Mended: the captions count, and the log says nothing more of them.
    QSignalSpy changed(&library, &MediaLibrary::changed);
    writeOld(QStringLiteral("004.vtt"), "WEBVTT\n\n00:00.000 --> 00:01.000\nx\n");
    library.rescan();
    QCOMPARE(changed.size(), 1);
    QVERIFY(library.invalidCaptions().isEmpty());
    QVERIFY(!library.item(4).value(QLatin1String("captions")).isNull());
    QCOMPARE(countMediaLog(QStringLiteral("captions 004.vtt not shown")), 1);

    // Without the default language's sound or the plain one, the plain one is missing.
    QVERIFY(QFile::remove(path(QStringLiteral("003.de.mp3"))));
    library.rescan();
    QCOMPARE(library.missingFiles(), QStringList{ QStringLiteral("003.mp3") });
}

void tst_MediaLibrary::languageButtonNeedsNoMedia()
{
    populate(0, 9);
    MediaLibrary::Options options;
    options.languageButton = 9;
    const MediaLibrary library(m_dir->path(), 0, 10, options);
    QVERIFY2(library.isComplete(), qPrintable(library.missingFiles().join(u' ')));
    const MediaLibrary without(m_dir->path(), 0, 10);
    QCOMPARE(without.missingFiles().size(), 2);
}

QTEST_GUILESS_MAIN(tst_MediaLibrary)
#include "tst_medialibrary.moc"
