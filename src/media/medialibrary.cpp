#include "media/medialibrary.h"

#include "system/logging.h"

#include <QDir>
#include <QFileInfo>

namespace {
constexpr auto imageSuffixes = { ".jpg", ".png", ".webp" };
constexpr auto audioSuffixes = { ".mp3", ".ogg", ".m4a" };
constexpr auto videoSuffixes = { ".mp4", ".webm" };
constexpr int settleMs = 300;
} // namespace

MediaLibrary::MediaLibrary(const QString &folder, int firstId, int count, QObject *parent)
    : QObject(parent),
      m_folder(QDir(folder).absolutePath()),
      m_firstId(firstId),
      m_count(count)
{
    m_settleTimer.setSingleShot(true);
    m_settleTimer.setInterval(settleMs);
    connect(&m_settleTimer, &QTimer::timeout, this, &MediaLibrary::rescan);
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, this, &MediaLibrary::onFolderEvent);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, this, &MediaLibrary::onFolderEvent);

    rescan();
}

QString MediaLibrary::baseName(int id)
{
    return QStringLiteral("%1").arg(id, 3, 10, QLatin1Char('0'));
}

void MediaLibrary::rescan()
{
    QHash<QString, FileStamp> files;
    const QFileInfoList entries = QDir(m_folder).entryInfoList(QDir::Files | QDir::NoDotAndDotDot);
    // Empty files are kept too: an upload that creates the file first must be
    // watched, or its content would never be noticed.
    for (const QFileInfo &info : entries)
        files.insert(info.fileName(), { info.size(), info.lastModified().toMSecsSinceEpoch() });
    const auto hasContent = [&files](const QString &name) {
        const auto it = files.constFind(name);
        return it != files.cend() && it->size > 0;
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

    const bool first = m_completeIds < 0;
    if (!first && files == m_files)
        return;
    m_files = std::move(files);
    m_missing = std::move(missing);
    m_completeIds = complete;
    logValidation();
    if (m_watching)
        watchFiles();
    if (!first)
        Q_EMIT changed();
}

void MediaLibrary::startWatching()
{
    if (!m_watcher.addPath(m_folder)) {
        qCWarning(lcMedia) << "cannot watch" << m_folder << "- changes there need a restart";
        return;
    }
    m_watching = true;
    watchFiles();
}

// Replacing a file in place changes only the file, not the folder: watch both.
void MediaLibrary::watchFiles()
{
    const QStringList watched = m_watcher.files();
    if (!watched.isEmpty())
        m_watcher.removePaths(watched);
    QStringList paths;
    paths.reserve(m_files.size());
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it)
        paths.append(m_folder + QLatin1Char('/') + it.key());
    if (!paths.isEmpty())
        m_watcher.addPaths(paths);
}

void MediaLibrary::onFolderEvent()
{
    m_settleTimer.start();
}

void MediaLibrary::logValidation() const
{
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
