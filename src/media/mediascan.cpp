#include "media/mediascan.h"

#include <QFile>

#include <cstring>

#include <dirent.h>
#include <sys/stat.h>

namespace {
qint64 nanoseconds(const struct timespec &time)
{
    return qint64(time.tv_sec) * 1000000000 + time.tv_nsec;
}

bool hasSuffix(const char *rest, MediaScan::Kind kind)
{
    for (const QLatin1String &suffix : MediaScan::suffixes(kind)) {
        if (std::strcmp(rest, suffix.data()) == 0)
            return true;
    }
    return false;
}

// NNN plus one of the suffixes, for an ID in range, NNN.<language> plus a
// sound's or the captions' suffix, and the attract-mode video: the only
// names that matter.
bool isMediaName(const char *name, int firstId, int count, const QList<QByteArray> &languages)
{
    if (MediaScan::attractVideoName() == QLatin1String(name))
        return true;
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!digit(name[0]) || !digit(name[1]) || !digit(name[2]))
        return false;
    const int id = (name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0');
    if (id < firstId || id >= firstId + count)
        return false;
    for (const MediaScan::Kind kind : { MediaScan::Image, MediaScan::Audio, MediaScan::Video, MediaScan::Captions }) {
        if (hasSuffix(name + 3, kind))
            return true;
    }
    for (const QByteArray &language : languages) {
        // ".de" then ".mp3" or ".vtt"
        const char *rest = name + 3;
        if (rest[0] != '.' || std::strncmp(rest + 1, language.constData(), size_t(language.size())) != 0)
            continue;
        rest += 1 + language.size();
        if (hasSuffix(rest, MediaScan::Audio) || hasSuffix(rest, MediaScan::Captions))
            return true;
    }
    return false;
}
} // namespace

const QList<QLatin1String> &MediaScan::suffixes(Kind kind)
{
    static const QList<QLatin1String> images { QLatin1String(".jpg"), QLatin1String(".png"), QLatin1String(".webp") };
    static const QList<QLatin1String> sounds { QLatin1String(".mp3"), QLatin1String(".ogg"), QLatin1String(".m4a") };
    static const QList<QLatin1String> videos { QLatin1String(".mp4"), QLatin1String(".webm") };
    static const QList<QLatin1String> captions { QLatin1String(".vtt") };
    switch (kind) {
    case Image:
        return images;
    case Audio:
        return sounds;
    case Video:
        break;
    case Captions:
        return captions;
    }
    return videos;
}

QString MediaScan::url(const QString &name, const FileStamp &stamp)
{
    return QStringLiteral("/media/%1?v=%2").arg(name).arg(stamp.modified, 0, 36);
}

MediaScan::FolderStamp MediaScan::stampFolder(const QString &path)
{
    FolderStamp stamp;
    struct stat info;
    if (::stat(QFile::encodeName(path).constData(), &info) != 0 || !S_ISDIR(info.st_mode))
        return stamp;
    stamp.exists = true;
    stamp.device = info.st_dev;
    stamp.inode = info.st_ino;
    stamp.modifiedNs = nanoseconds(info.st_mtim);
    return stamp;
}

MediaScan::FileStamp MediaScan::stampFile(const struct stat &info)
{
    return { info.st_size, nanoseconds(info.st_mtim) / 1000000 };
}

// Names are read without looking at each file; only media files are stat()ed,
// so a folder full of other files costs little.
MediaScan MediaScan::read(const QString &folder, int firstId, int count, const QStringList &languages)
{
    QList<QByteArray> names;
    for (const QString &language : languages)
        names.append(language.toLatin1());
    MediaScan result;
    result.folder = stampFolder(folder);
    if (!result.folder.exists)
        return result;
    DIR *dir = ::opendir(QFile::encodeName(folder).constData());
    if (!dir)
        return result;
    while (const struct dirent *entry = ::readdir(dir)) {
        if (!isMediaName(entry->d_name, firstId, count, names))
            continue;
        // Empty files are kept too: an upload that creates the file first must
        // be checked again, or its content would never be noticed.
        struct stat info;
        if (::fstatat(::dirfd(dir), entry->d_name, &info, 0) == 0 && S_ISREG(info.st_mode))
            result.files.insert(QString::fromLatin1(entry->d_name), stampFile(info));
    }
    ::closedir(dir);
    return result;
}
