#ifndef GATEWAYSNAPSHOT_H
#define GATEWAYSNAPSHOT_H

#include <QDateTime>
#include <QJsonArray>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

// The facts the outside world sees, gathered in one place (GatewayStatus) from
// the objects that own them. `/status`, `/health` and the WebSocket `state`
// message are all written from one of these, so they cannot disagree.
struct GatewaySnapshot
{
    QString version;
    QString mode;                 // prototype, production or custom
    std::optional<int> current;   // the ID playing, if any
    std::optional<qint64> currentElapsedMs;   // since its press
    std::optional<qint64> currentRemainingMs; // of its sound, when its length is known
    int firstId = 0;
    int mediaCount = 0;

    bool panelEnabled = true;     // false with --serial-port none
    bool panelConnected = false;
    bool panelResponding = false; // connected, and not silent
    QString panelState;           // disabled, disconnected, connected or silent
    std::optional<qint64> panelLastLineMs; // since the panel's last line
    QString panelPort;            // as configured or found; empty when none
    QString panelFirmware;        // the panel's FW line, when it sent one

    QString mediaDir;
    bool mediaComplete = false;
    QStringList missingFiles;
    QJsonArray items;             // one {id, image, audio, video} per ID

    int browsers = 0;
    quint64 rejectedPresses = 0;
    quint64 ignoredPresses = 0;   // by the press policy, the cool-down or a quarantine
    quint64 endedByTimer = 0;
    QList<int> quarantined;
    quint64 rejectedMessages = 0;
    quint64 droppedSerialLines = 0;
    qint64 uptimeS = 0;

    // For /metrics (docs/http.md): counts since start, one per label value,
    // every value listed (zeros too), in a fixed order.
    using Counts = QList<std::pair<QString, quint64>>;
    Counts pressesByOutcome;      // played, stopped, ignored, rejected
    Counts playbacksEndedByHow;   // completed, timer, preempted, stopped, closed
    quint64 panelReconnects = 0;
    QString qtVersion;            // of the Qt library in use
    bool open = true;             // within the opening hours
    QDateTime nextOpeningChange;  // invalid when always open
    quint64 closedPresses = 0;    // of ignoredPresses, those while closed
    int volume = 100;             // 0 to 100, for the browsers
    bool attract = false;         // attract mode runs
    QJsonValue attractVideo;      // the attract-mode video's URL, or null
    bool recordsEnabled = false;  // play records on (stats_db not none)
    quint64 recordsWritten = 0;   // committed to the records file
    quint64 recordsFailed = 0;    // dropped: the file could not be written
    QString recordsError;         // why it cannot be written now; empty when it can
    QStringList languages;        // `languages`, the default first
    QString language;             // the language button's choice; empty: none since the default
    QStringList captionsInvalid;  // captions files that fail the WebVTT check
    QList<std::pair<QString, QList<int>>> languagesMissing; // per language, IDs without its sound
    int listeners = 0;            // of `browsers`, visitors' phones (role=listener)
    int maxListeners = 0;         // listeners allowed at once; 0: none
    QString listenUrl;            // what the QR code encodes; empty when unknown
};

#endif // GATEWAYSNAPSHOT_H
