#include "gatewayprocess.h"
#include "rawhttpclient.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <memory>
#include <vector>

using namespace Qt::StringLiterals;

namespace {

// Resident memory of a process in KiB, as the kernel counts it.
qint64 rssKb(qint64 pid)
{
    QFile status(u"/proc/%1/status"_s.arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

// The sizes default to what keeps the test short; larger ones measure
// (docs/websocket.md, "Memory").
int fromEnvironment(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

} // namespace

class tst_GatewayMemory : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void rssAfterClientBursts();

private:
    int wsClients(quint16 port) const;

    QTemporaryDir m_dir;
    QString m_configFile;
};

void tst_GatewayMemory::initTestCase()
{
    QVERIFY(QFile::exists(QStringLiteral(PANEL_GATEWAY_BINARY)));
    QVERIFY(m_dir.isValid());
    // An empty config file keeps any system-wide one out of the test.
    m_configFile = m_dir.filePath(u"empty.conf"_s);
    QFile config(m_configFile);
    QVERIFY(config.open(QIODevice::WriteOnly));
}

int tst_GatewayMemory::wsClients(quint16 port) const
{
    const RawHttpClient::Response response = RawHttpClient(port).get("/status");
    return QJsonDocument::fromJson(response.body).object().value("ws_clients"_L1).toInt(-1);
}

// Browsers connect by the hundred, are greeted, and go; again and again.
// Once they are gone the gateway must be back near where it started, and
// must not keep a little more after every burst.
void tst_GatewayMemory::rssAfterClientBursts()
{
#if defined(__SANITIZE_ADDRESS__)
    QSKIP("AddressSanitizer keeps freed memory in quarantine: resident memory says nothing here");
#endif
    const int clients = fromEnvironment("PANEL_TEST_BURST_CLIENTS", 400);
    const int bursts = fromEnvironment("PANEL_TEST_BURSTS", 4);

    GatewayProcess gateway;
    QProcessEnvironment environment = gateway.process()->processEnvironment();
    // The hub says when it has handed freed memory back (debug level).
    environment.insert(u"QT_LOGGING_RULES"_s, u"panel.ws.debug=true"_s);
    gateway.setEnvironment(environment);
    const QStringList arguments { u"--serial-port"_s, u"none"_s, u"--media-dir"_s, m_dir.path(),
                                  u"--media-count"_s, u"50"_s };
    QVERIFY2(gateway.start(arguments, m_configFile), qPrintable(gateway.errorString()));
    const qint64 pid = gateway.pid();
    const QUrl url(u"ws://127.0.0.1:%1/ws"_s.arg(gateway.port()));

    // One browser first: the code and library pages a connection touches
    // stay resident, and are not what this test is about.
    {
        QWebSocket first;
        QSignalSpy greeting(&first, &QWebSocket::textMessageReceived);
        first.open(url);
        QVERIFY(greeting.wait(5000));
        first.close();
        QTRY_COMPARE(wsClients(gateway.port()), 0);
    }
    const qint64 idle = rssKb(pid);
    QVERIFY(idle > 0);
    QList<qint64> settled;
    int releases = 0;
    int logFrom = 0;
    for (int burst = 1; burst <= bursts; ++burst) {
        std::vector<std::unique_ptr<QWebSocket>> sockets;
        int greeted = 0;
        int gone = 0;
        for (int i = 0; i < clients; ++i) {
            auto socket = std::make_unique<QWebSocket>();
            QWebSocket *raw = socket.get();
            // The first message is the state greeting: the gateway counts it then.
            connect(raw, &QWebSocket::textMessageReceived, this, [&greeted, first = true]() mutable {
                greeted += first ? 1 : 0;
                first = false;
            });
            connect(raw, &QWebSocket::disconnected, this, [&gone] { ++gone; });
            raw->open(url);
            sockets.push_back(std::move(socket));
        }
        QTRY_COMPARE_WITH_TIMEOUT(greeted, clients, 60000);
        QCOMPARE(gone, 0);
        QCOMPARE(wsClients(gateway.port()), clients);
        const qint64 busy = rssKb(pid);

        // Half say goodbye, half vanish.
        for (int i = 0; i < clients; ++i) {
            if (i % 2)
                sockets[size_t(i)]->close();
            else
                sockets[size_t(i)]->abort();
        }
        QTRY_COMPARE_WITH_TIMEOUT(gone, clients, 20000);
        sockets.clear();
        QTRY_COMPARE_WITH_TIMEOUT(wsClients(gateway.port()), 0, 20000);
        // The hub hands memory back once they have all gone; its log line
        // says when. Without one the figures below show what stays.
        const int released = gateway.waitForLog(u"released free memory to the system with 0 connected"_s,
                                                 logFrom, 5000);
        releases += released >= 0 ? 1 : 0;
        logFrom = released >= 0 ? released + 1 : logFrom;
        settled << rssKb(pid);
        qInfo("burst %d: %d clients, resident %lld KiB with them, %lld KiB after (idle %lld KiB)", burst,
              clients, busy, settled.last(), idle);
    }

    // Within a few MB of idle, and no creeping up from one burst to the next.
    QVERIFY2(settled.last() - idle <= 4096, qPrintable(u"idle %1 KiB, after the last burst %2 KiB"_s
                                                           .arg(idle).arg(settled.last())));
    QVERIFY2(settled.last() - settled.first() <= 1024,
             qPrintable(u"after the first burst %1 KiB, after the last %2 KiB"_s.arg(settled.first())
                            .arg(settled.last())));
    QCOMPARE(releases, bursts);
}

QTEST_GUILESS_MAIN(tst_GatewayMemory)

#include "tst_gatewaymemory.moc"
