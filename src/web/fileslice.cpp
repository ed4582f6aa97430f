#include "web/fileslice.h"

#include <QFile>

#include <algorithm>

FileSlice::FileSlice(QFile *file, qint64 offset, qint64 length, QObject *parent)
    : QIODevice(parent),
      m_file(file),
      m_offset(std::max<qint64>(offset, 0)),
      m_length(std::max<qint64>(length, 0))
{
    m_file->setParent(this);
}

FileSlice::~FileSlice() = default;

bool FileSlice::open(OpenMode mode)
{
    if ((mode & ReadWrite) != ReadOnly || !m_file->isOpen() || !m_file->seek(m_offset))
        return false;
    // Unbuffered: the consumer reads in its own chunks, a second buffer here
    // would only cost memory per open transfer.
    return QIODevice::open(mode | Unbuffered);
}

void FileSlice::close()
{
    QIODevice::close();
    m_file->close();
}

bool FileSlice::isSequential() const
{
    return false;
}

qint64 FileSlice::size() const
{
    return m_length;
}

bool FileSlice::seek(qint64 pos)
{
    if (pos < 0 || pos > m_length || !QIODevice::seek(pos))
        return false;
    return m_file->seek(m_offset + pos);
}

qint64 FileSlice::readData(char *data, qint64 maxSize)
{
    const qint64 wanted = std::min(maxSize, m_length - pos());
    if (wanted <= 0)
        return 0;
    const qint64 got = m_file->read(data, wanted);
    if (got <= 0) {
        // The slice's end lies beyond the file's: it shrank while being served.
        setErrorString(got < 0 ? m_file->errorString() : QStringLiteral("file ended before the slice"));
        return -1;
    }
    return got;
}

qint64 FileSlice::writeData(const char *, qint64)
{
    return -1;
}
