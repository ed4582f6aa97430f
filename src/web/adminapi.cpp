#include "web/adminapi.h"

#include "core/panelcontroller.h"
#include "system/adminpassword.h"
#include "system/logging.h"
#include "system/logtail.h"
#include "web/gatewaystatus.h"
#include "web/httprequest.h"
#include "web/httpresponder.h"
#include "web/websockethub.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <algorithm>

using namespace std::chrono_literals;

namespace {

const QByteArray allowPost = QByteArrayLiteral("POST");

void methodNotAllowed(HttpResponder &responder, const QByteArray &allow)
{
    responder.writeJsonError(405, QStringLiteral("method not allowed: use %1").arg(QString::fromLatin1(allow)),
                             { { "Allow", allow } });
}

// ISO 8601 in local time with its offset, e.g. 2026-12-02T10:00:00+01:00.
QString localTime(qint64 msSinceEpoch)
{
    const QDateTime when = QDateTime::fromMSecsSinceEpoch(msSinceEpoch);
    return when.toOffsetFromUtc(when.offsetFromUtc()).toString(Qt::ISODate);
}

// The value of one cookie in the Cookie header; empty when absent.
QByteArray cookie(const HttpRequest &request, QByteArrayView name)
{
    const QList<QByteArray> pairs = request.value("cookie").split(';');
    for (const QByteArray &pair : pairs) {
        const QByteArray trimmed = pair.trimmed();
        const qsizetype equals = trimmed.indexOf('=');
        if (equals > 0 && QByteArrayView(trimmed).first(equals) == name)
            return trimmed.mid(equals + 1);
    }
    return {};
}

QByteArray sessionCookie(const QByteArray &token, int maxAgeS)
{
    return AdminApi::CookieName + QByteArrayLiteral("=") + token
            + QByteArrayLiteral("; Path=/; HttpOnly; SameSite=Strict; Max-Age=") + QByteArray::number(maxAgeS);
}

QString peer(const HttpRequest &request)
{
    return request.peer.toString();
}

// A JSON object as the body, or nullopt.
std::optional<QJsonObject> jsonBody(const HttpRequest &request)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return std::nullopt;
    return document.object();
}

// A browser names the page that sends a POST in Origin; one from another
// site or port (which SameSite does not tell apart from this one) is not
// the console's. Clients without Origin (curl, scripts) are not browsers.
bool isCrossOrigin(const HttpRequest &request)
{
    const QByteArray origin = request.value("origin");
    if (origin.isEmpty())
        return false;
    const QUrl url(QString::fromLatin1(origin));
    return !url.isValid() || url.authority().compare(QString::fromLatin1(request.value("host")), Qt::CaseInsensitive) != 0;
}

} // namespace

AdminApi::AdminApi(PanelController *controller, const GatewayStatus *status, const WebSocketHub *hub,
                   const LogTail *log, const Clock *clock, const QString &passwordFile, QObject *parent)
    : QObject(parent),
      m_controller(controller),
      m_status(status),
      m_hub(hub),
      m_log(log),
      m_passwordFile(passwordFile),
      m_sessions(clock),
      m_wrongPasswordLog(3, 60s,
                         [](quint64 heldBack) {
                             qCWarning(lcAdmin) << heldBack << "more wrong admin passwords in the last minute";
                         }),
      m_refusedLog(3, 60s, [](quint64 heldBack) {
          qCWarning(lcAdmin) << heldBack << "more console logins refused in the last minute (too many wrong passwords)";
      }),
      m_crossOriginLog(3, 60s, [](quint64 heldBack) {
          qCWarning(lcAdmin) << heldBack << "more console requests from another origin refused in the last minute";
      })
{
    // One password check at a time; the others wait their turn.
    m_passwordChecks.setMaxThreadCount(1);
}

AdminApi::~AdminApi()
{
    // Checks not begun are dropped; one under way is waited for.
    m_passwordChecks.clear();
    m_passwordChecks.waitForDone();
}

bool AdminApi::isGuarded(const QString &path)
{
    return path.startsWith(QLatin1String("/api/admin")) || path.startsWith(QLatin1String("/api/stats"));
}

void AdminApi::refuse(HttpResponder &responder)
{
    responder.writeJsonError(401, QStringLiteral("log in at /admin"));
}

bool AdminApi::hasSession(const HttpRequest &request)
{
    const QByteArray token = cookie(request, CookieName);
    return !token.isEmpty() && m_sessions.isValid(token);
}

bool AdminApi::handle(const HttpRequest &request, HttpResponder &responder)
{
    const QString path = request.url.path();
    const bool own = path == QLatin1String("/admin/login") || path == QLatin1String("/admin/logout")
            || path.startsWith(QLatin1String("/api/admin/"));
    if (own && request.method == allowPost && isCrossOrigin(request)) {
        if (m_crossOriginLog.allow()) {
            qCWarning(lcAdmin).noquote() << "console request from another origin refused:"
                                         << QString::fromLatin1(request.value("origin").left(100)) << "from"
                                         << peer(request);
        }
        responder.writeJsonError(403, QStringLiteral("cross-origin request refused"));
        return true;
    }
    if (path == QLatin1String("/admin/login"))
        login(request, responder);
    else if (path == QLatin1String("/admin/logout"))
        logout(request, responder);
    else if (path.startsWith(QLatin1String("/api/admin/")))
        route(request, responder, path.mid(11));
    else
        return false;
    return true;
}

void AdminApi::login(const HttpRequest &request, HttpResponder &responder)
{
    if (request.method != allowPost)
        return methodNotAllowed(responder, allowPost);
    QFile file(m_passwordFile);
    if (m_passwordFile.isEmpty() || !file.exists())
        return responder.writeJsonError(404, QStringLiteral("console off: run selection-panel --set-admin-password"));

    // Refused before anything is parsed or hashed: waiting costs the gateway nothing.
    if (const qint64 waitMs = m_sessions.waitMs(request.peer); waitMs > 0) {
        const qint64 seconds = (waitMs + 999) / 1000;
        if (m_refusedLog.allow())
            qCWarning(lcAdmin).noquote() << "console login from" << peer(request) << "refused for" << seconds
                                         << "s: too many wrong passwords";
        return responder.writeJson(429,
                                   { { QStringLiteral("error"), QStringLiteral("too many wrong passwords: wait") },
                                     { QStringLiteral("retry_after_s"), seconds } },
                                   { { "Retry-After", QByteArray::number(seconds) } });
    }

    const std::optional<QJsonObject> body = jsonBody(request);
    const QJsonValue password = body ? body->value(QLatin1String("password")) : QJsonValue();
    if (!password.isString())
        return responder.writeJsonError(400, QStringLiteral("expected {\"password\":\"…\"}"));

    if (!file.open(QIODevice::ReadOnly)) {
        qCWarning(lcAdmin).noquote() << "cannot read" << m_passwordFile << "-" << file.errorString();
        return responder.writeJsonError(500, QStringLiteral("the password file cannot be read"));
    }
    const AdminPassword stored = AdminPassword::parse(file.readLine(4096));
    if (!stored.isValid()) {
        qCWarning(lcAdmin).noquote() << m_passwordFile << "holds no valid password hash;"
                                     << "run selection-panel --set-admin-password";
        return responder.writeJsonError(500, QStringLiteral("the password file is damaged"));
    }

    // One check at a time per address, a few at once in all: a client
    // cannot get round the wait after wrong passwords by asking in
    // parallel, nor keep the checking thread busy for everyone.
    const bool sameAddress = std::any_of(m_pendingLogins.cbegin(), m_pendingLogins.cend(),
                                         [&](const auto &pending) { return pending.second.peer == request.peer; });
    if (sameAddress || m_pendingLogins.size() >= MaxPendingLogins) {
        return responder.writeJson(429,
                                   { { QStringLiteral("error"), QStringLiteral("a login is being checked: wait") },
                                     { QStringLiteral("retry_after_s"), 1 } },
                                   { { "Retry-After", "1" } });
    }
    // Deriving the key takes a tenth of a second here and several times
    // that on a Pi: on a thread of its own, so that presses meanwhile are
    // not held up (docs/http.md, "/admin and /api/admin").
    const quint64 ticket = ++m_lastTicket;
    m_pendingLogins.emplace(ticket, PendingLogin { responder.defer(), request.peer });
    m_passwordChecks.start([this, ticket, stored, attempt = password.toString().toUtf8()] {
        const bool right = stored.verify(attempt);
        QMetaObject::invokeMethod(this, [this, ticket, right] { finishLogin(ticket, right); }, Qt::QueuedConnection);
    });
}

void AdminApi::finishLogin(quint64 ticket, bool right)
{
    auto pending = m_pendingLogins.extract(ticket);
    if (pending.empty())
        return;
    HttpResponder &responder = pending.mapped().responder;
    const QHostAddress &peer = pending.mapped().peer;
    if (!right) {
        const qint64 waitMs = m_sessions.failed(peer);
        if (m_wrongPasswordLog.allow()) {
            QString line = QStringLiteral("wrong admin password from ") + peer.toString();
            if (waitMs > 0)
                line += QStringLiteral(" - next try in %1 s").arg((waitMs + 999) / 1000);
            qCWarning(lcAdmin).noquote() << line;
        }
        return responder.writeJsonError(403, QStringLiteral("wrong password"));
    }
    m_sessions.succeeded(peer);
    const QByteArray token = m_sessions.open();
    qCInfo(lcAdmin).noquote() << "console login from" << peer.toString() << "-" << m_sessions.sessionCount()
                              << "sessions";
    responder.writeJson(200, { { QStringLiteral("ok"), true } },
                        { { "Set-Cookie", sessionCookie(token, int(AdminSessions::LifetimeMs / 1000)) } });
}

void AdminApi::logout(const HttpRequest &request, HttpResponder &responder)
{
    if (request.method != allowPost)
        return methodNotAllowed(responder, allowPost);
    const QByteArray token = cookie(request, CookieName);
    if (!token.isEmpty() && m_sessions.isValid(token)) {
        m_sessions.close(token);
        qCInfo(lcAdmin).noquote() << "console logout from" << peer(request);
    }
    responder.writeJson(200, { { QStringLiteral("ok"), true } }, { { "Set-Cookie", sessionCookie({}, 0) } });
}

// Past the gate: a live session asks.
void AdminApi::route(const HttpRequest &request, HttpResponder &responder, const QString &route)
{
    if (route == QLatin1String("state")) {
        if (!request.isGet() && !request.isHead())
            return methodNotAllowed(responder, QByteArrayLiteral("GET, HEAD"));
        return responder.writeJson(200, state());
    }
    const bool isPress = route.startsWith(QLatin1String("press/")) && route.count(QLatin1Char('/')) == 1;
    const bool known = isPress || route == QLatin1String("stop") || route == QLatin1String("volume")
            || route == QLatin1String("attract") || route == QLatin1String("selftest");
    if (!known)
        return responder.writeJsonError(404, QStringLiteral("no such console route"));
    if (request.method != allowPost)
        return methodNotAllowed(responder, allowPost);

    if (isPress)
        return press(request, responder, route.mid(6));
    if (route == QLatin1String("volume"))
        return setVolume(request, responder);
    if (route == QLatin1String("stop")) {
        qCInfo(lcAdmin).noquote() << "console: stop, from" << peer(request);
        m_controller->stop();
    } else if (route == QLatin1String("attract")) {
        qCInfo(lcAdmin).noquote() << "console: attract mode, from" << peer(request);
        m_controller->startAttract();
    } else {
        qCInfo(lcAdmin).noquote() << "console: LED self-test, from" << peer(request);
        m_controller->runLedSelfTest();
    }
    responder.writeJson(200, { { QStringLiteral("ok"), true } });
}

void AdminApi::press(const HttpRequest &request, HttpResponder &responder, const QString &arg)
{
    // Digits only, as the panel sends them; anything else never reaches the controller.
    const bool digits = !arg.isEmpty() && arg.size() <= 4
            && std::all_of(arg.cbegin(), arg.cend(), [](QChar c) { return c >= u'0' && c <= u'9'; });
    const PanelController::Outcome outcome = digits ? m_controller->press(arg.toInt()) : PanelController::Outcome::Rejected;
    qCInfo(lcAdmin).noquote() << "console: press" << arg.left(8) << "from" << peer(request) << "-"
                              << PanelController::nameOf(outcome);
    responder.writeJson(outcome == PanelController::Outcome::Rejected ? 400 : 200,
                        { { QStringLiteral("outcome"), PanelController::nameOf(outcome) } });
}

void AdminApi::setVolume(const HttpRequest &request, HttpResponder &responder)
{
    const std::optional<QJsonObject> body = jsonBody(request);
    const QJsonValue value = body ? body->value(QLatin1String("level")) : QJsonValue();
    const double level = value.toDouble(-1);
    if (!value.isDouble() || level < 0 || level > 100 || level != double(int(level)))
        return responder.writeJsonError(400, QStringLiteral("expected {\"level\":N}, N a whole number from 0 to 100"));
    qCInfo(lcAdmin).noquote() << "console: volume" << int(level) << "from" << peer(request);
    Q_EMIT volumeChanged(int(level));
    responder.writeJson(200, { { QStringLiteral("level"), int(level) } });
}

QJsonObject AdminApi::state() const
{
    QList<WebSocketHub::ClientInfo> clients = m_hub->clientInfos();
    std::sort(clients.begin(), clients.end(),
              [](const auto &a, const auto &b) { return a.sinceMs < b.sinceMs; });
    QJsonArray screens;
    for (const WebSocketHub::ClientInfo &client : std::as_const(clients)) {
        // Visitors' phones are counted in the status (`listeners`), not
        // listed: there may be hundreds, and they are not the exhibit's.
        if (client.role != WebSocketHub::Role::Screen)
            continue;
        QJsonValue lastEnded;
        if (client.lastEndedId >= 0) {
            lastEnded = QJsonObject { { QStringLiteral("id"), client.lastEndedId },
                                      { QStringLiteral("at"), localTime(client.lastEndedMs) } };
        }
        screens.append(QJsonObject {
                { QStringLiteral("address"), client.address.toString() },
                { QStringLiteral("user_agent"), QString::fromUtf8(client.userAgent.left(300)) },
                { QStringLiteral("since"), localTime(client.sinceMs) },
                { QStringLiteral("last_ended"), lastEnded },
        });
    }
    const GatewaySnapshot snapshot = m_status->snapshot();
    const QJsonObject layout {
        { QStringLiteral("first_id"), snapshot.firstId },
        { QStringLiteral("count"), snapshot.mediaCount },
        // Five columns for a prototype's ten buttons, ten for a hundred.
        { QStringLiteral("columns"), snapshot.mediaCount <= 10 ? 5 : 10 },
    };
    return {
        { QStringLiteral("status"), m_status->status() },
        { QStringLiteral("screens"), screens },
        { QStringLiteral("panel_layout"), layout },
        { QStringLiteral("log"), QJsonArray::fromStringList(m_log ? m_log->lines() : QStringList()) },
    };
}
