#include "media/mediavariants.h"

#include "media/medialibrary.h"
#include "media/webvttcheck.h"

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
