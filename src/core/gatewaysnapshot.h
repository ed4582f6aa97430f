#ifndef GATEWAYSNAPSHOT_H
#define GATEWAYSNAPSHOT_H

#include <QJsonArray>
#include <QString>
#include <QStringList>

#include <optional>

// The facts the outside world sees, gathered in one place (GatewayStatus) from
// the objects that own them. `/status`, `/health` and the WebSocket `state`
// message are all written from one of these, so they cannot disagree.
struct GatewaySnapshot
{
    QString version;
    QString mode;                 // prototype, production or custom
    std::optional<int> current;   // the ID playing, if any
    int firstId = 0;
    int mediaCount = 0;

    bool panelEnabled = true;     // false with --serial-port none
    bool panelConnected = false;
    QString panelPort;            // as configured or found; empty when none
    QString panelFirmware;        // the panel's FW line, when it sent one

    QString mediaDir;
    bool mediaComplete = false;
    QStringList missingFiles;
    QJsonArray items;             // one {id, image, audio, video} per ID

    int browsers = 0;
    quint64 rejectedPresses = 0;
    quint64 rejectedMessages = 0;
    quint64 droppedSerialLines = 0;
    qint64 uptimeS = 0;
};

#endif // GATEWAYSNAPSHOT_H
