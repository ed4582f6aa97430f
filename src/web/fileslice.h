#ifndef FILESLICE_H
#define FILESLICE_H

#include <QIODevice>

class QFile;

// A read-only view of `length` bytes of a file starting at `offset`.
// size() is the slice's length, so HttpResponder::write announces the right
// Content-Length for a 206 answer, and data is read from disk piece by piece
// as the client takes it instead of all at once.
class FileSlice : public QIODevice
{
    Q_OBJECT

public:
    // Takes ownership of `file`, which must already be open for reading (so
    // the caller can stat the very file it serves, even if it is replaced
    // on disk meanwhile). The slice is opened by open(ReadOnly).
    FileSlice(QFile *file, qint64 offset, qint64 length, QObject *parent = nullptr);
    ~FileSlice() override;

    bool open(OpenMode mode) override;
    void close() override;
    bool isSequential() const override;
    qint64 size() const override;
    bool seek(qint64 pos) override;

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    QFile *m_file;
    qint64 m_offset;
    qint64 m_length;
};

#endif // FILESLICE_H
