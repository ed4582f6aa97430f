#ifndef MEDIASCAN_H
#define MEDIASCAN_H

#include <QHash>
#include <QLatin1String>
#include <QList>
#include <QString>
#include <QStringList>

struct stat;

// One look at the media folder: whether it is there, and the size and time of
// each media file in it. Only the names that can matter are stat()ed, so other
// files cost next to nothing (docs/architecture.md, "Watching the media folder").
class MediaScan
{
public:
    enum Kind { Image, Audio, Video, Captions };

    struct FileStamp
    {
        qint64 size = 0;
        qint64 modified = 0; // ms since epoch, doubles as a cache-buster in URLs
        bool operator==(const FileStamp &other) const
        {
            return size == other.size && modified == other.modified;
        }
        bool operator!=(const FileStamp &other) const { return !(*this == other); }
    };
    // A directory as stat() sees it through any symlinks.
    struct FolderStamp
    {
        bool exists = false;
        quint64 device = 0;
        quint64 inode = 0;
        qint64 modifiedNs = 0; // changes when entries are added, removed or renamed
        bool isSameFolder(const FolderStamp &other) const
        {
            return exists == other.exists && device == other.device && inode == other.inode;
        }
    };

    // The media files of IDs firstId .. firstId + count - 1 in `folder`,
    // with the sounds and captions of each of `languages` (NNN.de.mp3, NNN.de.vtt).
    static MediaScan read(const QString &folder, int firstId, int count, const QStringList &languages = {});
    static FolderStamp stampFolder(const QString &path);
    static FileStamp stampFile(const struct stat &info);
    // The dashboard's attract-mode video, when the folder has one
    // (docs/architecture.md, "Attract mode").
    static QLatin1String attractVideoName() { return QLatin1String("attract.mp4"); }
    // "/media/NAME?v=…": the file's time in base 36 makes a replaced file a new URL.
    static QString url(const QString &name, const FileStamp &stamp);
    // The suffixes of one kind of media, the preferred one first.
    static const QList<QLatin1String> &suffixes(Kind kind);

    bool sameMedia(const MediaScan &other) const
    {
        return folder.exists == other.folder.exists && files == other.files;
    }

    FolderStamp folder;
    QHash<QString, FileStamp> files; // media file names, empty ones too
};

#endif // MEDIASCAN_H
