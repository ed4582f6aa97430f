#ifndef MEDIALIBRARY_H
#define MEDIALIBRARY_H

#include "media/mediascan.h"
#include "media/mediavariants.h"

#include <QFileSystemWatcher>
#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <optional>

// The media folder: which IDs have which files, and whether the set is complete.
// Every valid ID needs a non-empty NNN.jpg and NNN.mp3; NNN.png/.webp,
// NNN.ogg/.m4a and NNN.mp4/.webm are optional alternatives. The folder is
// watched, so curators can swap files, or the whole folder, while the
// exhibit runs (docs/architecture.md, "Watching the media folder"). Each
// ID's sound has a length, read when its file changes ("Sound lengths").
// Captions (NNN.vtt) and language variants (NNN.de.mp3, NNN.de.vtt) are
// optional ("Captions and languages"); MediaVariants works out which file
// each item plays, with its captions and its length.
class MediaLibrary : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QStringList languages; // `languages`: the default first
        bool captions = true;  // `captions`
        int languageButton = -1; // `language_button`: an ID that needs no media
    };

    MediaLibrary(const QString &folder, int firstId, int count, QObject *parent = nullptr);
    MediaLibrary(const QString &folder, int firstId, int count, const Options &options, QObject *parent = nullptr);

    QString folder() const { return m_folder; }
    int firstId() const { return m_firstId; }
    int count() const { return m_count; }
    bool contains(int id) const { return id >= m_firstId && id < m_firstId + m_count; }

    // False while the folder is gone (deleted, renamed away, a dangling link).
    bool folderExists() const { return m_present; }
    bool isComplete() const { return m_missing.isEmpty(); }
    QStringList missingFiles() const { return m_missing; }

    // {"id":…, "image":url|null, "audio":url|null, "video":url|null,
    //  "duration_ms":length of "audio"|null, "captions":url|null,
    //  "title":text|null, "languages":{"de":{"audio", "captions",
    //  "duration_ms", "fallback"}, …}} (docs/websocket.md, "The item")
    QJsonObject item(int id) const;
    // The longest of the sounds item(id) can play (its "audio" and each
    // language's), for the backup end; nullopt when none has a known length.
    std::optional<qint64> durationMs(int id) const;
    QStringList languages() const { return m_variants.languages(); }
    // Captions files that fail the WebVTT check; their sounds still play.
    QStringList invalidCaptions() const { return m_variants.invalidCaptions(); }
    // Per language, the IDs without a sound of their own in it.
    QList<std::pair<QString, QList<int>>> languagesMissing() const { return m_variants.languagesMissing(); }
    QJsonArray items() const;
    // "/media/attract.mp4?v=…" when the folder has a non-empty one, else null.
    QJsonValue attractVideoUrl() const;

    static QString baseName(int id);

    // Reads the folder again at once; emits changed() when anything differs.
    void rescan();
    void startWatching();

    // How often the folder's identity and the media files' sizes and times
    // are checked besides what the file system reports; 2 s unless set.
    void setCheckInterval(int ms);
    int checkInterval() const { return m_checkTimer.interval(); }

Q_SIGNALS:
    void changed();

private:
    using FileStamp = MediaScan::FileStamp;
    using FolderStamp = MediaScan::FolderStamp;

    MediaScan scan() const;
    bool isCurrent(const MediaScan &result) const;
    void apply(MediaScan result);
    bool followFolder(FolderStamp *folderNow = nullptr);
    void onWatcherEvent(const QString &path);
    void onSettleTimeout();
    void onCheck();
    bool filesChangedInPlace() const;
    void settle();
    QString fileFor(int id, MediaScan::Kind kind) const;
    QJsonValue urlFor(int id, MediaScan::Kind kind) const;
    void logValidation() const;

    QString m_folder;
    QString m_parent; // holds the folder's name: sees it deleted, renamed, replaced
    int m_firstId;
    int m_count;
    int m_languageButton = -1;
    MediaVariants m_variants;
    QHash<QString, FileStamp> m_files;
    QStringList m_missing;
    int m_completeIds = 0;
    bool m_present = false;
    bool m_scanned = false;
    qint64 m_seenFolderNs = 0; // the folder's time at the last scan
    bool m_watching = false;
    QFileSystemWatcher m_watcher;
    QHash<QString, FolderStamp> m_watched; // what each watched path was when its watch was set
    QTimer m_settleTimer; // a copy in progress fires many events: act once it settles
    MediaScan m_look; // the last scan while settling, acted on when the next agrees
    bool m_looked = false;
    QTimer m_checkTimer;
};

#endif // MEDIALIBRARY_H
