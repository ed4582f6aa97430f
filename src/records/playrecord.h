#ifndef PLAYRECORD_H
#define PLAYRECORD_H

#include <QString>

#include <optional>

// One line of the play records (docs/architecture.md, "src/records/"): a
// press and what became of it, or the end of a playback and how long it
// played. Event and detail are the words /api/stats.csv shows.
struct PlayRecord
{
    qint64 timeMs = 0;   // wall-clock time, ms since 1970 UTC
    int id = 0;
    QString event;       // "press" or "end"
    QString detail;      // press: played, stopped, ignored, rejected; end: completed, timer, …
    std::optional<qint64> listenedMs; // ends only
};

#endif // PLAYRECORD_H
