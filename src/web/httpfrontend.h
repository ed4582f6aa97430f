#ifndef HTTPFRONTEND_H
#define HTTPFRONTEND_H

#include "web/fileresponder.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>

class GatewayStatus;
class PanelController;

// The HTTP routes of CONTRACT.md §4 on the gateway's QHttpServer, whose port
// the WebSocket upgrade on /ws shares (WebSocketHub takes those sockets).
class HttpFrontend : public QObject
{
    Q_OBJECT

public:
    HttpFrontend(QHttpServer *server, PanelController *controller, const GatewayStatus *status,
                 const QString &mediaDir, QObject *parent = nullptr);

    // Listens on our own QTcpServer: Qt 6.8 dropped QHttpServer::listen(), and
    // a taken port is then an error we can report.
    bool listen(const QHostAddress &address, quint16 port);
    QString errorString() const { return m_error; }

private:
    void addRoutes();

    QHttpServer *m_server;
    PanelController *m_controller;
    const GatewayStatus *m_status;
    FileResponder m_staticFiles;
    FileResponder m_mediaFiles;
    QString m_error;
};

#endif // HTTPFRONTEND_H
