#ifndef MEDIAFOLDER_H
#define MEDIAFOLDER_H

#include <QString>
#include <QTemporaryDir>

// A throw-away media folder: NNN.jpg and NNN.mp3 for every valid ID, tiny but
// not empty (the gateway only checks that they exist and are not empty).
class MediaFolder
{
public:
    // bigAudioBytes > 0 makes the first ID's mp3 that large (download test).
    bool create(int count, int firstId, qint64 bigAudioBytes = 0);
    QString path() const { return m_dir.path(); }
    QString errorString() const { return m_error; }
    static QString fileName(int id, const QString &suffix);

private:
    QTemporaryDir m_dir;
    QString m_error;
};

#endif // MEDIAFOLDER_H
