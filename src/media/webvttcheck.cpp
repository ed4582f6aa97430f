#include "media/webvttcheck.h"

#include <QFile>
#include <QList>

namespace {
bool isDigits(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (const char c : text) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

QByteArrayView trimmed(QByteArrayView text)
{
    while (!text.isEmpty() && isBlank(text.front()))
        text = text.sliced(1);
    while (!text.isEmpty() && isBlank(text.back()))
        text.chop(1);
    return text;
}

// Lines split at CRLF, CR or LF, as the format allows all three.
QList<QByteArrayView> lines(QByteArrayView text)
{
    QList<QByteArrayView> result;
    qsizetype start = 0;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] != '\n' && text[i] != '\r')
            continue;
        result.append(text.sliced(start, i - start));
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
            ++i;
        start = i + 1;
    }
    if (start < text.size())
        result.append(text.sliced(start));
    return result;
}
} // namespace

qint64 WebVttCheck::parseTimestamp(QByteArrayView text)
{
    // [hh:]mm:ss.ttt: hours two digits or more, minutes and seconds two, below 60.
    const qsizetype dot = text.lastIndexOf('.');
    if (dot < 0 || text.size() - dot - 1 != 3 || !isDigits(text.sliced(dot + 1)))
        return -1;
    const QList<QByteArray> parts = text.first(dot).toByteArray().split(':');
    if (parts.size() != 2 && parts.size() != 3)
        return -1;
    qint64 hours = 0;
    if (parts.size() == 3) {
        if (parts[0].size() < 2 || parts[0].size() > 9 || !isDigits(parts[0]))
            return -1;
        hours = parts[0].toLongLong();
    }
    const QByteArray &minutes = parts[parts.size() - 2];
    const QByteArray &seconds = parts[parts.size() - 1];
    if (minutes.size() != 2 || seconds.size() != 2 || !isDigits(minutes) || !isDigits(seconds))
        return -1;
    const int m = minutes.toInt();
    const int s = seconds.toInt();
    if (m > 59 || s > 59)
        return -1;
    return ((hours * 60 + m) * 60 + s) * 1000 + text.sliced(dot + 1).toByteArray().toInt();
}

QString WebVttCheck::check(QByteArrayView text)
{
    if (text.startsWith("\xef\xbb\xbf"))
        text = text.sliced(3);
    if (text.isEmpty())
        return QStringLiteral("empty file");
    const QList<QByteArrayView> all = lines(text);
    const QByteArrayView first = all.value(0);
    if (!first.startsWith("WEBVTT") || (first.size() > 6 && !isBlank(first[6])))
        return QStringLiteral("line 1 is not the WEBVTT signature");
    for (qsizetype i = 1; i < all.size(); ++i) {
        const QByteArrayView line = all[i];
        const qsizetype arrow = line.indexOf("-->");
        if (arrow < 0)
            continue;
        // "start --> end" and any cue settings after the end, separated by blanks.
        const QByteArrayView start = trimmed(line.first(arrow));
        QByteArrayView rest = trimmed(line.sliced(arrow + 3));
        qsizetype endLength = 0;
        while (endLength < rest.size() && !isBlank(rest[endLength]))
            ++endLength;
        const QByteArrayView end = rest.first(endLength);
        const qint64 startMs = parseTimestamp(start);
        const qint64 endMs = parseTimestamp(end);
        const QString lineNumber = QString::number(i + 1);
        if (startMs < 0 || endMs < 0)
            return QStringLiteral("line %1: not a cue timing ([hh:]mm:ss.ttt --> [hh:]mm:ss.ttt)").arg(lineNumber);
        if (endMs <= startMs)
            return QStringLiteral("line %1: the cue ends before it starts").arg(lineNumber);
    }
    return {};
}

QString WebVttCheck::checkFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return file.errorString();
    if (file.size() > maxFileSize)
        return QStringLiteral("larger than %1 MB").arg(maxFileSize / (1024 * 1024));
    return check(file.read(maxFileSize));
}
