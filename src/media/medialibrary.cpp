#include "media/medialibrary.h"

#include "system/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <cstring>

#include <dirent.h>
#include <sys/stat.h>

namespace {
constexpr auto imageSuffixes = { ".jpg", ".png", ".webp" };
constexpr auto audioSuffixes = { ".mp3", ".ogg", ".m4a" };
constexpr auto videoSuffixes = { ".mp4", ".webm" };
constexpr int settleMs = 300;
constexpr int defaultCheckMs = 2000;

qint64 nanoseconds(const struct timespec &time)
{
    return qint64(time.tv_sec) * 1000000000 + time.tv_nsec;
}
} // namespace

MediaLibrary::MediaLibrary(const QString &folder, int firstId, int count, QObject *parent)
    : QObject(parent),
      m_folder(QDir(folder).absolutePath()),
      m_parent(QFileInfo(m_folder).absolutePath()),
      m_firstId(firstId),
      m_count(count)
{
    m_settleTimer.setSingleShot(true);
    m_settleTimer.setInterval(settleMs);
    connect(&m_settleTimer, &QTimer::timeout, this, &MediaLibrary::onSettleTimeout);
    m_checkTimer.setInterval(defaultCheckMs);
    connect(&m_checkTimer, &QTimer::timeout, this, &MediaLibrary::onCheck);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &MediaLibrary::onWatcherEvent);

    rescan();
}

QString MediaLibrary::baseName(int id)
{
    return QStringLiteral("%1").arg(id, 3, 10, QLatin1Char('0'));
}

MediaLibrary::FolderStamp MediaLibrary::stampFolder(const QString &path)
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

// NNN plus one of the suffixes, for an ID in range: the only names that matter.
bool MediaLibrary::isMediaName(const char *name) const
{
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if (!digit(name[0]) || !digit(name[1]) || !digit(name[2]))
        return false;
    if (!contains((name[0] - '0') * 100 + (name[1] - '0') * 10 + (name[2] - '0')))
        return false;
    for (const auto &suffixes : { imageSuffixes, audioSuffixes, videoSuffixes }) {
        for (const char *suffix : suffixes) {
            if (std::strcmp(name + 3, suffix) == 0)
                return true;
        }
    }
    return false;
}

MediaLibrary::FileStamp MediaLibrary::stampFile(const struct stat &info)
{
    return { info.st_size, nanoseconds(info.st_mtim) / 1000000 };
}

// Names are read without looking at each file; only media files are stat()ed,
// so a folder full of other files costs little.
MediaLibrary::Scan MediaLibrary::scan() const
{
    Scan result;
    result.folder = stampFolder(m_folder);
    if (!result.folder.exists)
        return result;
    DIR *dir = ::opendir(QFile::encodeName(m_folder).constData());
    if (!dir)
        return result;
    while (const struct dirent *entry = ::readdir(dir)) {
        if (!isMediaName(entry->d_name))
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

void MediaLibrary::rescan()
{
    m_looked = false;
    apply(scan());
}

bool MediaLibrary::isCurrent(const Scan &result) const
{
    return result.folder.exists == m_present && result.files == m_files;
}

void MediaLibrary::apply(Scan result)
{
    m_seenFolderNs = result.folder.modifiedNs;
    const bool first = !m_scanned;
    const bool filesChanged = result.files != m_files;
    if (!first && isCurrent(result))
        return;

    const auto hasContent = [&result](const QString &name) {
        const auto it = result.files.constFind(name);
        return it != result.files.cend() && it->size > 0;
    };
    QStringList missing;
    int complete = 0;
    for (int id = m_firstId; id < m_firstId + m_count; ++id) {
        const QString image = baseName(id) + QLatin1String(".jpg");
        const QString audio = baseName(id) + QLatin1String(".mp3");
        const bool hasImage = hasContent(image);
        const bool hasAudio = hasContent(audio);
        if (!hasImage)
            missing.append(image);
        if (!hasAudio)
            missing.append(audio);
        complete += hasImage && hasAudio;
    }

    m_scanned = true;
    m_present = result.folder.exists;
    m_files = std::move(result.files);
    m_missing = std::move(missing);
    m_completeIds = complete;
    // Once per change, so an absent folder is logged once, not once per check.
    logValidation();
    if (!first && filesChanged)
        Q_EMIT changed();
}

void MediaLibrary::startWatching()
{
    m_watching = true;
    followFolder();
    // What inotify does not report: a file rewritten in place, a folder
    // replaced further up its path, a file system without notifications.
    m_checkTimer.start();
    // Anything that changed between the first scan and the first watch.
    settle();
}

void MediaLibrary::setCheckInterval(int ms)
{
    m_checkTimer.setInterval(ms);
}

// Keeps the watches on what the folder's path names now: the folder itself,
// the folder that holds its name (which sees it deleted, renamed or replaced),
// and, for a symlink, the folder that holds its target. True when the folder
// is another one than at the last call (or gone, or back).
bool MediaLibrary::followFolder(FolderStamp *folderNow)
{
    const FolderStamp folder = stampFolder(m_folder);
    if (folderNow)
        *folderNow = folder;
    if (!m_watching)
        return false;

    QStringList paths { m_folder };
    if (m_parent != m_folder)
        paths.append(m_parent);
    const QFileInfo info(m_folder);
    if (info.isSymLink()) {
        // Where the target is, or would be while it is gone.
        const QString targetParent = QFileInfo(info.symLinkTarget()).absolutePath();
        if (!paths.contains(targetParent))
            paths.append(targetParent);
    }

    const bool replaced = !folder.isSameFolder(m_watched.value(m_folder));
    for (auto it = m_watched.begin(); it != m_watched.end();) {
        if (paths.contains(it.key())) {
            ++it;
            continue;
        }
        if (m_watcher.directories().contains(it.key()))
            m_watcher.removePath(it.key());
        it = m_watched.erase(it);
    }
    for (const QString &path : std::as_const(paths)) {
        const FolderStamp now = path == m_folder ? folder : stampFolder(path);
        const auto watched = m_watched.constFind(path);
        if (watched != m_watched.cend() && watched->isSameFolder(now))
            continue;
        // A watch stays with the directory it was set on, wherever that moves.
        if (m_watcher.directories().contains(path))
            m_watcher.removePath(path);
        m_watched.insert(path, now);
        if (now.exists && !m_watcher.addPath(path)) {
            qCWarning(lcMedia).noquote() << QStringLiteral("cannot watch %1; checking it every %2 ms instead")
                                                    .arg(path)
                                                    .arg(m_checkTimer.interval());
        }
    }
    return replaced;
}

void MediaLibrary::onWatcherEvent(const QString &path)
{
    // Events elsewhere concern the folder only when it was replaced.
    if (followFolder() || path == m_folder)
        settle();
}

void MediaLibrary::onCheck()
{
    FolderStamp folder;
    if (followFolder(&folder)) {
        settle();
        return;
    }
    if (m_settleTimer.isActive() || !folder.exists)
        return;
    if (folder.modifiedNs != m_seenFolderNs || filesChangedInPlace())
        settle();
}

// Only the media files of the last scan: a new one changes the folder's time.
bool MediaLibrary::filesChangedInPlace() const
{
    const QByteArray prefix = QFile::encodeName(m_folder) + '/';
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        struct stat info;
        if (::stat((prefix + QFile::encodeName(it.key())).constData(), &info) != 0 || !S_ISREG(info.st_mode))
            return true;
        if (it.value() != stampFile(info))
            return true;
    }
    return false;
}

// Events come in bursts while files are copied. They do not restart the
// timer, so that a steady trickle cannot postpone the scan for ever.
void MediaLibrary::settle()
{
    if (m_settleTimer.isActive())
        return;
    m_looked = false;
    m_settleTimer.start();
}

// A change is acted on once two scans a settle interval apart agree, so that
// a copy in progress is not announced half done.
void MediaLibrary::onSettleTimeout()
{
    followFolder();
    Scan now = scan();
    m_seenFolderNs = now.folder.modifiedNs;
    if (isCurrent(now)) {
        m_looked = false;
        return;
    }
    if (!m_looked || !now.sameMedia(m_look)) {
        m_look = std::move(now);
        m_looked = true;
        m_settleTimer.start();
        return;
    }
    m_looked = false;
    apply(std::move(now));
}

void MediaLibrary::logValidation() const
{
    if (!m_present) {
        qCWarning(lcMedia).noquote() << QStringLiteral("media: 0/%1 complete, %2 is absent").arg(m_count).arg(m_folder);
        return;
    }
    const QString summary = QStringLiteral("media: %1/%2 complete in %3").arg(m_completeIds).arg(m_count).arg(m_folder);
    if (m_missing.isEmpty()) {
        qCInfo(lcMedia).noquote() << summary;
        return;
    }
    const QStringList shown = m_missing.mid(0, 10);
    const QString more = m_missing.size() > shown.size()
            ? QStringLiteral(" and %1 more").arg(m_missing.size() - shown.size())
            : QString();
    qCWarning(lcMedia).noquote() << summary << "- missing" << shown.join(QLatin1String(", ")) + more;
}

QJsonValue MediaLibrary::urlFor(int id, std::initializer_list<const char *> suffixes) const
{
    const QString base = baseName(id);
    for (const char *suffix : suffixes) {
        const QString name = base + QLatin1String(suffix);
        const auto it = m_files.constFind(name);
        if (it != m_files.cend() && it->size > 0)
            return QStringLiteral("/media/%1?v=%2").arg(name).arg(it->modified, 0, 36);
    }
    return QJsonValue::Null;
}

QJsonObject MediaLibrary::item(int id) const
{
    return {
        { QStringLiteral("id"), id },
        { QStringLiteral("image"), urlFor(id, imageSuffixes) },
        { QStringLiteral("audio"), urlFor(id, audioSuffixes) },
        { QStringLiteral("video"), urlFor(id, videoSuffixes) },
    };
}

QJsonArray MediaLibrary::items() const
{
    QJsonArray list;
    for (int id = m_firstId; id < m_firstId + m_count; ++id)
        list.append(item(id));
    return list;
}
