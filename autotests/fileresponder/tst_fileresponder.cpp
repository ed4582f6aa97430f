// FileResponder behind the gateway's real HttpServer on 127.0.0.1, with the
// gateway's routes for files, asked over real connections: QNetworkAccessManager where a browser
// would ask, a raw socket where the request must reach the server exactly as
// written (QUrl would tidy up `..` and escapes).

#include "web/fileresponder.h"
#include "web/httprequest.h"
#include "web/httpresponder.h"
#include "web/httpserver.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <memory>

namespace {

const QByteArray secretMarker = QByteArrayLiteral("TOP-SECRET-OUTSIDE-THE-MEDIA-FOLDER");
constexpr qint64 smallSize = 1000;
constexpr qint64 bigSize = 12 * 1024 * 1024 + 321; // several MB and not a multiple of any chunk

struct Response
{
    int status = 0;
    QHash<QByteArray, QByteArray> headers; // lower-case names
    QByteArray body;
    bool cleanEnd = true; // a body-less answer left no stray bytes on the connection

    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

QByteArray pattern(qint64 size, quint32 seed)
{
    QByteArray data(size, Qt::Uninitialized);
    QRandomGenerator generator(seed);
    for (qint64 i = 0; i < size; ++i)
        data[i] = char(generator.generate() & 0xff);
    return data;
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) && file.write(data) == data.size();
}

// How many descriptors of this process have `path` open.
int openDescriptors(const QString &path)
{
    const QString target = QFileInfo(path).canonicalFilePath();
    int count = 0;
    const QDir fds(QStringLiteral("/proc/self/fd"));
    for (const QFileInfo &fd : fds.entryInfoList(QDir::Files | QDir::System | QDir::NoDotAndDotDot)) {
        if (fd.symLinkTarget() == target)
            ++count;
    }
    return count;
}

// One keep-alive connection that sends requests byte for byte as given.
class RawClient
{
public:
    explicit RawClient(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }

    QTcpSocket &socket() { return m_socket; }

    bool waitConnected()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }

    // Sends `request` and reads one answer; `withBody` false for HEAD.
    Response exchange(const QByteArray &request, bool withBody = true, int timeout = 5000)
    {
        Response response;
        if (m_socket.state() != QAbstractSocket::ConnectedState && !waitConnected())
            return response;
        m_socket.write(request);
        int headerEnd = -1;
        if (!QTest::qWaitFor([&] {
                m_buffer += m_socket.readAll();
                headerEnd = m_buffer.indexOf("\r\n\r\n");
                return headerEnd >= 0;
            }, timeout))
            return response;

        const QList<QByteArray> lines = m_buffer.left(headerEnd).split('\n');
        const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
        if (statusLine.size() < 2 || !statusLine.first().startsWith("HTTP/1."))
            return response;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const int colon = lines[i].indexOf(':');
            if (colon > 0)
                response.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
        }
        m_buffer.remove(0, headerEnd + 4);
        // A 304 never has a body, whatever Content-Length it states (RFC 9110 §15.4.5).
        if (withBody && statusLine.at(1) != "304") {
            const qint64 length = response.header("content-length").toLongLong();
            if (!QTest::qWaitFor([&] {
                    m_buffer += m_socket.readAll();
                    return m_buffer.size() >= length;
                }, timeout))
                return response;
            response.body = m_buffer.left(length);
            m_buffer.remove(0, length);
        }
        response.status = statusLine.at(1).toInt();
        return response;
    }

private:
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

QByteArray rawRequest(const QByteArray &method, const QByteArray &target, const QList<QByteArray> &headers = {})
{
    QByteArray request = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    for (const QByteArray &header : headers)
        request += header + "\r\n";
    return request + "\r\n";
}

} // namespace

class tst_FileResponder : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void ranges_data();
    void ranges();
    void emptyFileIgnoresRange();
    void conditionals_data();
    void conditionals();
    void replacedFileIsNotSpliced();
    void head_data();
    void head();
    void traversal_data();
    void traversal();
    void symlinkInsideIsServed();
    void refusalIsLogged();
    void methods_data();
    void methods();
    void contentTypes_data();
    void contentTypes();
    void cacheControl();
    void dashboardFromResources();
    void streamedDownloadMatches();
    void slowClientIsNotBufferedInMemory();
    void abortedDownloadClosesFile();

private:
    // GET/HEAD on a fresh connection; a body-less answer is followed by a
    // second request on the same connection that must parse cleanly.
    Response fetch(const QByteArray &method, const QByteArray &target, const QList<QByteArray> &headers = {});
    QString mediaPath(const QString &name) const { return m_media + QLatin1Char('/') + name; }

    QTemporaryDir m_base;
    QString m_media;
    QByteArray m_small;
    QByteArray m_big;
    std::unique_ptr<HttpServer> m_http;
    quint16 m_port = 0;
    std::unique_ptr<FileResponder> m_mediaFiles;
    std::unique_ptr<FileResponder> m_staticFiles;
    QNetworkAccessManager m_nam;
    int m_missingHandlerCalls = 0;
};

void tst_FileResponder::initTestCase()
{
    QVERIFY(m_base.isValid());
    QVERIFY(QDir(m_base.path()).mkpath(QStringLiteral("media/sub")));
    QVERIFY(QDir(m_base.path()).mkpath(QStringLiteral("media/.git")));
    m_media = m_base.filePath(QStringLiteral("media"));

    // Outside the media folder: what every traversal attempt is after.
    QVERIFY(writeFile(m_base.filePath(QStringLiteral("secret.txt")), secretMarker));
    QVERIFY(writeFile(m_base.filePath(QStringLiteral("secret.mp3")), secretMarker));

    m_small = pattern(smallSize, 1);
    m_big = pattern(bigSize, 2);
    QVERIFY(writeFile(mediaPath(QStringLiteral("001.mp3")), m_small));
    QVERIFY(writeFile(mediaPath(QStringLiteral("big.mp4")), m_big));
    QVERIFY(writeFile(mediaPath(QStringLiteral("empty.mp3")), QByteArray()));
    QVERIFY(writeFile(mediaPath(QStringLiteral("replace.mp3")), "first version of the file"));
    QVERIFY(writeFile(mediaPath(QStringLiteral(".hidden.mp3")), secretMarker));
    QVERIFY(writeFile(mediaPath(QStringLiteral(".git/config")), secretMarker));
    QVERIFY(writeFile(mediaPath(QStringLiteral("sub/inner.mp3")), "inner"));
    for (const char *suffix : { "jpg", "mp3", "html", "js", "xyz123" })
        QVERIFY(writeFile(mediaPath(QStringLiteral("type.") + QLatin1String(suffix)), "x"));

    QVERIFY(QFile::link(m_base.filePath(QStringLiteral("secret.mp3")), mediaPath(QStringLiteral("out.mp3"))));
    QVERIFY(QFile::link(QStringLiteral("../secret.mp3"), mediaPath(QStringLiteral("outrel.mp3"))));
    QVERIFY(QFile::link(QStringLiteral(".hidden.mp3"), mediaPath(QStringLiteral("tohidden.mp3"))));
    QVERIFY(QFile::link(QStringLiteral("001.mp3"), mediaPath(QStringLiteral("in.mp3"))));
    QVERIFY(QFile::link(m_base.path(), mediaPath(QStringLiteral("outdir"))));

    m_mediaFiles = std::make_unique<FileResponder>(m_media, FileResponder::Caching::Media);
    m_staticFiles = std::make_unique<FileResponder>(QStringLiteral(":/teststatic"), FileResponder::Caching::Revalidate);

    // The gateway's routes for files (HttpFrontend) and a 404 for everything else.
    const auto handler = [this](const HttpRequest &request, HttpResponder &responder) {
        const QString path = request.url.path();
        if (path == QLatin1String("/"))
            return m_staticFiles->respondFile(request, responder, QStringLiteral("index.html"));
        if (path.startsWith(QLatin1String("/static/")))
            return m_staticFiles->respond(request, responder, u"/static/");
        if (path.startsWith(QLatin1String("/media/")))
            return m_mediaFiles->respond(request, responder, u"/media/");
        ++m_missingHandlerCalls;
        responder.write(404, { { "Content-Type", "text/plain" } }, "Not found\n");
    };
    m_http = std::make_unique<HttpServer>(HttpLimits(), QStringLiteral("/ws"), handler);
    QVERIFY(m_http->listen(QHostAddress::LocalHost, 0));
    m_port = m_http->serverPort();
}

Response tst_FileResponder::fetch(const QByteArray &method, const QByteArray &target,
                                  const QList<QByteArray> &headers)
{
    RawClient client(m_port);
    Response response = client.exchange(rawRequest(method, target, headers), method != "HEAD");
    if (method == "HEAD" || response.status == 304) {
        const Response next = client.exchange(rawRequest("GET", "/media/001.mp3"));
        response.cleanEnd = next.status == 200 && next.body == m_small;
    }
    return response;
}

// ---- Range ------------------------------------------------------------------

void tst_FileResponder::ranges_data()
{
    QTest::addColumn<QByteArray>("range");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentRange");
    QTest::addColumn<qint64>("first"); // of the bytes expected in the body
    QTest::addColumn<qint64>("length");

    // One row per kind of answer: every Range form is in tst_httpfilesemantics,
    // these check that what it decides reaches the wire.
    const qint64 n = smallSize;
    QTest::newRow("no Range") << QByteArray() << 200 << QByteArray() << 0ll << n;
    QTest::newRow("middle") << QByteArray("bytes=100-199") << 206 << QByteArray("bytes 100-199/1000") << 100ll << 100ll;
    QTest::newRow("open end") << QByteArray("bytes=990-") << 206 << QByteArray("bytes 990-999/1000") << 990ll << 10ll;
    QTest::newRow("suffix") << QByteArray("bytes=-100") << 206 << QByteArray("bytes 900-999/1000") << 900ll << 100ll;
    QTest::newRow("end past the end") << QByteArray("bytes=0-99999") << 206 << QByteArray("bytes 0-999/1000") << 0ll << n;
    QTest::newRow("multi-range") << QByteArray("bytes=0-1,5-6") << 200 << QByteArray() << 0ll << n;
    QTest::newRow("start past the end") << QByteArray("bytes=5000-6000") << 416 << QByteArray("bytes */1000") << 0ll << 0ll;
    QTest::newRow("not a number") << QByteArray("bytes=abc") << 416 << QByteArray("bytes */1000") << 0ll << 0ll;
}

void tst_FileResponder::ranges()
{
    QFETCH(QByteArray, range);
    QFETCH(int, status);
    QFETCH(QByteArray, contentRange);
    QFETCH(qint64, first);
    QFETCH(qint64, length);

    const QList<QByteArray> headers = range.isEmpty() ? QList<QByteArray>() : QList<QByteArray> { "Range: " + range };
    const Response r = fetch("GET", "/media/001.mp3", headers);
    QCOMPARE(r.status, status);
    QCOMPARE(r.header("content-range"), contentRange);
    QCOMPARE(r.header("accept-ranges"), QByteArray("bytes"));
    QCOMPARE(r.header("content-length").toLongLong(), r.body.size());
    if (status != 416)
        QCOMPARE(r.body, m_small.mid(first, length));
    QVERIFY(!r.body.contains(secretMarker));
}

void tst_FileResponder::emptyFileIgnoresRange()
{
    // Nothing to slice: sent whole (nginx does the same), not 416.
    const Response r = fetch("GET", "/media/empty.mp3", { "Range: bytes=0-" });
    QCOMPARE(r.status, 200);
    QCOMPARE(r.header("content-length"), QByteArray("0"));
    QVERIFY(r.body.isEmpty());
}

// ---- conditional requests -------------------------------------------------

void tst_FileResponder::conditionals_data()
{
    // $ETAG and $LM stand for the file's current validators. Each way to each
    // answer once; the full table is in tst_httpfilesemantics.
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<int>("status");

    QTest::newRow("If-None-Match same") << QList<QByteArray> { "If-None-Match: $ETAG" } << 304;
    QTest::newRow("If-None-Match other") << QList<QByteArray> { "If-None-Match: \"other\"" } << 200;
    QTest::newRow("If-None-Match with Range") << QList<QByteArray> { "If-None-Match: $ETAG", "Range: bytes=0-9" } << 304;
    QTest::newRow("If-Modified-Since same") << QList<QByteArray> { "If-Modified-Since: $LM" } << 304;
    QTest::newRow("If-Modified-Since earlier") << QList<QByteArray> { "If-Modified-Since: Mon, 01 Jan 1990 00:00:00 GMT" } << 200;
    QTest::newRow("If-Range same tag") << QList<QByteArray> { "If-Range: $ETAG", "Range: bytes=0-9" } << 206;
    QTest::newRow("If-Range same date") << QList<QByteArray> { "If-Range: $LM", "Range: bytes=0-9" } << 206;
    QTest::newRow("If-Range other tag") << QList<QByteArray> { "If-Range: \"other\"", "Range: bytes=0-9" } << 200;
    QTest::newRow("If-Match other") << QList<QByteArray> { "If-Match: \"other\"" } << 412;
    QTest::newRow("If-Unmodified-Since earlier") << QList<QByteArray> { "If-Unmodified-Since: Mon, 01 Jan 1990 00:00:00 GMT" } << 412;
}

void tst_FileResponder::conditionals()
{
    QFETCH(QList<QByteArray>, headers);
    QFETCH(int, status);

    const Response plain = fetch("HEAD", "/media/001.mp3");
    const QByteArray etag = plain.header("etag");
    const QByteArray lastModified = plain.header("last-modified");
    QVERIFY(etag.startsWith('"') && etag.endsWith('"'));
    const QDateTime parsed = QLocale::c().toDateTime(QString::fromLatin1(lastModified),
                                                     QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    QVERIFY(parsed.isValid());
    const QDateTime stamp(parsed.date(), parsed.time(), QTimeZone::utc());
    QCOMPARE(stamp.toSecsSinceEpoch(), QFileInfo(mediaPath(QStringLiteral("001.mp3"))).lastModified().toSecsSinceEpoch());

    for (QByteArray &header : headers)
        header.replace("$ETAG", etag).replace("$LM", lastModified);
    const Response r = fetch("GET", "/media/001.mp3", headers);
    QCOMPARE(r.status, status);
    switch (status) {
    case 304:
        QCOMPARE(r.header("etag"), etag);
        QVERIFY(r.cleanEnd); // no body followed the 304
        break;
    case 206:
        QCOMPARE(r.header("content-range"), QByteArray("bytes 0-9/1000"));
        QCOMPARE(r.body, m_small.left(10));
        break;
    case 200:
        QCOMPARE(r.body, m_small);
        break;
    default:
        QVERIFY(!r.body.contains(m_small.left(100)));
    }
}

void tst_FileResponder::replacedFileIsNotSpliced()
{
    const QString path = mediaPath(QStringLiteral("replace.mp3"));
    const Response before = fetch("GET", "/media/replace.mp3");
    QCOMPARE(before.status, 200);
    const QByteArray oldTag = before.header("etag");

    // A curator drops in a new version while browsers hold the old one.
    const QByteArray newContent = "the second, longer version of the file";
    QVERIFY(writeFile(path, newContent));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(10), QFileDevice::FileModificationTime));
    file.close();

    const Response revalidated = fetch("GET", "/media/replace.mp3", { "If-None-Match: " + oldTag });
    QCOMPARE(revalidated.status, 200);
    QCOMPARE(revalidated.body, newContent);
    QVERIFY(revalidated.header("etag") != oldTag);

    // Resuming with the old tag must not splice old and new bytes.
    const Response resumed = fetch("GET", "/media/replace.mp3", { "Range: bytes=5-", "If-Range: " + oldTag });
    QCOMPARE(resumed.status, 200);
    QCOMPARE(resumed.body, newContent);
}

// ---- HEAD ---------------------------------------------------------------------

void tst_FileResponder::head_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QList<QByteArray>>("headers");
    QTest::addColumn<int>("status");

    QTest::newRow("file") << QByteArray("/media/001.mp3") << QList<QByteArray>() << 200;
    QTest::newRow("range") << QByteArray("/media/001.mp3") << QList<QByteArray> { "Range: bytes=0-9" } << 206;
    QTest::newRow("missing") << QByteArray("/media/nothing.mp3") << QList<QByteArray>() << 404;
    QTest::newRow("refused") << QByteArray("/media/.hidden.mp3") << QList<QByteArray>() << 404;
    QTest::newRow("unsatisfiable") << QByteArray("/media/001.mp3") << QList<QByteArray> { "Range: bytes=5000-" } << 416;
    QTest::newRow("resource") << QByteArray("/static/app.js") << QList<QByteArray>() << 200;
}

void tst_FileResponder::head()
{
    QFETCH(QByteArray, target);
    QFETCH(QList<QByteArray>, headers);
    QFETCH(int, status);

    const Response get = fetch("GET", target, headers);
    const Response head = fetch("HEAD", target, headers);
    QCOMPARE(get.status, status);
    QCOMPARE(head.status, status);
    QVERIFY(head.body.isEmpty());
    QVERIFY(head.cleanEnd); // and nothing followed the headers on the connection
    QCOMPARE(head.header("content-length"), QByteArray::number(get.body.size()));
    QCOMPARE(head.header("content-type"), get.header("content-type"));
    QCOMPARE(head.header("content-range"), get.header("content-range"));
    QCOMPARE(head.header("etag"), get.header("etag"));
}

// ---- nothing outside the folder ---------------------------------------------

void tst_FileResponder::traversal_data()
{
    QTest::addColumn<QByteArray>("target");

    QTest::newRow("dot dot") << QByteArray("/media/../secret.txt");
    QTest::newRow("dot dot encoded slash") << QByteArray("/media/..%2fsecret.txt");
    QTest::newRow("dot dot encoded slash upper") << QByteArray("/media/..%2Fsecret.txt");
    QTest::newRow("all encoded") << QByteArray("/media/%2e%2e%2fsecret.txt");
    QTest::newRow("all encoded upper") << QByteArray("/media/%2E%2E%2Fsecret.txt");
    QTest::newRow("mixed") << QByteArray("/media/.%2e/secret.txt");
    QTest::newRow("double encoded") << QByteArray("/media/%252e%252e%252fsecret.txt");
    QTest::newRow("overlong utf-8 dots") << QByteArray("/media/%c0%ae%c0%ae%2fsecret.txt");
    QTest::newRow("dot dot alone") << QByteArray("/media/..");
    QTest::newRow("dot dot alone encoded") << QByteArray("/media/%2e%2e");
    QTest::newRow("dot alone") << QByteArray("/media/.");
    QTest::newRow("backslash") << QByteArray("/media/..\\secret.txt");
    QTest::newRow("backslash encoded") << QByteArray("/media/..%5csecret.txt");
    QTest::newRow("backslash encoded upper") << QByteArray("/media/..%5Csecret.txt");
    QTest::newRow("absolute encoded") << QByteArray("/media/%2fetc%2fpasswd");
    QTest::newRow("absolute double slash") << QByteArray("/media//etc/passwd");
    QTest::newRow("absolute to base") << QByteArray("/media/") + QUrl::toPercentEncoding(m_base.filePath(QStringLiteral("secret.txt")));
    QTest::newRow("nul") << QByteArray("/media/001.mp3%00.jpg");
    QTest::newRow("nul alone") << QByteArray("/media/%00");
    QTest::newRow("symlink out absolute") << QByteArray("/media/out.mp3");
    QTest::newRow("symlink out relative") << QByteArray("/media/outrel.mp3");
    QTest::newRow("symlinked dir out") << QByteArray("/media/outdir%2fsecret.txt");
    QTest::newRow("symlink to hidden") << QByteArray("/media/tohidden.mp3");
    QTest::newRow("hidden file") << QByteArray("/media/.hidden.mp3");
    QTest::newRow("hidden file encoded") << QByteArray("/media/%2ehidden.mp3");
    QTest::newRow("hidden dir") << QByteArray("/media/.git/config");
    QTest::newRow("hidden dir encoded") << QByteArray("/media/.git%2fconfig");
    QTest::newRow("directory") << QByteArray("/media/sub");
    QTest::newRow("file in directory encoded") << QByteArray("/media/sub%2finner.mp3");
    QTest::newRow("media folder itself") << QByteArray("/media/");
    QTest::newRow("static into media") << QByteArray("/static/..%2fmedia%2f001.mp3");
    QTest::newRow("static hidden resource") << QByteArray("/static/.hidden.js");
    QTest::newRow("missing") << QByteArray("/media/nothing.mp3");
}

void tst_FileResponder::traversal()
{
    QFETCH(QByteArray, target);

    for (const QByteArray &method : { QByteArray("GET"), QByteArray("HEAD") }) {
        const int missingBefore = m_missingHandlerCalls;
        const Response r = fetch(method, target, { "Range: bytes=0-" });
        QCOMPARE(r.status, 404);
        QVERIFY(!r.body.contains(secretMarker));
        QVERIFY(!r.body.contains("must never be served"));
        // Names with an encoded or real slash never match a route: Qt's
        // router sees the decoded path, and the 404 handler answers them.
        // Whatever FileResponder answered carries no body for HEAD.
        if (m_missingHandlerCalls == missingBefore)
            QVERIFY(r.cleanEnd);
    }
}

void tst_FileResponder::symlinkInsideIsServed()
{
    // The refusals above are about where a link leads, not about links.
    const Response r = fetch("GET", "/media/in.mp3");
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, m_small);
}

void tst_FileResponder::refusalIsLogged()
{
    QTest::ignoreMessage(QtInfoMsg, QRegularExpression(QStringLiteral("^refused /media/out\\.mp3 from 127\\.0\\.0\\.1$")));
    QCOMPARE(fetch("GET", "/media/out.mp3").status, 404);
}

void tst_FileResponder::methods_data()
{
    QTest::addColumn<QByteArray>("method");
    for (const char *method : { "POST", "PUT", "DELETE", "OPTIONS", "PATCH" })
        QTest::newRow(method) << QByteArray(method);
}

void tst_FileResponder::methods()
{
    QFETCH(QByteArray, method);
    RawClient client(m_port);
    const Response r = client.exchange(rawRequest(method, "/media/001.mp3", { "Content-Length: 0" }));
    QCOMPARE(r.status, 405);
    QCOMPARE(r.header("allow"), QByteArray("GET, HEAD"));
    QVERIFY(!r.body.contains(m_small.left(100)));
}

// ---- what a browser sees ------------------------------------------------------

void tst_FileResponder::contentTypes_data()
{
    QTest::addColumn<QString>("suffix");
    QTest::addColumn<QByteArray>("type");

    // A few, for the headers on the wire; every type is in tst_httpfilesemantics.
    QTest::newRow("jpg") << "jpg" << QByteArray("image/jpeg");
    QTest::newRow("mp3") << "mp3" << QByteArray("audio/mpeg");
    QTest::newRow("html") << "html" << QByteArray("text/html; charset=utf-8");
    QTest::newRow("js") << "js" << QByteArray("text/javascript; charset=utf-8");
    QTest::newRow("unknown") << "xyz123" << QByteArray("application/octet-stream");
}

void tst_FileResponder::contentTypes()
{
    QFETCH(QString, suffix);
    QFETCH(QByteArray, type);

    QNetworkReply *reply = m_nam.get(QNetworkRequest(
            QUrl(QStringLiteral("http://127.0.0.1:%1/media/type.%2").arg(m_port).arg(suffix))));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 5000);
    reply->deleteLater();
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    QCOMPARE(reply->rawHeader("Content-Type"), type);
    QCOMPARE(reply->rawHeader("X-Content-Type-Options"), QByteArray("nosniff"));
    QCOMPARE(reply->readAll(), QByteArray("x"));
}

void tst_FileResponder::cacheControl()
{
    // The dashboard's own files: always revalidated, tagged by content, so
    // an upgrade is seen at once even if resource timestamps are all equal.
    const Response asset = fetch("GET", "/static/app.js");
    QCOMPARE(asset.status, 200);
    QCOMPARE(asset.header("cache-control"), QByteArray("no-cache"));
    QCOMPARE(asset.header("last-modified"), QByteArray());
    const QByteArray expectedTag = '"' + QCryptographicHash::hash(asset.body, QCryptographicHash::Sha256).toHex().left(32) + '"';
    QCOMPARE(asset.header("etag"), expectedTag);
    QCOMPARE(fetch("GET", "/static/app.js", { "If-None-Match: " + expectedTag }).status, 304);

    // Media under a plain URL: revalidated, curators replace files live.
    QCOMPARE(fetch("GET", "/media/001.mp3").header("cache-control"), QByteArray("no-cache"));

    // Under the versioned URL the gateway hands out: that version, for good.
    const qint64 msecs = QFileInfo(mediaPath(QStringLiteral("001.mp3"))).lastModified().toMSecsSinceEpoch();
    const QByteArray version = QByteArray::number(msecs, 36);
    QCOMPARE(fetch("GET", "/media/001.mp3?v=" + version).header("cache-control"),
             QByteArray("public, max-age=31536000, immutable"));
    QCOMPARE(fetch("GET", "/media/001.mp3?v=" + QByteArray::number(msecs - 1000, 36)).header("cache-control"),
             QByteArray("no-cache"));
}

void tst_FileResponder::dashboardFromResources()
{
    const Response index = fetch("GET", "/");
    QCOMPARE(index.status, 200);
    QCOMPARE(index.header("content-type"), QByteArray("text/html; charset=utf-8"));
    QVERIFY(index.body.contains("<title>test dashboard</title>"));

    const Response style = fetch("GET", "/static/styles.css", { "Range: bytes=0-3" });
    QCOMPARE(style.status, 206);
    QCOMPARE(style.body, QByteArray("body"));
    QCOMPARE(fetch("GET", "/static/missing.js").status, 404);
}

void tst_FileResponder::streamedDownloadMatches()
{
    QNetworkReply *reply = m_nam.get(QNetworkRequest(
            QUrl(QStringLiteral("http://127.0.0.1:%1/media/big.mp4").arg(m_port))));
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 30000);
    reply->deleteLater();
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->header(QNetworkRequest::ContentLengthHeader).toLongLong(), bigSize);
    const QByteArray body = reply->readAll();
    QCOMPARE(body.size(), m_big.size());
    QVERIFY(body == m_big);

    // A slice from the middle, crossing any chunk boundary.
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/media/big.mp4").arg(m_port)));
    request.setRawHeader("Range", "bytes=3000000-8000000");
    QNetworkReply *partial = m_nam.get(request);
    QTRY_VERIFY_WITH_TIMEOUT(partial->isFinished(), 30000);
    partial->deleteLater();
    QCOMPARE(partial->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 206);
    QCOMPARE(partial->rawHeader("Content-Range"), "bytes 3000000-8000000/" + QByteArray::number(bigSize));
    QVERIFY(partial->readAll() == m_big.mid(3000000, 5000001));
}

namespace {

// The server's end of the connection whose client end has `clientPort`.
QTcpSocket *serverSocket(QObject *server, quint16 clientPort)
{
    for (QTcpSocket *socket : server->findChildren<QTcpSocket *>()) {
        if (socket->peerPort() == clientPort)
            return socket;
    }
    return nullptr;
}

// Connects `client` with small kernel buffers on both ends and a read buffer
// of `readBuffer` bytes, so that a transfer stalls once those are full.
bool connectStalling(RawClient &client, QObject *http, qint64 readBuffer, QTcpSocket **server)
{
    if (!client.waitConnected()
        || !QTest::qWaitFor([&] { return (*server = serverSocket(http, client.socket().localPort())); }, 5000))
        return false;
    (*server)->setSocketOption(QAbstractSocket::SendBufferSizeSocketOption, 32 * 1024);
    client.socket().setSocketOption(QAbstractSocket::ReceiveBufferSizeSocketOption, 32 * 1024);
    client.socket().setReadBufferSize(readBuffer);
    return true;
}

} // namespace

void tst_FileResponder::slowClientIsNotBufferedInMemory()
{
    // Small kernel buffers on both ends and a client that stops reading: the
    // transfer stalls after a few hundred KB. Without flow control the server
    // would now copy the rest of the file into its own memory.
    RawClient client(m_port);
    QTcpSocket *server = nullptr;
    QVERIFY(connectStalling(client, m_http.get(), 32 * 1024, &server));
    const qint64 length = 4 * 1024 * 1024; // plenty to overflow the buffers, quick to fetch
    client.socket().write(rawRequest("GET", "/media/big.mp4", { "Range: bytes=0-" + QByteArray::number(length - 1) }));

    QVERIFY(QTest::qWaitFor([&] { return server->bytesToWrite() > 0; }, 5000)); // the kernel is full
    const qint64 limit = 1024 * 1024;
    QVERIFY2(!QTest::qWaitFor([&] { return server->bytesToWrite() > limit; }, 1500),
             qPrintable(QStringLiteral("%1 bytes queued in the server").arg(server->bytesToWrite())));

    // The client catches up and gets every byte.
    client.socket().setReadBufferSize(0);
    QByteArray received;
    int headerEnd = -1;
    QVERIFY(QTest::qWaitFor([&] {
        received += client.socket().readAll();
        headerEnd = received.indexOf("\r\n\r\n");
        return headerEnd >= 0 && received.size() >= headerEnd + 4 + length;
    }, 30000));
    QVERIFY(received.startsWith("HTTP/1.1 206"));
    QVERIFY(received.mid(headerEnd + 4) == m_big.left(length));
}

void tst_FileResponder::abortedDownloadClosesFile()
{
    if (!QFileInfo::exists(QStringLiteral("/proc/self/fd")))
        QSKIP("needs /proc to see open files");
    const QString big = mediaPath(QStringLiteral("big.mp4"));
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(big), 0, 5000); // earlier transfers are over

    // A client that stalls (small buffers, not reading), so the file is
    // still being served when it goes away.
    RawClient client(m_port);
    QTcpSocket *server = nullptr;
    QVERIFY(connectStalling(client, m_http.get(), 16 * 1024, &server));
    client.socket().write(rawRequest("GET", "/media/big.mp4"));
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(big), 1, 5000); // being served

    client.socket().abort();
    QTRY_COMPARE_WITH_TIMEOUT(openDescriptors(big), 0, 5000);
}

QTEST_GUILESS_MAIN(tst_FileResponder)
#include "tst_fileresponder.moc"
