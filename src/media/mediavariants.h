#ifndef MEDIAVARIANTS_H
#define MEDIAVARIANTS_H

#include "media/audiodurations.h"
#include "media/mediascan.h"

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

// Which sound and which captions each item offers, in each configured
// language, resolved with fallback, and how long each of those sounds is
// (docs/architecture.md, "Captions and languages", "Sound lengths").
// Captions files are checked with WebVttCheck, and lengths read with
// AudioDurations, when their file's size or time changes; captions that fail
// are left out of the items, never the sound.
class MediaVariants
{
public:
    using FileStamp = MediaScan::FileStamp;

    // File names in the media folder; empty for none.
    struct Variant
    {
        QString audio;
        QString captions;
        bool fallback = false; // no sound of its own: the default's
    };
    struct Item
    {
        Variant main;             // the default language's, else the plain NNN.mp3
        QList<Variant> languages; // one per language, in the configured order
    };

    explicit MediaVariants(const QStringList &languages = {}, bool captions = true);

    QStringList languages() const { return m_languages; }
    bool captionsEnabled() const { return m_captions; }

    // Resolves every ID again from the folder's files (non-empty ones count)
    // and reads the lengths of the sounds that changed.
    void update(const QString &folder, const QHash<QString, FileStamp> &files, int firstId, int count);
    Item item(int id) const { return m_items.value(id); }
    // The item's "audio", "captions", "duration_ms", "title" and "languages"
    // (docs/websocket.md, "The item").
    QJsonObject soundFields(int id) const;
    // The sound of the default language or the plain one exists.
    bool hasSound(int id) const { return !m_items.value(id).main.audio.isEmpty(); }
    // Every sound the item can play, its main one first.
    QStringList sounds(int id) const;
    // The length of a sound the items name; nullopt when it cannot be read.
    std::optional<qint64> lengthMs(const QString &sound) const;
    // The longest of sounds(id) whose length is known.
    std::optional<qint64> longestMs(int id) const;
    // The title in a sound's tags; empty when it has none.
    QString title(const QString &sound) const;
    // Sounds the items name whose length cannot be read.
    QStringList unknownLength() const { return m_unknownLength; }
    // Captions files that fail the check, by name, and why.
    QStringList invalidCaptions() const { return m_invalid; }
    QString captionsError(const QString &name) const { return m_checks.value(name).error; }
    // Per language, in the configured order, the IDs without a sound of their own.
    QList<std::pair<QString, QList<int>>> languagesMissing() const { return m_missing; }

private:
    struct Check
    {
        FileStamp stamp;
        QString error; // empty: it passed
    };
    QString soundOf(const QHash<QString, FileStamp> &files, const QString &stem) const;
    QString captionsOf(const QString &sound) const;
    void readLengths(const QString &folder, const QHash<QString, FileStamp> &files);

    QStringList m_languages;
    bool m_captions;
    QHash<QString, Check> m_checks; // by captions file name
    QStringList m_valid;            // captions files that passed, of the last update
    QStringList m_invalid;
    QHash<int, Item> m_items;
    QList<std::pair<QString, QList<int>>> m_missing;
    AudioDurations m_durations;
    QString m_folder;
    QHash<QString, FileStamp> m_files; // of the last update, for the URLs
    QHash<QString, qint64> m_lengths; // by sound file name
    QStringList m_unknownLength;
};

#endif // MEDIAVARIANTS_H
