#include "web/browserprotocol.h"

#include "core/gatewaysnapshot.h"

#include <QJsonDocument>

namespace BrowserProtocol {

namespace {
QJsonObject typed(QLatin1StringView type)
{
    return { { QStringLiteral("type"), type } };
}

QJsonValue languageValue(const QString &language)
{
    return language.isEmpty() ? QJsonValue() : QJsonValue(language);
}

// IDs are at most three digits on the panel; anything far beyond is not an ID.
constexpr double maxId = 999999;

// What `state` and `media` both say about the media folder.
void insertMedia(QJsonObject &message, const GatewaySnapshot &snapshot)
{
    message.insert(QStringLiteral("first_id"), snapshot.firstId);
    message.insert(QStringLiteral("media_count"), snapshot.mediaCount);
    message.insert(QStringLiteral("media_complete"), snapshot.mediaComplete);
    message.insert(QStringLiteral("items"), snapshot.items);
    message.insert(QStringLiteral("attract_video"), snapshot.attractVideo);
}
} // namespace

QJsonObject state(const GatewaySnapshot &snapshot)
{
    QJsonObject message = typed(QLatin1StringView("state"));
    message.insert(QStringLiteral("current"), snapshot.current ? QJsonValue(*snapshot.current) : QJsonValue());
    // A browser that joins mid-sound starts it this far in, in step with the others.
    message.insert(QStringLiteral("elapsed_ms"),
                   snapshot.currentElapsedMs ? QJsonValue(*snapshot.currentElapsedMs) : QJsonValue());
    message.insert(QStringLiteral("version"), snapshot.version);
    message.insert(QStringLiteral("serial_connected"), snapshot.panelConnected);
    message.insert(QStringLiteral("serial_enabled"), snapshot.panelEnabled);
    message.insert(QStringLiteral("serial_responding"), snapshot.panelResponding);
    message.insert(QStringLiteral("open"), snapshot.open);
    message.insert(QStringLiteral("volume"), snapshot.volume);
    // A screen that joins during attract mode joins in.
    message.insert(QStringLiteral("attract"), snapshot.attract);
    insertMedia(message, snapshot);
    message.insert(QStringLiteral("languages"), QJsonArray::fromStringList(snapshot.languages));
    message.insert(QStringLiteral("language"), languageValue(snapshot.language));
    return message;
}

QJsonObject media(const GatewaySnapshot &snapshot)
{
    QJsonObject message = typed(QLatin1StringView("media"));
    insertMedia(message, snapshot);
    return message;
}

QJsonObject play(const QJsonObject &item, const QString &language)
{
    // Exactly the item browsers preloaded, so they can match its URLs.
    QJsonObject message = item;
    message.insert(QStringLiteral("type"), QStringLiteral("play"));
    message.insert(QStringLiteral("language"), languageValue(language));
    return message;
}

QJsonObject language(const QString &language)
{
    QJsonObject message = typed(QLatin1StringView("language"));
    message.insert(QStringLiteral("language"), languageValue(language));
    return message;
}

QJsonObject stop()
{
    return typed(QLatin1StringView("stop"));
}

QJsonObject panel(bool connected, bool responding)
{
    QJsonObject message = typed(QLatin1StringView("panel"));
    message.insert(QStringLiteral("connected"), connected);
    message.insert(QStringLiteral("responding"), responding);
    return message;
}

QJsonObject pong()
{
    return typed(QLatin1StringView("pong"));
}

QJsonObject openingChanged(bool open)
{
    return typed(open ? QLatin1StringView("open") : QLatin1StringView("closed"));
}

QJsonObject volume(int level)
{
    QJsonObject message = typed(QLatin1StringView("volume"));
    message.insert(QStringLiteral("level"), level);
    return message;
}

QJsonObject attract()
{
    return typed(QLatin1StringView("attract"));
}

QString encode(const QJsonObject &message)
{
    return QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

Incoming parse(QByteArrayView utf8)
{
    const auto invalid = [](const char *reason) { return Incoming{ Incoming::Kind::Invalid, -1, reason }; };
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(utf8.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        return invalid("not valid JSON");
    if (!document.isObject())
        return invalid("not a JSON object");
    const QJsonObject message = document.object();
    const QString type = message.value(QLatin1StringView("type")).toString();
    if (type == QLatin1StringView("ended")) {
        const QJsonValue id = message.value(QLatin1StringView("id"));
        const double number = id.toDouble(-1);
        if (!id.isDouble() || number < 0 || number > maxId || number != double(int(number)))
            return invalid("ended without an integer id");
        return { Incoming::Kind::Ended, int(number), nullptr };
    }
    if (type == QLatin1StringView("ping"))
        return { Incoming::Kind::Ping, -1, nullptr };
    return invalid("unknown type");
}

} // namespace BrowserProtocol
