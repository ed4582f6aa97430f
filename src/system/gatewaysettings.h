#ifndef GATEWAYSETTINGS_H
#define GATEWAYSETTINGS_H

#include <QString>
#include <QStringList>

#include <optional>

class GatewayConfig;

// What each setting is (README.md, "Configuration"): its name, its help line
// and how a value is checked and stored. GatewayConfig reads the command line
// and the config file and hands every value here.
class GatewaySettings
{
public:
    // The option names, in help order; they double as config file keys (with
    // '_' for '-').
    static QStringList names();
    // The help line; defaultMediaDir is shown as media-dir's default.
    static QString description(const QString &name, const QString &defaultMediaDir);
    static QString valueName(const QString &name);
    // Applies one setting; returns an error message, or an empty string. A
    // media-count is kept in explicitCount, to be weighed against the mode.
    static QString apply(GatewayConfig &config, const QString &name, const QString &value,
                         std::optional<int> &explicitCount);
};

#endif // GATEWAYSETTINGS_H
