#ifndef BROWSERPROTOCOL_H
#define BROWSERPROTOCOL_H

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

struct GatewaySnapshot;

// Every message that travels on /ws, built and read here and nowhere else
// (docs/websocket.md). One JSON object per text frame.
namespace BrowserProtocol {

// Gateway → browser.
QJsonObject state(const GatewaySnapshot &snapshot);
QJsonObject media(const GatewaySnapshot &snapshot);
// `language`: the language button's choice at the press; empty: null.
QJsonObject play(const QJsonObject &item, const QString &language = QString());
QJsonObject stop();
// `responding` is false while a connected panel does not answer (silent).
QJsonObject panel(bool connected, bool responding);
QJsonObject pong();
// {"type":"open"} when the opening hours begin, {"type":"closed"} when they end.
QJsonObject openingChanged(bool open);
QJsonObject volume(int level);
// Attract mode began (docs/websocket.md); it ends with `stop`, `play` or `closed`.
QJsonObject attract();
// The language button chose `language` (empty: back to the default, null).
QJsonObject language(const QString &language);
// The text of one frame: compact JSON.
QString encode(const QJsonObject &message);

// Browser → gateway.
struct Incoming
{
    enum class Kind { Ended, Ping, Invalid };
    Kind kind = Kind::Invalid;
    int id = -1;                  // Ended: the ID whose sound finished
    const char *reason = nullptr; // Invalid: why, for the log
};
Incoming parse(QByteArrayView utf8);

} // namespace BrowserProtocol

#endif // BROWSERPROTOCOL_H
