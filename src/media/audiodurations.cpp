#include "media/audiodurations.h"

#include "system/logging.h"

#include <QFile>

// TagLib 1.13 (bookworm) and 2.x (trixie) alike: only API both have.
#include <audioproperties.h>
#include <fileref.h>
#include <tag.h>

std::optional<qint64> AudioDurations::durationMs(const QString &path, qint64 size, qint64 modifiedMs)
{
    const auto it = m_entries.constFind(path);
    if (it != m_entries.cend() && it->size == size && it->modifiedMs == modifiedMs)
        return it->durationMs;
    QString title;
    const std::optional<qint64> duration = read(path, &title);
    m_entries.insert(path, { size, modifiedMs, duration, title });
    return duration;
}

void AudioDurations::retain(const QSet<QString> &paths)
{
    m_entries.removeIf([&paths](QHash<QString, Entry>::iterator it) { return !paths.contains(it.key()); });
}

// Headers only (Average: the Xing/VBRI header or the bit rate and size for
// MP3, the last page for Ogg), never a decode of the audio.
std::optional<qint64> AudioDurations::read(const QString &path, QString *title)
{
    ++m_reads;
    const QByteArray name = QFile::encodeName(path);
    const TagLib::FileRef file(name.constData(), true, TagLib::AudioProperties::Average);
    const TagLib::AudioProperties *properties = file.isNull() ? nullptr : file.audioProperties();
    if (!properties) {
        qCWarning(lcMedia).noquote() << QStringLiteral("media: %1 has no length: not a sound file TagLib can read")
                                                .arg(path);
        return std::nullopt;
    }
    // The tags come with the same read.
    if (const TagLib::Tag *tag = file.tag())
        *title = QString::fromStdString(tag->title().to8Bit(true)).trimmed();
    const int length = properties->lengthInMilliseconds();
    if (length <= 0) {
        qCWarning(lcMedia).noquote()
                << QStringLiteral("media: %1 has no length: no audio found in it (not a sound, or cut short)").arg(path);
        return std::nullopt;
    }
    return length;
}
