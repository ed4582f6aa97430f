#ifndef GATEWAYCONFIG_H
#define GATEWAYCONFIG_H

#include "system/presspolicy.h"

#include <QHostAddress>
#include <QString>
#include <QStringList>

// The gateway's settings (README.md, "Configuration"): command line over
// config file over built-in defaults. Parsing never exits; main() decides what
// an error costs.
class GatewayConfig
{
public:
    enum class Outcome { Run, ShowHelp, ShowVersion, Error, SetAdminPassword };

    struct Defaults
    {
        QString mediaDir;
        QString configFile; // read only if it exists
    };

    struct Result;
    static Result parse(const QStringList &arguments, const Defaults &defaults);
    // stats.sqlite in the state directory: systemd's $STATE_DIRECTORY, else
    // the user's application data folder.
    static QString defaultStatsDb();

    QString serialPort = QStringLiteral("auto");
    qint32 baudRate = 115200;
    QHostAddress httpHost = QHostAddress(QHostAddress::AnyIPv4);
    quint16 httpPort = 8080;
    QString mediaDir;
    QString mode = QStringLiteral("prototype"); // prototype, production or custom
    int mediaCount = 10;
    int firstId = 0;
    int maxConnections = 1024;
    int httpTimeoutS = 10;
    int pingIntervalS = 5; // 0: no heartbeat
    PressPolicy pressPolicy;
    bool metrics = true; // GET /metrics answers
    QString openingHours; // empty: always open (README.md, "Opening hours")
    QString closedDates;
    int volume = 100;     // 0 to 100, for the browsers
    QString statsDb = defaultStatsDb(); // the play records' file; empty: off (`none`)
    QString configFile; // the file that was read, if any
    // The staff console's password, in the configuration directory; the
    // console is off while it does not exist (docs/http.md, "/admin and /api/admin").
    QString adminPasswordFile;
    // Captions and languages (README.md, "Captions and languages").
    bool captions = true;     // NNN.vtt shown with the sound
    QStringList languages;    // the default first; empty: no language variants
    int languageButton = -1;  // the panel ID that cycles the language; -1: none
    int maxListeners = 500; // phones on /listen at once; 0: none (docs/websocket.md, "Roles")
    QString listenUrl;      // the QR code's address; empty: the machine's own (ListenUrl)
};

struct GatewayConfig::Result
{
    Outcome outcome = Outcome::Error;
    GatewayConfig config;
    QString message; // the error line, or the help text
};

#endif // GATEWAYCONFIG_H
