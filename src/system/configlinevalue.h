#ifndef CONFIGLINEVALUE_H
#define CONFIGLINEVALUE_H

#include <QString>

#include <optional>

// A config file value as its line writes it. QSettings ends an unquoted value
// at ';' (a comment) and splits it at ',' into a list; the schedule keys use
// both (README.md, "Opening hours"), so GatewayConfig reads those here.
class ConfigLineValue
{
public:
    // The value on the first line that sets `name` (spelled with '-' or '_'),
    // trimmed and without one pair of double quotes round it; nullopt when no
    // line sets it or the file cannot be read.
    static std::optional<QString> read(const QString &configFile, const QString &name);
};

#endif // CONFIGLINEVALUE_H
