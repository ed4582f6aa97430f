#include "web/httprequest.h"
#include "web/listenurl.h"

#include <QNetworkInterface>
#include <QTest>

using namespace Qt::StringLiterals;

namespace {

// What the machine's first non-loopback IPv4 address is, found the long way.
QString ownAddress()
{
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &interface : interfaces) {
        if (!(interface.flags() & QNetworkInterface::IsUp) || !(interface.flags() & QNetworkInterface::IsRunning)
            || (interface.flags() & QNetworkInterface::IsLoopBack))
            continue;
        const auto entries = interface.addressEntries();
        for (const QNetworkAddressEntry &entry : entries) {
            if (entry.ip().protocol() == QAbstractSocket::IPv4Protocol && !entry.ip().isLoopback())
                return entry.ip().toString();
        }
    }
    return {};
}

} // namespace

// docs/http.md, "/listen and /listen.svg": the configured address, else the
// machine's own, else the one a request came by.
class tst_ListenUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resolve_data();
    void resolve();
    void forRequest_data();
    void forRequest();
};

void tst_ListenUrl::resolve_data()
{
    QTest::addColumn<QString>("configured");
    QTest::addColumn<QString>("httpHost");
    QTest::addColumn<QString>("expected"); // @own: the machine's address, or empty without one

    QTest::newRow("configured") << u"https://exhibit.example/listen"_s << u"0.0.0.0"_s
                                << u"https://exhibit.example/listen"_s;
    QTest::newRow("configured over loopback") << u"http://a.example/listen"_s << u"127.0.0.1"_s
                                              << u"http://a.example/listen"_s;
    QTest::newRow("every address") << QString() << u"0.0.0.0"_s << u"@own"_s;
    QTest::newRow("one address") << QString() << u"192.0.2.7"_s << u"http://192.0.2.7:8080/listen"_s;
    QTest::newRow("loopback only") << QString() << u"127.0.0.1"_s << QString();
}

void tst_ListenUrl::resolve()
{
    QFETCH(QString, configured);
    QFETCH(QString, httpHost);
    QFETCH(QString, expected);
    if (expected == "@own"_L1) {
        const QString own = ownAddress();
        expected = own.isEmpty() ? QString() : u"http://%1:8080/listen"_s.arg(own);
    }
    QCOMPARE(ListenUrl::resolve(configured, QHostAddress(httpHost), 8080), expected);
}

void tst_ListenUrl::forRequest_data()
{
    QTest::addColumn<QString>("resolved");
    QTest::addColumn<QByteArray>("host");
    QTest::addColumn<QString>("expected");

    QTest::newRow("resolved wins") << u"http://10.0.0.5:8080/listen"_s << QByteArray("exhibit:8080")
                                   << u"http://10.0.0.5:8080/listen"_s;
    QTest::newRow("host and port") << QString() << QByteArray("exhibit.local:8080")
                                   << u"http://exhibit.local:8080/listen"_s;
    QTest::newRow("host alone") << QString() << QByteArray("exhibit") << u"http://exhibit/listen"_s;
    QTest::newRow("IPv6") << QString() << QByteArray("[fe80::1]:8080") << u"http://[fe80::1]:8080/listen"_s;
    QTest::newRow("no Host") << QString() << QByteArray() << QString();
    QTest::newRow("user info") << QString() << QByteArray("evil@exhibit") << QString();
    QTest::newRow("a path") << QString() << QByteArray("exhibit/other") << QString();
    QTest::newRow("a space") << QString() << QByteArray("exhi bit") << QString();
}

void tst_ListenUrl::forRequest()
{
    QFETCH(QString, resolved);
    QFETCH(QByteArray, host);
    QFETCH(QString, expected);
    HttpRequest request;
    if (!host.isEmpty())
        request.headers.append({ "host", host });
    QCOMPARE(ListenUrl::forRequest(resolved, request), expected);
}

QTEST_GUILESS_MAIN(tst_ListenUrl)
#include "tst_listenurl.moc"
