#ifndef RESPONSEWRITER_H
#define RESPONSEWRITER_H

#include <QByteArray>
#include <QHttpServerResponder>
#include <QList>
#include <QPair>

#include <memory>

class FileSlice;

// Writes one answer, status line, headers and body, through a
// QHttpServerResponder, with a body either from memory or streamed from a
// file. QtHttpServer's responder API differs between the Qt versions the
// gateway ships on; this class is the one place that knows, and keeps the
// difference inside its .cpp.
class ResponseWriter
{
public:
    using StatusCode = QHttpServerResponder::StatusCode;
    using HeaderList = QList<QPair<QByteArray, QByteArray>>;

    // head: answering HEAD, so bodies are announced (Content-Length) but not sent.
    ResponseWriter(QHttpServerResponder &responder, bool head);

    // A short body held in memory.
    void write(StatusCode status, const HeaderList &headers, const QByteArray &body);
    // The bytes of a file, read from disk as the client takes them.
    void write(StatusCode status, const HeaderList &headers, std::unique_ptr<FileSlice> body);
    // 304: no body; `fullLength` is the length a 200 would have, for where
    // Qt writes a Content-Length anyway.
    void writeNotModified(const HeaderList &headers, qint64 fullLength);

private:
    QHttpServerResponder &m_responder;
    bool m_head;
};

#endif // RESPONSEWRITER_H
