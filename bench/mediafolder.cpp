#include "mediafolder.h"

#include <QFile>

QString MediaFolder::fileName(int id, const QString &suffix)
{
    return QStringLiteral("%1.%2").arg(id, 3, 10, QLatin1Char('0')).arg(suffix);
}

bool MediaFolder::create(int count, int firstId, qint64 bigAudioBytes)
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("cannot create a temporary media folder: %1").arg(m_dir.errorString());
        return false;
    }
    // Smallest JPEG/ID3 headers, enough for anything that sniffs the type.
    static const QByteArray jpeg = QByteArray::fromHex("ffd8ffe000104a46494600010100000100010000ffd9");
    static const QByteArray mp3 = QByteArray::fromHex("4944330300000000000a") + QByteArray(10, '\0');
    for (int id = firstId; id < firstId + count; ++id) {
        const QString jpg = m_dir.filePath(fileName(id, QStringLiteral("jpg")));
        const QString aud = m_dir.filePath(fileName(id, QStringLiteral("mp3")));
        QFile f(jpg);
        if (!f.open(QIODevice::WriteOnly) || f.write(jpeg) != jpeg.size()) {
            m_error = QStringLiteral("cannot write %1: %2").arg(jpg, f.errorString());
            return false;
        }
        f.close();
        QFile a(aud);
        if (!a.open(QIODevice::WriteOnly) || a.write(mp3) != mp3.size()) {
            m_error = QStringLiteral("cannot write %1: %2").arg(aud, a.errorString());
            return false;
        }
        if (id == firstId && bigAudioBytes > 0) {
            // Real bytes, not a sparse hole, so the server really reads them.
            const QByteArray block(1 << 20, '\x55');
            qint64 left = bigAudioBytes - mp3.size();
            while (left > 0) {
                const qint64 n = qMin<qint64>(left, block.size());
                if (a.write(block.constData(), n) != n) {
                    m_error = QStringLiteral("cannot write %1: %2").arg(aud, a.errorString());
                    return false;
                }
                left -= n;
            }
        }
        a.close();
    }
    return true;
}
