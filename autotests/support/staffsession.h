#ifndef STAFFSESSION_H
#define STAFFSESSION_H

#include "rawhttpclient.h"

#include <QByteArray>
#include <QString>

// The staff console's password and login, for the tests whose routes need a
// session (docs/http.md, "/admin and /api/admin").
class StaffSession
{
public:
    // Runs the gateway with `--config configFile --set-admin-password`,
    // `input` on its standard input; its exit code, or -1 when it did not
    // start or end. `output` gets what it printed.
    static int setPassword(const QString &configFile, const QByteArray &input, QByteArray *output = nullptr);
    // The body POST /admin/login takes.
    static QByteArray loginBody(const QByteArray &password);
    // Logs in; the session cookie's `name=value`, or empty (and a warning).
    static QByteArray logIn(const RawHttpClient &http, const QByteArray &password);
    // The `name=value` part of an answer's Set-Cookie header.
    static QByteArray cookiePair(const RawHttpClient::Response &response);
    // The header line that sends `cookie` back; empty for no cookie.
    static QByteArray cookieHeader(const QByteArray &cookie);
};

#endif // STAFFSESSION_H
