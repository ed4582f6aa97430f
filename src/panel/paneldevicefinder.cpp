#include "panel/paneldevicefinder.h"

#include <QDir>
#include <QStringList>

QString PanelDeviceFinder::find(const QString &byIdFolder)
{
    // Espressif's own USB, Silicon Labs CP210x and WCH CH34x bridges.
    static const QStringList patterns = {
        QStringLiteral("usb-Espressif*"), QStringLiteral("usb-Silicon_Labs_CP210*"),
        QStringLiteral("usb-1a86*"), QStringLiteral("*CH34*"), QStringLiteral("*CH910*"),
    };
    const QDir folder(byIdFolder);
    for (const QString &pattern : patterns) {
        const QStringList names = folder.entryList({ pattern }, QDir::System | QDir::Files, QDir::Name);
        if (!names.isEmpty())
            return folder.absoluteFilePath(names.first());
    }
    return {};
}
