#ifndef FILERESPONDER_H
#define FILERESPONDER_H

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringView>

class HttpResponder;
class QFile;
struct HttpRequest;

// Answers GET and HEAD for the files of one folder the way a static web
// server does: Range (206/416), ETag/Last-Modified and 304, Cache-Control,
// content types, bodies streamed from disk. Nothing outside the folder is
// ever served: `..`, encoded separators, backslashes, NUL bytes, hidden
// names and symlinks that lead out of the folder all get 404.
class FileResponder
{
public:
    enum class Caching {
        // Always revalidated: the dashboard's own files, fresh after an upgrade.
        Revalidate,
        // Revalidated too, except under the versioned URL the gateway hands
        // out (`?v=` + the file's mtime): that one never changes, cache it long.
        Media,
    };

    // root: a folder on disk, or a Qt resource folder such as ":/static".
    FileResponder(const QString &root, Caching caching);

    // Answers for the file named by the request's URL path after `prefix`
    // ("/media/"), exactly as the client sent it (percent-encoded).
    void respond(const HttpRequest &request, HttpResponder &responder, QStringView prefix) const;
    // Answers with a known file of the root (e.g. "index.html" for "/").
    void respondFile(const HttpRequest &request, HttpResponder &responder, const QString &name) const;

private:
    QString resolve(QStringView encodedName, bool *refused) const;
    void serve(const HttpRequest &request, HttpResponder &responder, const QString &path) const;
    QByteArray resourceTag(const QString &path, QFile *file) const;

    QString m_root;
    bool m_isResource;
    Caching m_caching;
    // Content hashes of resource files: they cannot change while running.
    mutable QHash<QString, QByteArray> m_resourceTags;
};

#endif // FILERESPONDER_H
