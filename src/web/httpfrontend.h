#ifndef HTTPFRONTEND_H
#define HTTPFRONTEND_H

#include "web/fileresponder.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QObject>

class GatewayStatus;
class QTcpSocket;
class PanelController;

// The HTTP routes (docs/http.md) on the gateway's QHttpServer. Its port is
// shared with /ws: ConnectionGate sorts out the WebSocket upgrades before the
// routes see a request, and they leave through webSocketRequested().
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

Q_SIGNALS:
    void webSocketRequested(QTcpSocket *socket);

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
