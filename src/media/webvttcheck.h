#ifndef WEBVTTCHECK_H
#define WEBVTTCHECK_H

#include <QByteArrayView>
#include <QString>

// The few rules of WebVTT that decide whether a browser can show a captions
// file at all (docs/architecture.md, "Captions and languages"): the WEBVTT
// signature on the first line (after an optional byte order mark), and cue
// timings "[hh:]mm:ss.ttt --> [hh:]mm:ss.ttt" whose end lies after their
// start. Cue text, settings and styles are the browser's business.
class WebVttCheck
{
public:
    // Larger files are refused unread: captions of an hour are some 100 KB.
    static constexpr qint64 maxFileSize = 4 * 1024 * 1024;

    // Empty when `text` passes, else why not, naming the line.
    static QString check(QByteArrayView text);
    // The same for a file; also names a file that cannot be read or is too large.
    static QString checkFile(const QString &path);
    // Milliseconds of one timestamp ("01:02.500", "1:00:00.000"), or -1.
    static qint64 parseTimestamp(QByteArrayView text);
};

#endif // WEBVTTCHECK_H
