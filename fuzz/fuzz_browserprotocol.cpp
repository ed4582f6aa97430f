// What a browser may send on /ws: any text frame through
// BrowserProtocol::parse (docs/websocket.md, "Browser → gateway").
// Input: the frame's bytes.

#include "fuzzcheck.h"

#include "web/browserprotocol.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>

using Kind = BrowserProtocol::Incoming::Kind;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray frame(reinterpret_cast<const char *>(data), qsizetype(size));
    const BrowserProtocol::Incoming message = BrowserProtocol::parse(frame);

    // The same frame, read on its own by Qt: what the parser must agree with.
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(frame, &error);
    const QJsonObject object = document.object();
    const bool isObject = error.error == QJsonParseError::NoError && document.isObject();
    const QString type = object.value(QLatin1StringView("type")).toString();

    switch (message.kind) {
    case Kind::Ended:
        FUZZ_CHECK(message.id >= 0 && message.id <= 999999);
        FUZZ_CHECK(message.reason == nullptr);
        FUZZ_CHECK(isObject && type == QLatin1StringView("ended"));
        FUZZ_CHECK(object.value(QLatin1StringView("id")).isDouble());
        FUZZ_CHECK(object.value(QLatin1StringView("id")).toDouble() == double(message.id));
        break;
    case Kind::Ping:
        FUZZ_CHECK(message.id == -1 && message.reason == nullptr);
        FUZZ_CHECK(isObject && type == QLatin1StringView("ping"));
        break;
    case Kind::Invalid:
        // Logged and counted, so it must say why.
        FUZZ_CHECK(message.id == -1);
        FUZZ_CHECK(message.reason != nullptr && std::strlen(message.reason) > 0);
        FUZZ_CHECK(!isObject || type != QLatin1StringView("ping"));
        break;
    }

    // `ended` is accepted exactly when its id is a whole number from 0 to 999999.
    if (isObject && type == QLatin1StringView("ended")) {
        const QJsonValue id = object.value(QLatin1StringView("id"));
        const double number = id.toDouble(-1);
        const bool wellFormed = id.isDouble() && number >= 0 && number <= 999999 && std::floor(number) == number;
        FUZZ_CHECK(wellFormed == (message.kind == Kind::Ended));
    }

    // An accepted `ended` survives the gateway's own encoding unchanged.
    if (message.kind == Kind::Ended) {
        const QJsonObject canonical{ { QStringLiteral("type"), QStringLiteral("ended") },
                                     { QStringLiteral("id"), message.id } };
        const BrowserProtocol::Incoming again = BrowserProtocol::parse(BrowserProtocol::encode(canonical).toUtf8());
        FUZZ_CHECK(again.kind == Kind::Ended && again.id == message.id);
    }
    return 0;
}
