#include "web/fileresponder.h"

#include "system/logging.h"
#include "web/fileslice.h"
#include "web/httpfilesemantics.h"
#include "web/httprequest.h"
#include "web/httpresponder.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>

#include <memory>

using Header = HttpFileSemantics::Header;
using HeaderList = HttpFileSemantics::HeaderList;

namespace {

void writeText(HttpResponder &responder, int status, const QByteArray &text, HeaderList headers = {})
{
    headers.append(Header("Content-Type", QByteArrayLiteral("text/plain; charset=utf-8")));
    responder.write(status, headers, text);
}

bool isResourcePath(const QString &path)
{
    return path.startsWith(QLatin1String(":/"));
}

} // namespace

FileResponder::FileResponder(const QString &root, Caching caching)
    : m_root(isResourcePath(root) ? QDir::cleanPath(root) : QDir(root).absolutePath()),
      m_isResource(isResourcePath(root)),
      m_caching(caching)
{
}

void FileResponder::respond(const HttpRequest &request, HttpResponder &responder, QStringView prefix) const
{
    // The encoded form keeps %2F, %5C and %00 apart from real separators;
    // QUrl has already turned %2e and other unreserved escapes into plain text.
    const QString path = request.url.path(QUrl::FullyEncoded);
    bool refused = !path.startsWith(prefix);
    const QString file = refused ? QString() : resolve(QStringView(path).mid(prefix.size()), &refused);
    if (file.isEmpty()) {
        if (refused)
            qCInfo(lcHttp).noquote() << "refused" << path << "from" << request.peer.toString();
        else
            qCDebug(lcHttp).noquote() << "not found:" << path;
        writeText(responder, 404, "Not found\n");
        return;
    }
    serve(request, responder, file);
}

void FileResponder::respondFile(const HttpRequest &request, HttpResponder &responder, const QString &name) const
{
    serve(request, responder, m_root + QLatin1Char('/') + name);
}

// Maps the percent-encoded name below the root to a file inside the root, or
// to an empty string for anything that is not plainly such a file; *refused
// tells a name that may never be served from one that is merely absent.
QString FileResponder::resolve(QStringView encodedName, bool *refused) const
{
    *refused = true;
    if (encodedName.isEmpty())
        return {};
    QStringList parts;
    for (const QStringView segment : encodedName.split(u'/')) {
        const QByteArray raw = QByteArray::fromPercentEncoding(segment.toLatin1());
        if (raw.isEmpty() || raw.startsWith('.') || raw.contains('/') || raw.contains('\\')
            || raw.contains('\0'))
            return {};
        const QString name = QString::fromUtf8(raw);
        if (name.toUtf8() != raw) // not UTF-8: no file of ours has such a name
            return {};
        parts.append(name);
    }
    const QString candidate = m_root + QLatin1Char('/') + parts.join(QLatin1Char('/'));
    const QFileInfo info(candidate);
    if (!info.exists()) {
        *refused = false;
        return {};
    }
    if (!info.isFile())
        return {};
    if (m_isResource)
        return candidate; // resources have no symlinks

    // Symlinks may point anywhere inside the root (also through other
    // links) but not out of it, nor to a hidden name inside it.
    const QString root = QFileInfo(m_root).canonicalFilePath();
    const QString target = info.canonicalFilePath();
    if (root.isEmpty() || !target.startsWith(root + QLatin1Char('/')))
        return {};
    const QStringView relative = QStringView(target).mid(root.size() + 1);
    for (const QStringView part : relative.split(u'/')) {
        if (part.startsWith(u'.'))
            return {};
    }
    return target;
}

QByteArray FileResponder::resourceTag(const QString &path, QFile *file) const
{
    const auto it = m_resourceTags.constFind(path);
    if (it != m_resourceTags.cend())
        return *it;
    // Resource timestamps may all be one fixed build date (reproducible
    // builds): only the content tells one release's file from another's.
    const QByteArray tag = HttpFileSemantics::contentTag(file);
    file->seek(0);
    m_resourceTags.insert(path, tag);
    return tag;
}

void FileResponder::serve(const HttpRequest &request, HttpResponder &responder, const QString &path) const
{
    const bool head = request.isHead();
    if (!request.isGet() && !head) {
        writeText(responder, 405, "Method not allowed\n", { { "Allow", "GET, HEAD" } });
        return;
    }

    auto file = std::make_unique<QFile>(path);
    if (!QFileInfo(path).isFile() || !file->open(QIODevice::ReadOnly)) {
        qCDebug(lcHttp).noquote() << "not found:" << path << file->errorString();
        writeText(responder, 404, "Not found\n");
        return;
    }
    // Size and time of the file actually opened, not of whatever the name
    // points to a moment later.
    HttpFileSemantics::Representation representation;
    representation.size = file->size();
    const QDateTime modified = file->fileTime(QFileDevice::FileModificationTime);

    QByteArray cacheControl = QByteArrayLiteral("no-cache");
    if (m_isResource) {
        representation.etag = resourceTag(path, file.get());
    } else {
        representation.etag = HttpFileSemantics::fileTag(representation.size, modified);
        representation.lastModified = modified;
        // The gateway's URLs carry `?v=` + mtime in base 36: such a URL names
        // one version of the file for good.
        const QString version = QUrlQuery(request.url).queryItemValue(QStringLiteral("v"));
        if (m_caching == Caching::Media && modified.isValid()
            && version == QString::number(modified.toMSecsSinceEpoch(), 36))
            cacheControl = QByteArrayLiteral("public, max-age=31536000, immutable");
    }

    HeaderList headers;
    headers.append(Header("Date", HttpFileSemantics::formatDate(QDateTime::currentDateTimeUtc())));
    headers.append(Header("ETag", representation.etag));
    if (representation.lastModified.isValid())
        headers.append(Header("Last-Modified", HttpFileSemantics::formatDate(representation.lastModified)));
    headers.append(Header("Cache-Control", cacheControl));
    headers.append(Header("Accept-Ranges", "bytes"));

    HttpFileSemantics::RequestHeaders asked;
    asked.ifMatch = request.value("if-match");
    asked.ifNoneMatch = request.value("if-none-match");
    asked.ifModifiedSince = request.value("if-modified-since");
    asked.ifUnmodifiedSince = request.value("if-unmodified-since");
    asked.ifRange = request.value("if-range");
    asked.range = request.value("range");
    const HttpFileSemantics::Decision decision = HttpFileSemantics::decide(asked, representation);

    switch (decision.status) {
    case 412:
        writeText(responder, 412, "Precondition failed\n");
        return;
    case 304:
        qCDebug(lcHttp).noquote() << "304" << path;
        responder.writeNotModified(headers);
        return;
    case 416:
        qCDebug(lcHttp).noquote() << "416" << path << asked.range;
        writeText(responder, 416, "Range not satisfiable\n",
                  headers + decision.headers);
        return;
    }

    const int status = decision.status; // 200 or 206
    headers.append(Header("Content-Type", HttpFileSemantics::contentType(path)));
    headers.append(Header("X-Content-Type-Options", "nosniff"));
    headers += decision.headers;
    const qint64 offset = decision.range.first;
    const qint64 length = decision.range.length();
    qCDebug(lcHttp).noquote() << (head ? "HEAD" : "GET") << path << status << offset << length;
    responder.write(status, headers, std::make_unique<FileSlice>(file.release(), offset, length));
}
