#ifndef AUDIODURATIONS_H
#define AUDIODURATIONS_H

#include <QHash>
#include <QSet>
#include <QString>

#include <optional>

// The length of each sound file, read from its headers with TagLib and kept
// until the file's size or time changes, so a rescan reads only the files
// that changed (docs/architecture.md, "Sound lengths").
class AudioDurations
{
public:
    // The length of the file at `path` with this size and modification time;
    // nullopt when it cannot be read or says it lasts 0 ms (not audio, empty,
    // cut short). A file that cannot be read is logged once per change.
    std::optional<qint64> durationMs(const QString &path, qint64 size, qint64 modifiedMs);
    // The title in the tags of the file at `path`, as read with its length;
    // empty when it has none or was not read.
    QString title(const QString &path) const { return m_entries.value(path).title; }
    // Forgets every file but these.
    void retain(const QSet<QString> &paths);
    // How many times a file was read, for tests of the cache.
    int reads() const { return m_reads; }

private:
    struct Entry
    {
        qint64 size = 0;
        qint64 modifiedMs = 0;
        std::optional<qint64> durationMs;
        QString title;
    };
    std::optional<qint64> read(const QString &path, QString *title);

    QHash<QString, Entry> m_entries;
    int m_reads = 0;
};

#endif // AUDIODURATIONS_H
