#include "media/mediavariants.h"

#include "media/medialibrary.h"
#include "media/webvttcheck.h"

#include <QSet>

#include <algorithm>

namespace {
bool hasContent(const QHash<QString, MediaScan::FileStamp> &files, const QString &name)
{
    const auto it = files.constFind(name);
    return it != files.cend() && it->size > 0;
}

// "003.de.mp3" -> "003.de"
QString stemOf(const QString &name)
{
    return name.left(name.lastIndexOf(QLatin1Char('.')));
}
} // namespace

MediaVariants::MediaVariants(const QStringList &languages, bool captions)
    : m_languages(languages), m_captions(captions)
{
}

QString MediaVariants::soundOf(const QHash<QString, FileStamp> &files, const QString &stem) const
{
    for (const QLatin1String &suffix : MediaScan::suffixes(MediaScan::Audio)) {
        if (hasContent(files, stem + suffix))
            return stem + suffix;
    }
    return {};
}

// The captions beside a sound: 003.vtt for 003.mp3, 003.de.vtt for 003.de.ogg.
QString MediaVariants::captionsOf(const QString &sound) const
{
    if (sound.isEmpty())
        return {};
    const QString name = stemOf(sound) + QLatin1String(".vtt");
    return m_valid.contains(name) ? name : QString();
}

void MediaVariants::update(const QString &folder, const QHash<QString, FileStamp> &files, int firstId, int count)
{
    m_valid.clear();
    m_invalid.clear();
    if (m_captions) {
        QHash<QString, Check> checks;
        for (auto it = files.cbegin(); it != files.cend(); ++it) {
            // An empty file is one being written: it counts once it has content.
            if (!it.key().endsWith(QLatin1String(".vtt")) || it->size == 0)
                continue;
            Check check = m_checks.value(it.key());
            if (!m_checks.contains(it.key()) || check.stamp != *it)
                check = { *it, WebVttCheck::checkFile(folder + QLatin1Char('/') + it.key()) };
            checks.insert(it.key(), check);
            (check.error.isEmpty() ? m_valid : m_invalid).append(it.key());
        }
        m_checks = std::move(checks);
        std::sort(m_invalid.begin(), m_invalid.end());
    }

    m_items.clear();
    QList<QList<int>> missing(m_languages.size());
    for (int id = firstId; id < firstId + count; ++id) {
        const QString base = MediaLibrary::baseName(id);
        QStringList own;
        for (const QString &language : std::as_const(m_languages))
            own.append(soundOf(files, base + QLatin1Char('.') + language));
        Item item;
        item.main.audio = own.value(0).isEmpty() ? soundOf(files, base) : own.value(0);
        item.main.captions = captionsOf(item.main.audio);
        for (qsizetype i = 0; i < m_languages.size(); ++i) {
            Variant variant;
            if (!own.at(i).isEmpty()) {
                variant.audio = own.at(i);
                variant.captions = captionsOf(variant.audio);
            } else {
                // The default's sound, with captions in this language when there are some.
                const QString captions = base + QLatin1Char('.') + m_languages.at(i) + QLatin1String(".vtt");
                variant = { item.main.audio, m_valid.contains(captions) ? captions : item.main.captions, true };
                missing[i].append(id);
            }
            item.languages.append(variant);
        }
        m_items.insert(id, item);
    }
    m_missing.clear();
    for (qsizetype i = 0; i < m_languages.size(); ++i) {
        if (!missing.at(i).isEmpty())
            m_missing.append({ m_languages.at(i), missing.at(i) });
    }
    m_folder = folder;
    m_files = files;
    readLengths(folder, files);
}

// The length of every sound an item names, in any language. The cache reads
// only the files whose size or time changed since the last update.
void MediaVariants::readLengths(const QString &folder, const QHash<QString, FileStamp> &files)
{
    m_lengths.clear();
    m_unknownLength.clear();
    QSet<QString> paths;
    for (auto it = m_items.cbegin(); it != m_items.cend(); ++it) {
        const QStringList names = sounds(it.key());
        for (const QString &name : names) {
            if (paths.contains(folder + QLatin1Char('/') + name))
                continue;
            const QString path = folder + QLatin1Char('/') + name;
            const FileStamp stamp = files.value(name);
            paths.insert(path);
            if (const std::optional<qint64> length = m_durations.durationMs(path, stamp.size, stamp.modified))
                m_lengths.insert(name, *length);
            else
                m_unknownLength.append(name);
        }
    }
    std::sort(m_unknownLength.begin(), m_unknownLength.end());
    m_durations.retain(paths);
}

std::optional<qint64> MediaVariants::lengthMs(const QString &sound) const
{
    const auto it = m_lengths.constFind(sound);
    return it == m_lengths.cend() ? std::nullopt : std::optional<qint64>(*it);
}

std::optional<qint64> MediaVariants::longestMs(int id) const
{
    std::optional<qint64> longest;
    const QStringList names = sounds(id);
    for (const QString &name : names) {
        if (const std::optional<qint64> length = lengthMs(name))
            longest = std::max(longest.value_or(0), *length);
    }
    return longest;
}

QJsonObject MediaVariants::soundFields(int id) const
{
    const auto url = [this](const QString &name) {
        return name.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(MediaScan::url(name, m_files.value(name)));
    };
    const auto length = [this](const QString &name) {
        const std::optional<qint64> ms = lengthMs(name);
        return ms ? QJsonValue(*ms) : QJsonValue(QJsonValue::Null);
    };
    const Item item = m_items.value(id);
    QJsonObject perLanguage;
    for (qsizetype i = 0; i < m_languages.size() && i < item.languages.size(); ++i) {
        const Variant &variant = item.languages.at(i);
        perLanguage.insert(m_languages.at(i), QJsonObject {
                { QStringLiteral("audio"), url(variant.audio) },
                { QStringLiteral("captions"), url(variant.captions) },
                { QStringLiteral("duration_ms"), length(variant.audio) },
                { QStringLiteral("fallback"), variant.fallback },
        });
    }
    const QString name = title(item.main.audio);
    return {
        { QStringLiteral("audio"), url(item.main.audio) },
        { QStringLiteral("duration_ms"), length(item.main.audio) },
        { QStringLiteral("captions"), url(item.main.captions) },
        { QStringLiteral("title"), name.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(name) },
        { QStringLiteral("languages"), perLanguage },
    };
}

QString MediaVariants::title(const QString &sound) const
{
    return sound.isEmpty() ? QString() : m_durations.title(m_folder + QLatin1Char('/') + sound);
}

QStringList MediaVariants::sounds(int id) const
{
    const Item item = m_items.value(id);
    QStringList names;
    if (!item.main.audio.isEmpty())
        names.append(item.main.audio);
    for (const Variant &variant : item.languages) {
        if (!variant.audio.isEmpty() && !names.contains(variant.audio))
            names.append(variant.audio);
    }
    return names;
}
