#ifndef CONFIGRELOADER_H
#define CONFIGRELOADER_H

#include "system/gatewayconfig.h"

#include <QHash>
#include <QObject>

// Reads the configuration again on request (SIGHUP) the way start-up read it:
// the same command line over the config file over the defaults. What can
// change while the gateway runs is handed on (the serial device and speed);
// every other changed key is named once as waiting for a restart and left
// alone, so nothing is half applied. A configuration that does not parse
// changes nothing.
class ConfigReloader : public QObject
{
    Q_OBJECT

public:
    // `arguments`: the program's command line as it started.
    ConfigReloader(const QStringList &arguments, const GatewayConfig::Defaults &defaults,
                   const GatewayConfig &running, QObject *parent = nullptr);

    // The configuration in effect.
    const GatewayConfig &running() const { return m_running; }

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void serialPortChanged(const QString &port, qint32 baudRate);
    void pingIntervalChanged(int ms);
    void pressPolicyChanged(const PressPolicy &policy);
    // Both keys, as texts the configuration has checked (README.md, "Opening hours").
    void openingHoursChanged(const QString &openingHours, const QString &closedDates);
    void volumeChanged(int level);

private:
    void nameRestartOnly(const GatewayConfig &next, const QString &source);

    QStringList m_arguments;
    GatewayConfig::Defaults m_defaults;
    GatewayConfig m_running;
    QHash<QString, QString> m_named; // key that needs a restart → the value already named
};

#endif // CONFIGRELOADER_H
