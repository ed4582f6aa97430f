#ifndef PANELDEVICEFINDER_H
#define PANELDEVICEFINDER_H

#include <QString>

// What `--serial-port auto` opens: the first panel-like device among the
// stable names in /dev/serial/by-id (docs/serial-protocol.md, "The device").
class PanelDeviceFinder
{
public:
    // The first panel-like device in `byIdFolder`, or an empty string.
    static QString find(const QString &byIdFolder = QStringLiteral("/dev/serial/by-id"));
};

#endif // PANELDEVICEFINDER_H
