#include "media/medialibrary.h"

#include "system/logging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

namespace {
constexpr int settleMs = 300;
constexpr int defaultCheckMs = 2000;

// At most ten names, so that one line stays readable.
QString listed(const QStringList &names)
{
    const QStringList shown = names.mid(0, 10);
    const QString more = names.size() > shown.size() ? QStringLiteral(" and %1 more").arg(names.size() - shown.size())
                                                     : QString();
    return shown.join(QLatin1String(", ")) + more;
}
} // namespace

MediaLibrary::MediaLibrary(const QString &folder, int firstId, int count, QObject *parent)
    : MediaLibrary(folder, firstId, count, Options(), parent)
{
}

MediaLibrary::MediaLibrary(const QString &folder, int firstId, int count, const Options &options, QObject *parent)
    : QObject(parent),
      m_folder(QDir(folder).absolutePath()),
      m_parent(QFileInfo(m_folder).absolutePath()),
      m_firstId(firstId),
      m_count(count),
      m_languageButton(options.languageButton),
      m_variants(options.languages, options.captions)
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

MediaScan MediaLibrary::scan() const
{
    return MediaScan::read(m_folder, m_firstId, m_count, m_variants.languages());
}

void MediaLibrary::rescan()
{
    m_looked = false;
    apply(scan());
}

bool MediaLibrary::isCurrent(const MediaScan &result) const
{
    return result.folder.exists == m_present && result.files == m_files;
}

void MediaLibrary::apply(MediaScan result)
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
    const QStringList languages = m_variants.languages();
    for (int id = m_firstId; id < m_firstId + m_count; ++id) {
        if (id == m_languageButton) {
            ++complete; // the language button plays nothing
            continue;
        }
        const QString image = baseName(id) + QLatin1String(".jpg");
        const QString audio = baseName(id) + QLatin1String(".mp3");
        const bool hasImage = hasContent(image);
        // The default language's sound stands for the plain one.
        const bool hasAudio = hasContent(audio)
                || (!languages.isEmpty() && hasContent(baseName(id) + u'.' + languages.first() + QLatin1String(".mp3")));
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
    m_variants.update(m_folder, m_files, m_firstId, m_count);
    // Once per change, so an absent folder is logged once, not once per check.
    logValidation();
    if (!first && filesChanged)
        Q_EMIT changed();
}

// Screens may play any of the item's languages: the backup end waits for the longest.
std::optional<qint64> MediaLibrary::durationMs(int id) const
{
    return m_variants.longestMs(id);
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
    const FolderStamp folder = MediaScan::stampFolder(m_folder);
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
        const FolderStamp now = path == m_folder ? folder : MediaScan::stampFolder(path);
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
        if (it.value() != MediaScan::stampFile(info))
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
    MediaScan now = scan();
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
    if (m_missing.isEmpty())
        qCInfo(lcMedia).noquote() << summary;
    else
        qCWarning(lcMedia).noquote() << summary << "- missing" << listed(m_missing);
    const QStringList invalid = m_variants.invalidCaptions();
    for (const QString &name : invalid)
        qCWarning(lcMedia).noquote() << QStringLiteral("media: captions %1 not shown: %2").arg(name, m_variants.captionsError(name));
    const auto missingLanguages = m_variants.languagesMissing();
    for (const auto &[language, ids] : missingLanguages) {
        QStringList names;
        for (int id : ids)
            names.append(baseName(id));
        qCWarning(lcMedia).noquote() << QStringLiteral("media: no %1 sound for %2 ID%3, the default plays:")
                                                .arg(language)
                                                .arg(ids.size())
                                                .arg(ids.size() == 1 ? "" : "s")
                                     << listed(names);
    }
    const QStringList unknownLength = m_variants.unknownLength();
    if (!unknownLength.isEmpty()) {
        const qsizetype unknown = unknownLength.size();
        qCWarning(lcMedia).noquote() << QStringLiteral("media: %1 sound%2 of unknown length:")
                                                .arg(unknown)
                                                .arg(unknown == 1 ? "" : "s")
                                     << listed(unknownLength);
    }
}

// The non-empty file of the first suffix of `kind` that the ID has.
QString MediaLibrary::fileFor(int id, MediaScan::Kind kind) const
{
    const QString base = baseName(id);
    for (const QLatin1String &suffix : MediaScan::suffixes(kind)) {
        const QString name = base + suffix;
        const auto it = m_files.constFind(name);
        if (it != m_files.cend() && it->size > 0)
            return name;
    }
    return QString();
}

QJsonValue MediaLibrary::urlFor(int id, MediaScan::Kind kind) const
{
    const QString name = fileFor(id, kind);
    return name.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(MediaScan::url(name, m_files.value(name)));
}

QJsonObject MediaLibrary::item(int id) const
{
    // The sound, its captions, length and title, and the languages.
    QJsonObject item = m_variants.soundFields(id);
    item.insert(QStringLiteral("id"), id);
    item.insert(QStringLiteral("image"), urlFor(id, MediaScan::Image));
    item.insert(QStringLiteral("video"), urlFor(id, MediaScan::Video));
    return item;
}

QJsonArray MediaLibrary::items() const
{
    QJsonArray list;
    for (int id = m_firstId; id < m_firstId + m_count; ++id)
        list.append(item(id));
    return list;
}

QJsonValue MediaLibrary::attractVideoUrl() const
{
    const QString name = MediaScan::attractVideoName();
    const auto it = m_files.constFind(name);
    if (it == m_files.cend() || it->size == 0)
        return QJsonValue::Null;
    return MediaScan::url(name, *it);
}
