#ifndef HTTPPROBE_H
#define HTTPPROBE_H

#include "progresssource.h"

#include <QByteArray>
#include <QString>

class QTcpSocket;
class QTimer;

// Asks GET <path> again and again until the answer is 200 (a refused
// connection or another status is retried after a millisecond), and notes
// when the first 200 arrived. Raw HTTP/1.1 over QTcpSocket: no connection
// pooling or lazy set-up of an HTTP stack gets into the start-up figure.
class HttpProbe : public ProgressSource
{
    Q_OBJECT

public:
    HttpProbe(quint16 port, const QString &path, QObject *parent = nullptr);

    void start();
    void stop();
    bool succeeded() const { return m_okNs >= 0; }
    qint64 okNs() const { return m_okNs; }
    int attempts() const { return m_attempts; }
    int lastStatus() const { return m_lastStatus; }

private:
    void attempt();
    void retry();
    void onReadyRead();

    quint16 m_port;
    QByteArray m_request;
    QTcpSocket *m_socket = nullptr;
    QTimer *m_retryTimer = nullptr;
    QTimer *m_attemptTimer = nullptr;
    QByteArray m_buffer;
    qint64 m_okNs = -1;
    int m_attempts = 0;
    int m_lastStatus = 0;
    bool m_running = false;
};

#endif // HTTPPROBE_H
