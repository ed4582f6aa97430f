#ifndef HTTPDOWNLOADER_H
#define HTTPDOWNLOADER_H

#include "progresssource.h"

#include <QByteArray>
#include <QVector>

class QTcpSocket;

// Fetches one URL path with N concurrent raw HTTP/1.1 connections and counts
// the body bytes each one gets (Content-Length, chunked or until close);
// bodies are thrown away as they arrive.
class HttpDownloader : public ProgressSource
{
    Q_OBJECT

public:
    struct Result
    {
        int status = 0;
        qint64 contentLength = -1;
        qint64 bodyBytes = 0;
        bool done = false;
        bool complete = false;   // the whole announced body arrived
        QString error;
    };

    HttpDownloader(quint16 port, const QByteArray &path, int clients, QObject *parent = nullptr);

    void start();
    void abortAll();
    int doneCount() const { return m_done; }
    const QVector<Result> &results() const { return m_results; }
    qint64 startNs() const { return m_startNs; }
    qint64 endNs() const { return m_endNs; }

private:
    struct Conn
    {
        QTcpSocket *socket = nullptr;
        QByteArray head;          // header bytes, and chunk-size lines
        bool inBody = false;
        bool chunked = false;
        qint64 chunkLeft = -1;    // bytes left in this chunk; -1: expecting a size line
        bool chunkCrlf = false;   // expecting the CRLF after a chunk's data
    };

    void onReadyRead(int i);
    void consumeBody(int i, const char *data, qint64 n);
    void finish(int i, bool complete, const QString &error = QString());

    quint16 m_port;
    QByteArray m_path;
    QVector<Conn> m_conns;
    QVector<Result> m_results;
    int m_done = 0;
    qint64 m_startNs = 0;
    qint64 m_endNs = 0;
};

#endif // HTTPDOWNLOADER_H
