#include "web/httpresponder.h"

#include "web/httpconnection.h"

#include <QIODevice>
#include <QJsonDocument>
#include <QJsonObject>

HttpResponder::HttpResponder(HttpConnection *connection, bool head) : m_connection(connection), m_head(head)
{
}

void HttpResponder::write(int status, const HeaderList &headers, const QByteArray &body)
{
    if (m_answered || !m_connection)
        return;
    m_answered = true;
    m_connection->writeResponse(status, headers, body.size(), m_head ? QByteArray() : body);
}

void HttpResponder::write(int status, const HeaderList &headers, std::unique_ptr<QIODevice> body)
{
    if (m_answered || !m_connection)
        return;
    m_answered = true;
    const qint64 length = body->size();
    if (m_head)
        m_connection->writeResponse(status, headers, length, QByteArray());
    else
        m_connection->writeResponse(status, headers, std::move(body));
}

void HttpResponder::writeJson(int status, const QJsonObject &body, HeaderList headers)
{
    headers.prepend({ "Cache-Control", "no-store" });
    headers.prepend({ "Content-Type", "application/json" });
    write(status, headers, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

void HttpResponder::writeJsonError(int status, const QString &error, HeaderList headers)
{
    writeJson(status, { { QStringLiteral("error"), error } }, std::move(headers));
}

HttpResponder HttpResponder::defer()
{
    HttpResponder later(m_connection, m_head);
    if (m_answered || !m_connection) {
        later.m_answered = true;
        return later;
    }
    m_answered = true;
    m_connection->awaitDeferredResponse();
    return later;
}

void HttpResponder::writeNotModified(const HeaderList &headers)
{
    if (m_answered || !m_connection)
        return;
    m_answered = true;
    m_connection->writeResponse(304, headers, -1, QByteArray());
}
