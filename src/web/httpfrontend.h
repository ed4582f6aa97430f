#ifndef HTTPFRONTEND_H
#define HTTPFRONTEND_H

#include "web/fileresponder.h"
#include "web/httplimits.h"

#include <QHostAddress>
#include <QObject>
#include <QTcpSocket>

class AdminApi;
class GatewayStatus;
class HttpServer;
class PanelController;
class StatsApi;
struct HttpRequest;
class HttpResponder;

// The HTTP routes (docs/http.md) on the gateway's HttpServer. Its port is
// shared with /ws: upgrades on /ws leave through webSocketRequested().
class HttpFrontend : public QObject
{
    Q_OBJECT

public:
    HttpFrontend(PanelController *controller, const GatewayStatus *status, const QString &mediaDir,
                 const HttpLimits &limits, QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port);
    // The port it listens on: the one asked for, or the one found for 0.
    quint16 serverPort() const;
    QString errorString() const { return m_error; }

    // /metrics answers, or is an unknown path (`metrics = off`).
    void setMetricsEnabled(bool enabled) { m_metricsEnabled = enabled; }
    // /api/stats and /api/stats.csv (docs/http.md, "/api/stats"); without
    // one they are unknown paths.
    void setStatsApi(StatsApi *stats) { m_stats = stats; }
    // The staff console's routes and session gate; without it, every
    // guarded path is refused (docs/http.md, "/admin and /api/admin").
    void setAdminApi(AdminApi *admin) { m_admin = admin; }

    // Answers one request; public for the tests of the routes.
    void handle(const HttpRequest &request, HttpResponder &responder);

Q_SIGNALS:
    void webSocketRequested(QTcpSocket *socket, const HttpRequest &request);

private:
    void testPlay(const HttpRequest &request, HttpResponder &responder, const QString &arg);
    void testStop(const HttpRequest &request, HttpResponder &responder);
    void report(const HttpRequest &request, HttpResponder &responder, bool health);
    void metrics(const HttpRequest &request, HttpResponder &responder);
    void listenPage(const HttpRequest &request, HttpResponder &responder);
    void listenCode(const HttpRequest &request, HttpResponder &responder);

    PanelController *m_controller;
    const GatewayStatus *m_status;
    FileResponder m_staticFiles;
    FileResponder m_mediaFiles;
    HttpServer *m_server;
    QString m_error;
    bool m_metricsEnabled = true;
    StatsApi *m_stats = nullptr;
    AdminApi *m_admin = nullptr;
};

#endif // HTTPFRONTEND_H
