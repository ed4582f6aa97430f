#ifndef FIRMWAREEMULATOR_H
#define FIRMWAREEMULATOR_H

#include "ptypair.h"

#include <QByteArray>
#include <QByteArrayList>
#include <QObject>
#include <QSet>
#include <QString>

// The panel firmware on the master side of its own pty, as the panel
// protocol describes it (docs/serial-protocol.md, "Firmware generations"):
// the gateway opens slavePath() as its serial device.
//
// Current (2.5): `READY` and `FW …` at boot; every command answered
// (`OK`, `ERROR invalid id`, `ERROR unknown command`, `PONG`, `FW …` + `OK`,
// status lines + `OK`); a press lights the button's LED before `PRESS NNN`
// is sent; a release sends `RELEASE NNN`.
// Legacy (2.2): sends nothing but `PRESS NNN`; takes `LEDSET` and `LEDCLR`,
// answers nothing and ignores every other line.
//
// Input is read as the 2.5 firmware reads it: LF or CR ends a command, empty
// commands are skipped, and the receive buffer holds 63 characters (64 with
// its NUL). The byte that would overflow it throws away what was collected
// and is dropped itself; collecting starts afresh, so the rest of an overlong
// line arrives as a command of its own, usually `ERROR unknown command`.
//
// Output goes out without blocking: what the pty does not take is kept and
// written when it takes more, so a gateway in the same process can read it.
class FirmwareEmulator : public QObject
{
    Q_OBJECT

public:
    enum class Generation { Current, Legacy };
    Q_ENUM(Generation)
    static constexpr int ReceiveBufferSize = 64;

    explicit FirmwareEmulator(Generation generation = Generation::Current, QObject *parent = nullptr);

    bool open(); // a fresh pty; nothing is sent until boot()
    QString slavePath() const { return m_pty.slavePath(); }
    QString errorString() const { return m_pty.errorString(); }
    PtyPair &pty() { return m_pty; } // close() it to unplug the panel

    Generation generation() const { return m_generation; }
    // Buttons and LEDs `firstId` … `firstId + count − 1`; 1 and 10 by default.
    void setIdRange(int firstId, int count);
    // The text after `FW ` that boot() and VERSION send.
    void setFirmwareText(const QByteArray &text) { m_firmwareText = text; }

    // Power on: `READY` and `FW …` (Current); nothing (Legacy).
    void boot();
    // A button pressed or released. Nothing happens while hung.
    void press(int id);
    void release(int id);
    // Stops reading and answering, the device stays open; resume() carries
    // on with what arrived meanwhile.
    void hang();
    void resume();
    bool isHung() const { return m_hung; }
    // A reset that keeps the USB device: ends a hang, LEDs off, then boot().
    void reboot();
    // `lines` lines of debug output, ROM boot noise and garbage bytes; none of
    // them a well-formed press.
    void babble(int lines);

    QSet<int> litLeds() const { return m_lit; }
    // Every command taken in, in order, as the firmware saw it (after the
    // receive buffer), ignored ones too.
    QByteArrayList receivedCommands() const { return m_received; }
    int receivedCount(const QByteArray &command) const { return int(m_received.count(command)); }
    void clearReceivedCommands() { m_received.clear(); }

Q_SIGNALS:
    void commandReceived(const QByteArray &command);
    void ledsChanged();

private:
    void readLine(const QByteArray &line);
    void execute(const QByteArray &command);
    void executeLed(const QByteArray &command);
    void sendStatus();
    void send(const QByteArray &line);
    void writeOut();
    void setLit(const QSet<int> &lit);
    int parseId(const QByteArray &argument) const; // -1 when not an ID of this panel
    bool hasId(int id) const { return id >= m_firstId && id < m_firstId + m_count; }

    PtyPair m_pty;
    Generation m_generation;
    QByteArray m_firmwareText = "selection-panel 2.5.0";
    int m_firstId = 1;
    int m_count = 10;
    int m_lastSet = 0; // CURLED: the last LEDSET or press, 0 for none
    bool m_hung = false;
    int m_babbled = 0;
    QByteArray m_rx;  // the receive buffer
    QByteArray m_out; // written when the pty takes more
    QSet<int> m_lit;
    QByteArrayList m_received;
};

#endif // FIRMWAREEMULATOR_H
