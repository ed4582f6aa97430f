#ifndef MEDIALIBRARY_H
#define MEDIALIBRARY_H

#include <QDateTime>
#include <QFileSystemWatcher>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimer>

// The media folder: which IDs have which files, and whether the set is complete.
// Every valid ID needs a non-empty NNN.jpg and NNN.mp3; NNN.png/.webp,
// NNN.ogg/.m4a and NNN.mp4/.webm are optional alternatives. The folder is
// watched, so curators can swap files while the exhibit runs.
class MediaLibrary : public QObject
{
    Q_OBJECT

public:
    MediaLibrary(const QString &folder, int firstId, int count, QObject *parent = nullptr);

    QString folder() const { return m_folder; }
    int firstId() const { return m_firstId; }
    int count() const { return m_count; }
    bool contains(int id) const { return id >= m_firstId && id < m_firstId + m_count; }

    bool isComplete() const { return m_missing.isEmpty(); }
    QStringList missingFiles() const { return m_missing; }

    // {"id":…, "image":url|null, "audio":url|null, "video":url|null}
    QJsonObject item(int id) const;
    QJsonArray items() const;

    static QString baseName(int id);

    // Reads the folder again; emits changed() when anything differs.
    void rescan();
    void startWatching();

Q_SIGNALS:
    void changed();

private:
    struct FileStamp
    {
        qint64 size = 0;
        qint64 modified = 0; // ms since epoch, doubles as a cache-buster in URLs
        bool operator==(const FileStamp &other) const
        {
            return size == other.size && modified == other.modified;
        }
    };

    void onFolderEvent();
    void watchFiles();
    QJsonValue urlFor(int id, std::initializer_list<const char *> suffixes) const;
    void logValidation() const;

    QString m_folder;
    int m_firstId;
    int m_count;
    QHash<QString, FileStamp> m_files; // regular files by name
    QStringList m_missing;
    int m_completeIds = -1; // -1 until the first scan
    bool m_watching = false;
    QFileSystemWatcher m_watcher;
    QTimer m_settleTimer; // a copy in progress fires many events: act once it settles
};

#endif // MEDIALIBRARY_H
