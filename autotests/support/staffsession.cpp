#include "staffsession.h"

#include <QDebug>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>

int StaffSession::setPassword(const QString &configFile, const QByteArray &input, QByteArray *output)
{
    QProcess process;
    process.start(QStringLiteral(PANEL_GATEWAY_BINARY),
                  { QStringLiteral("--config"), configFile, QStringLiteral("--set-admin-password") });
    if (!process.waitForStarted(10000))
        return -1;
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(30000))
        return -1;
    if (output)
        *output = process.readAllStandardOutput() + process.readAllStandardError();
    return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
}

QByteArray StaffSession::loginBody(const QByteArray &password)
{
    return QJsonDocument(QJsonObject { { QStringLiteral("password"), QString::fromUtf8(password) } })
            .toJson(QJsonDocument::Compact);
}

QByteArray StaffSession::logIn(const RawHttpClient &http, const QByteArray &password)
{
    const RawHttpClient::Response response = http.requestWithBody("POST", "/admin/login", loginBody(password));
    if (response.status != 200) {
        qWarning() << "login:" << response.status << response.body;
        return {};
    }
    return cookiePair(response);
}

QByteArray StaffSession::cookiePair(const RawHttpClient::Response &response)
{
    return response.header("Set-Cookie").split(';').value(0).trimmed();
}

QByteArray StaffSession::cookieHeader(const QByteArray &cookie)
{
    return cookie.isEmpty() ? QByteArray() : "Cookie: " + cookie + "\r\n";
}
