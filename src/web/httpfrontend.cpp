#include "web/httpfrontend.h"

#include "core/panelcontroller.h"
#include "system/logging.h"
#include "web/connectiongate.h"
#include "web/gatewaystatus.h"
#include "web/httpcompat.h"

#include <QHttpServerRequest>
#include <QJsonDocument>

namespace {

const QByteArray textPlain = QByteArrayLiteral("text/plain; charset=utf-8");

bool isGetOrPost(const QHttpServerRequest &request)
{
    return request.method() == QHttpServerRequest::Method::Get
            || request.method() == QHttpServerRequest::Method::Post;
}

// Answers with a body, or with its headers alone for HEAD: a body there would
// be read as the start of the next answer on a kept-alive connection.
void reply(const QHttpServerRequest &request, QHttpServerResponder &responder, const QByteArray &body,
           const QByteArray &mimeType, QHttpServerResponder::StatusCode status = QHttpServerResponder::StatusCode::Ok)
{
    const bool head = request.method() == QHttpServerRequest::Method::Head;
    responder.write(head ? QByteArray() : body, mimeType, status);
}

void replyJson(const QHttpServerRequest &request, QHttpServerResponder &responder, const QJsonObject &object,
               QHttpServerResponder::StatusCode status = QHttpServerResponder::StatusCode::Ok)
{
    reply(request, responder, QJsonDocument(object).toJson(), QByteArrayLiteral("application/json"), status);
}

} // namespace

HttpFrontend::HttpFrontend(QHttpServer *server, PanelController *controller, const GatewayStatus *status,
                           const QString &mediaDir, QObject *parent)
    : QObject(parent),
      m_server(server),
      m_controller(controller),
      m_status(status),
      m_staticFiles(QStringLiteral(":/static"), FileResponder::Caching::Revalidate),
      m_mediaFiles(mediaDir, FileResponder::Caching::Media)
{
    addRoutes();
}

bool HttpFrontend::listen(const QHostAddress &address, quint16 port)
{
    auto *tcp = new ConnectionGate(QStringLiteral("/ws"), m_server);
    if (!tcp->listen(address, port)) {
        m_error = QStringLiteral("cannot listen on %1:%2: %3").arg(address.toString()).arg(port).arg(tcp->errorString());
        delete tcp;
        return false;
    }
    connect(tcp, &ConnectionGate::webSocketRequested, this, &HttpFrontend::webSocketRequested);
    m_server->bind(tcp); // the server owns it from here on
    qCInfo(lcHttp).noquote() << QStringLiteral("listening on %1:%2").arg(address.toString()).arg(tcp->serverPort());
    return true;
}

void HttpFrontend::addRoutes()
{
    m_server->route("/", [this](const QHttpServerRequest &request, HttpResponder responder) {
        m_staticFiles.respondFile(request, responder, QStringLiteral("index.html"));
    });
    m_server->route("/static/<arg>", [this](const QString &, const QHttpServerRequest &request, HttpResponder responder) {
        m_staticFiles.respond(request, responder, u"/static/");
    });
    m_server->route("/media/<arg>", [this](const QString &, const QHttpServerRequest &request, HttpResponder responder) {
        m_mediaFiles.respond(request, responder, u"/media/");
    });
    // Upgrades are ConnectionGate's; a plain GET learns what to do.
    m_server->route("/ws", [](const QHttpServerRequest &request, HttpResponder responder) {
        reply(request, responder, "WebSocket endpoint: connect with a WebSocket client\n", textPlain,
                  QHttpServerResponder::StatusCode::UpgradeRequired);
    });
    m_server->route("/test/play/<arg>", [this](const QString &arg, const QHttpServerRequest &request, HttpResponder responder) {
        if (!isGetOrPost(request))
            return reply(request, responder, "ERROR: use GET or POST\n", textPlain,
                         QHttpServerResponder::StatusCode::MethodNotAllowed);
        bool ok = false;
        const int id = arg.toInt(&ok);
        if (!ok || id < 0 || !m_controller->press(id)) {
            qCWarning(lcHttp).noquote() << "test press refused:" << arg.left(40);
            return reply(request, responder, QStringLiteral("ERROR: invalid id '%1'\n").arg(arg.left(40)).toUtf8(),
                         textPlain, QHttpServerResponder::StatusCode::BadRequest);
        }
        reply(request, responder, QStringLiteral("OK: play %1\n").arg(id).toUtf8(), textPlain);
    });
    m_server->route("/test/stop", [this](const QHttpServerRequest &request, HttpResponder responder) {
        if (!isGetOrPost(request))
            return reply(request, responder, "ERROR: use GET or POST\n", textPlain,
                         QHttpServerResponder::StatusCode::MethodNotAllowed);
        m_controller->stop();
        reply(request, responder, "OK: stopped\n", textPlain);
    });
    m_server->route("/status", [this](const QHttpServerRequest &request, HttpResponder responder) {
        replyJson(request, responder, m_status->status());
    });
    m_server->route("/health", [this](const QHttpServerRequest &request, HttpResponder responder) {
        const QJsonObject health = m_status->health();
        const bool healthy = health.value(QLatin1String("status")) == QLatin1String("healthy");
        replyJson(request, responder, health,
                  healthy ? QHttpServerResponder::StatusCode::Ok : QHttpServerResponder::StatusCode::ServiceUnavailable);
    });

    const auto notFound = [](const QHttpServerRequest &request, HttpResponder responder) {
        qCInfo(lcHttp).noquote() << "404 for" << request.url().path(QUrl::FullyEncoded).left(200) << "from"
                                 << request.remoteAddress().toString();
        reply(request, responder, "Not found\n", textPlain, QHttpServerResponder::StatusCode::NotFound);
    };
#if QT_VERSION >= QT_VERSION_CHECK(6, 8, 0)
    m_server->setMissingHandler(this, notFound);
#else
    m_server->setMissingHandler(notFound);
#endif
}
