#ifndef ADMINAPI_H
#define ADMINAPI_H

#include "system/logthrottle.h"
#include "web/adminsessions.h"
#include "web/httpresponder.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QThreadPool>

#include <map>

class Clock;
class GatewayStatus;
class LogTail;
class PanelController;
class WebSocketHub;
struct HttpRequest;

// The staff console's server side (docs/http.md, "/admin and /api/admin"):
// login and logout, the session gate in front of /api/admin/… and
// /api/stats…, and the console's own routes. A virtual press goes to
// PanelController::press, the very slot a serial PRESS reaches.
class AdminApi : public QObject
{
    Q_OBJECT

public:
    static constexpr char CookieName[] = "sp_admin";

    // `passwordFile` is read at each login: setting a password takes
    // effect without a restart, and without the file the console is off.
    AdminApi(PanelController *controller, const GatewayStatus *status, const WebSocketHub *hub, const LogTail *log,
             const Clock *clock, const QString &passwordFile, QObject *parent = nullptr);
    ~AdminApi() override;

    // The paths only a session may use: /api/admin… and /api/stats…
    static bool isGuarded(const QString &path);
    // The answer to a guarded path without a valid session: 401, nothing else.
    static void refuse(HttpResponder &responder);
    // Whether the request carries the cookie of a live session.
    bool hasSession(const HttpRequest &request);
    // Answers /admin/login, /admin/logout and /api/admin/…; false for any
    // other path. The gate is the caller's, before this.
    bool handle(const HttpRequest &request, HttpResponder &responder);

    const AdminSessions &sessions() const { return m_sessions; }

Q_SIGNALS:
    // The console set the browsers' volume, 0 to 100.
    void volumeChanged(int level);

private:
    // A login whose password is being checked on m_passwordChecks.
    struct PendingLogin
    {
        HttpResponder responder;
        QHostAddress peer;
    };
    static constexpr size_t MaxPendingLogins = 8;

    void login(const HttpRequest &request, HttpResponder &responder);
    void finishLogin(quint64 ticket, bool right);
    void logout(const HttpRequest &request, HttpResponder &responder);
    void route(const HttpRequest &request, HttpResponder &responder, const QString &route);
    void press(const HttpRequest &request, HttpResponder &responder, const QString &arg);
    void setVolume(const HttpRequest &request, HttpResponder &responder);
    QJsonObject state() const;

    PanelController *m_controller;
    const GatewayStatus *m_status;
    const WebSocketHub *m_hub;
    const LogTail *m_log;
    QString m_passwordFile;
    AdminSessions m_sessions;
    LogThrottle m_wrongPasswordLog; // a guessing client must not flood the journal
    LogThrottle m_refusedLog;
    LogThrottle m_crossOriginLog;
    std::map<quint64, PendingLogin> m_pendingLogins;
    quint64 m_lastTicket = 0;
    QThreadPool m_passwordChecks; // last: destroyed first, once no check runs
};

#endif // ADMINAPI_H
