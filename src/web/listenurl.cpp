#include "web/listenurl.h"

#include "web/httprequest.h"

#include <QNetworkInterface>
#include <QUrl>

namespace {

QString firstOwnIPv4()
{
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        const auto flags = interface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = interface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            const QHostAddress ip = entry.ip();
            if (ip.protocol() == QAbstractSocket::IPv4Protocol && !ip.isLoopback())
                return ip.toString();
        }
    }
    return {};
}

} // namespace

QString ListenUrl::resolve(const QString &configured, const QHostAddress &httpHost, quint16 port)
{
    if (!configured.isEmpty())
        return configured;
    QString host;
    if (httpHost.protocol() == QAbstractSocket::IPv4Protocol && httpHost != QHostAddress(QHostAddress::AnyIPv4)
        && !httpHost.isLoopback())
        host = httpHost.toString();
    else if (!httpHost.isLoopback())
        host = firstOwnIPv4();
    if (host.isEmpty())
        return {};
    return QStringLiteral("http://%1:%2/listen").arg(host).arg(port);
}

QString ListenUrl::forRequest(const QString &resolved, const HttpRequest &request)
{
    if (!resolved.isEmpty())
        return resolved;
    // Only a host and port: anything else in the header is not an address.
    const QString host = QString::fromLatin1(request.value("host"));
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setAuthority(host, QUrl::StrictMode);
    url.setPath(QStringLiteral("/listen"));
    if (host.isEmpty() || !url.isValid() || url.host().isEmpty() || !url.userInfo().isEmpty())
        return {};
    return url.toString();
}
