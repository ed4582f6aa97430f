#ifndef PANELLINK_H
#define PANELLINK_H

#include "panel/linebuffer.h"
#include "panel/panelheartbeat.h"
#include "system/logthrottle.h"

#include <QObject>
#include <QSerialPort>
#include <QTimer>

#include <optional>

// The serial link to the panel: opens the device, reassembles and classifies
// lines, writes LED commands, and reopens the device after an outage.
// QSerialPort does not report an unplugged device on Linux (docs/qt-versions.md), so
// a slow health check asks the tty driver itself.
// A panel that reads slowly is no outage: while the driver cannot take more,
// only the newest LED command is kept, and written once it can
// (docs/serial-protocol.md, "Back-pressure").
// The link asks for the firmware's VERSION on open and is supervised by a
// PanelHeartbeat (PING after silence; "Heartbeat" in the same page).
class PanelLink : public QObject
{
    Q_OBJECT

public:
    // Silent: open, but a panel that answered PING has said nothing for three
    // ping intervals.
    enum class State { Disabled, Disconnected, Connected, Silent };
    Q_ENUM(State)

    // `port`: a device path, "auto" (first ESP32/CP210x/CH34x in
    // /dev/serial/by-id) or "none" (no panel).
    PanelLink(const QString &port, qint32 baudRate, QObject *parent = nullptr);

    void start();
    // Another device or speed, from a configuration reload: a new device is
    // opened in place of the current one, a new speed applies at once.
    void reconfigure(const QString &port, qint32 baudRate);

    bool isEnabled() const { return m_requestedPort != QLatin1String("none"); }
    bool isConnected() const { return m_serial.isOpen(); }
    // The device in use, or the one last tried, as configured (QSerialPort
    // would drop "/dev/"); empty with "auto" and no device found.
    QString portName() const { return m_device; }
    QString firmware() const { return m_firmware; }
    State state() const { return m_state; }
    // Open and not silent.
    bool isResponding() const { return m_state == State::Connected; }
    // Since the last line from the panel since the port opened; nullopt
    // while closed or before the first line.
    std::optional<qint64> lastLineAgeMs() const { return m_heartbeat.lastLineAgeMs(); }
    // PING after this long without a line; 0 turns the heartbeat off.
    void setPingInterval(int ms) { m_heartbeat.setInterval(ms); }
    int pingInterval() const { return m_heartbeat.interval(); }
    qsizetype droppedLines() const { return m_lines.droppedLines(); }
    // Opens of the port after its first one (an outage or another device); never reset.
    quint64 reconnects() const { return m_opens > 0 ? m_opens - 1 : 0; }

public Q_SLOTS:
    void setLed(int id);
    void clearLeds();

Q_SIGNALS:
    void pressed(int id);
    // The panel's LEDs are unknown: the port just opened, the firmware
    // rebooted (READY), or a silent panel speaks again. Whoever owns the LED
    // state should send it again.
    void ready();
    void connectedChanged(bool connected);
    void stateChanged(PanelLink::State state);

private:
    void tryOpen();
    void onReadyRead();
    void handleError(QSerialPort::SerialPortError error);
    void checkHealth();
    bool isDeviceAlive() const;
    void closeAfterOutage(const QString &reason);
    void closePort();
    void handleLine(const QByteArray &line);
    void send(const QByteArray &command);
    void sendQuestion(const QByteArray &command);
    void write(const QByteArray &command);
    void onRespondingChanged(bool responding);
    void updateState();
    bool canWriteNow() const;
    void onBytesWritten();
    void writeHeldLed();

    QSerialPort m_serial;
    QString m_requestedPort;
    QString m_device;
    QString m_firmware;
    LineBuffer m_lines;
    PanelHeartbeat m_heartbeat;
    State m_state = State::Disconnected;
    QTimer m_reopenTimer;
    QTimer m_healthTimer;
    QByteArray m_heldLed; // the newest LED command, waiting for the driver to take more
    bool m_outageLogged = false;
    bool m_firmwareLogged = false; // since the port opened
    int m_spuriousErrors = 0;
    quint64 m_replacedLeds = 0;
    quint64 m_opens = 0;
    LogThrottle m_backPressureLog;
    LogThrottle m_refusalLog;
    LogThrottle m_readyLog;
};

#endif // PANELLINK_H
