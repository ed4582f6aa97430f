#include "web/httpfrontend.h"

#include "core/panelcontroller.h"
#include "system/logging.h"
#include "web/adminapi.h"
#include "web/gatewaystatus.h"
#include "web/httprequest.h"
#include "web/httpresponder.h"
#include "web/httpfilesemantics.h"
#include "web/httpserver.h"
#include "web/listenurl.h"
#include "web/metricstext.h"
#include "web/qrcodesvg.h"
#include "web/statsapi.h"

#include <QBuffer>
#include <QFile>
#include <QJsonDocument>

namespace {

const QByteArray textPlain = QByteArrayLiteral("text/plain; charset=utf-8");

void replyText(HttpResponder &responder, int status, const QByteArray &text, HttpResponder::HeaderList headers = {})
{
    headers.prepend({ "Content-Type", textPlain });
    responder.write(status, headers, text);
}

bool isGetOrPost(const HttpRequest &request)
{
    return request.isGet() || request.method == "POST";
}

bool isGetOrHead(const HttpRequest &request)
{
    return request.isGet() || request.isHead();
}

} // namespace

HttpFrontend::HttpFrontend(PanelController *controller, const GatewayStatus *status, const QString &mediaDir,
                           const HttpLimits &limits, QObject *parent)
    : QObject(parent),
      m_controller(controller),
      m_status(status),
      m_staticFiles(QStringLiteral(":/static"), FileResponder::Caching::Revalidate),
      m_mediaFiles(mediaDir, FileResponder::Caching::Media),
      m_server(new HttpServer(limits, QStringLiteral("/ws"),
                              [this](const HttpRequest &request, HttpResponder &responder) {
                                  handle(request, responder);
                              },
                              this))
{
    connect(m_server, &HttpServer::webSocketRequested, this, &HttpFrontend::webSocketRequested);
}

bool HttpFrontend::listen(const QHostAddress &address, quint16 port)
{
    if (!m_server->listen(address, port)) {
        m_error = QStringLiteral("cannot listen on %1:%2: %3")
                          .arg(address.toString())
                          .arg(port)
                          .arg(m_server->errorString());
        return false;
    }
    qCInfo(lcHttp).noquote() << QStringLiteral("listening on %1:%2").arg(address.toString()).arg(m_server->serverPort());
    return true;
}

quint16 HttpFrontend::serverPort() const
{
    return m_server->serverPort();
}

void HttpFrontend::handle(const HttpRequest &request, HttpResponder &responder)
{
    const QString path = request.url.path();
    // The gate first, so that no route behind it can be reached without a
    // session (docs/http.md, "/admin and /api/admin").
    if (AdminApi::isGuarded(path) && !(m_admin && m_admin->hasSession(request)))
        return AdminApi::refuse(responder);
    if (m_admin && m_admin->handle(request, responder))
        return;
    if (path == QLatin1String("/admin"))
        return m_staticFiles.respondFile(request, responder, QStringLiteral("admin.html"));
    if (path == QLatin1String("/"))
        return m_staticFiles.respondFile(request, responder, QStringLiteral("index.html"));
    if (path.startsWith(QLatin1String("/static/")))
        return m_staticFiles.respond(request, responder, u"/static/");
    if (path.startsWith(QLatin1String("/media/")))
        return m_mediaFiles.respond(request, responder, u"/media/");
    if (path == QLatin1String("/ws")) // upgrades never get here: the connection hands them over
        return replyText(responder, 426, "WebSocket endpoint: connect with a WebSocket client\n",
                         { { "Upgrade", "websocket" } });
    if (path.startsWith(QLatin1String("/test/play/")) && path.count(QLatin1Char('/')) == 3)
        return testPlay(request, responder, path.mid(11));
    if (path == QLatin1String("/test/stop"))
        return testStop(request, responder);
    if (path == QLatin1String("/status") || path == QLatin1String("/health"))
        return report(request, responder, path == QLatin1String("/health"));
    if (path == QLatin1String("/metrics") && m_metricsEnabled)
        return metrics(request, responder);
    if ((path == QLatin1String("/api/stats") || path == QLatin1String("/api/stats.csv")) && m_stats)
        return m_stats->respond(request, responder, path.endsWith(QLatin1String(".csv")));
    if (path == QLatin1String("/listen"))
        return listenPage(request, responder);
    if (path == QLatin1String("/listen.svg"))
        return listenCode(request, responder);

    qCInfo(lcHttp).noquote() << "404 for" << request.url.path(QUrl::FullyEncoded).left(200) << "from"
                             << request.peer.toString();
    replyText(responder, 404, "Not found\n");
}

void HttpFrontend::testPlay(const HttpRequest &request, HttpResponder &responder, const QString &arg)
{
    if (!isGetOrPost(request))
        return replyText(responder, 405, "ERROR: use GET or POST\n", { { "Allow", "GET, POST" } });
    bool ok = false;
    const int id = arg.toInt(&ok);
    const PanelController::Outcome outcome = ok && id >= 0 ? m_controller->press(id) : PanelController::Outcome::Rejected;
    switch (outcome) {
    case PanelController::Outcome::Rejected:
        qCWarning(lcHttp).noquote() << "test press refused:" << arg.left(40);
        return replyText(responder, 400, QStringLiteral("ERROR: invalid id '%1'\n").arg(arg.left(40)).toUtf8());
    case PanelController::Outcome::Played:
        return replyText(responder, 200, QStringLiteral("OK: play %1\n").arg(id).toUtf8());
    case PanelController::Outcome::Stopped:
        return replyText(responder, 200, "OK: stopped\n");
    case PanelController::Outcome::Ignored:
        // A real press the policy ignores changes nothing; so does this one.
        return replyText(responder, 200,
                         QStringLiteral("OK: ignored %1 (%2)\n")
                                 .arg(id)
                                 .arg(m_controller->isOpen() ? QStringLiteral("press policy") : QStringLiteral("closed"))
                                 .toUtf8());
    case PanelController::Outcome::Language:
        return replyText(responder, 200, QStringLiteral("OK: language %1\n").arg(m_controller->language()).toUtf8());
    }
}

void HttpFrontend::testStop(const HttpRequest &request, HttpResponder &responder)
{
    if (!isGetOrPost(request))
        return replyText(responder, 405, "ERROR: use GET or POST\n", { { "Allow", "GET, POST" } });
    m_controller->stop();
    replyText(responder, 200, "OK: stopped\n");
}

void HttpFrontend::report(const HttpRequest &request, HttpResponder &responder, bool health)
{
    if (!isGetOrHead(request))
        return replyText(responder, 405, "Method not allowed\n", { { "Allow", "GET, HEAD" } });
    int status = 200;
    QJsonObject body;
    if (health) {
        body = m_status->health();
        if (body.value(QLatin1String("status")) != QLatin1String("healthy"))
            status = 503;
    } else {
        body = m_status->status();
    }
    responder.write(status, { { "Content-Type", "application/json" }, { "Cache-Control", "no-store" } },
                    QJsonDocument(body).toJson());
}

void HttpFrontend::metrics(const HttpRequest &request, HttpResponder &responder)
{
    if (!isGetOrHead(request))
        return replyText(responder, 405, "Method not allowed\n", { { "Allow", "GET, HEAD" } });
    responder.write(200, { { "Content-Type", MetricsText::contentType() }, { "Cache-Control", "no-store" } },
                    MetricsText::format(m_status->snapshot()));
}

// The page for visitors' phones (docs/http.md, "/listen"). A full house is
// told so here already, in words, rather than by a page that cannot connect.
void HttpFrontend::listenPage(const HttpRequest &request, HttpResponder &responder)
{
    const GatewaySnapshot s = m_status->snapshot();
    if (s.maxListeners == 0)
        return replyText(responder, 404, "Not found: listening on a phone is off here\n");
    if (!isGetOrHead(request) || s.listeners < s.maxListeners)
        return m_staticFiles.respondFile(request, responder, QStringLiteral("listen.html"));
    qCInfo(lcHttp).noquote() << "503 for /listen from" << request.peer.toString() << "-" << s.listeners
                             << "listening, the most allowed";
    QFile page(QStringLiteral(":/static/listen-full.html"));
    const QByteArray body = page.open(QIODevice::ReadOnly) ? page.readAll() : QByteArray("Too many listeners\n");
    responder.write(503,
                    { { "Content-Type", "text/html; charset=utf-8" }, { "Cache-Control", "no-store" },
                      { "Retry-After", "60" } },
                    body);
}

// The QR code of the listen page's address, for the dashboard's idle screen.
void HttpFrontend::listenCode(const HttpRequest &request, HttpResponder &responder)
{
    if (!isGetOrHead(request))
        return replyText(responder, 405, "Method not allowed\n", { { "Allow", "GET, HEAD" } });
    const GatewaySnapshot s = m_status->snapshot();
    if (s.maxListeners == 0)
        return replyText(responder, 404, "Not found: listening on a phone is off here\n");
    const QByteArray svg = QrCodeSvg::svg(ListenUrl::forRequest(s.listenUrl, request));
    if (svg.isEmpty())
        return replyText(responder, 404, "Not found: no address to show\n");
    QBuffer content;
    content.setData(svg);
    content.open(QIODevice::ReadOnly);
    const QByteArray etag = HttpFileSemantics::contentTag(&content);
    const HttpResponder::HeaderList headers = { { "Content-Type", "image/svg+xml" },
                                                { "Cache-Control", "no-cache" },
                                                { "ETag", etag } };
    if (HttpFileSemantics::tagListMatches(request.value("if-none-match"), etag,
                                          HttpFileSemantics::TagComparison::Weak))
        return responder.writeNotModified(headers);
    responder.write(200, headers, svg);
}
