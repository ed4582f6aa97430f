#include "media/medialibrary.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <memory>

// The library waits for changes to settle before it rescans.
constexpr int ChangeTimeoutMs = 5000;

class tst_MediaLibrary : public QObject
{
    Q_OBJECT

private Q_SLOTS:
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

private:
    // Writes a file whose modification time lies in the past, so that any
    // later write gives it a new time even on coarse clocks.
    void writeOld(const QString &name, const QByteArray &content);
    void write(const QString &name, const QByteArray &content);
    // NNN.jpg and NNN.mp3 for every ID, except `absent`; `empty` ones get no content.
    void populate(int firstId, int count, const QStringList &absent = {}, const QStringList &empty = {});
    QString path(const QString &name) const { return m_dir->filePath(name); }

    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_MediaLibrary::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
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
    QCOMPARE(item.size(), 4);
    QCOMPARE(item.value(QLatin1String("id")), QJsonValue(3));
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

// A file added while running must be watched too: replacing it later in
// place changes only the file, not the folder.
void tst_MediaLibrary::addedFileIsWatched()
{
    populate(0, 10, { QStringLiteral("005.mp3") });
    MediaLibrary library(m_dir->path(), 0, 10);
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

QTEST_GUILESS_MAIN(tst_MediaLibrary)
#include "tst_medialibrary.moc"
