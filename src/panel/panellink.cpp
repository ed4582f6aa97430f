#include "panel/panellink.h"

#include "panel/paneldevicefinder.h"
#include "panel/panelline.h"
#include "system/logging.h"

#include <QMetaEnum>

#include <utility>

#include <poll.h>
#include <termios.h>

using namespace std::chrono_literals;

namespace {
constexpr int reopenIntervalMs = 1000;
constexpr int healthIntervalMs = 1000;
// Bounds what an unread flood can take; lines themselves are capped by LineBuffer.
constexpr qint64 readBufferSize = 64 * 1024;
// More errors than this between two health checks on a device that still
// answers: something is wrong after all, so reopen it.
constexpr int maxSpuriousErrors = 100;
// Per-event log lines a babbling panel could repeat without end: the first
// few, then one summary a minute.
constexpr int logBurst = 5;
constexpr auto logSummaryInterval = 60s;
constexpr long long logSummaryS = std::chrono::seconds(logSummaryInterval).count();
} // namespace

PanelLink::PanelLink(const QString &port, qint32 baudRate, QObject *parent)
    : QObject(parent),
      m_requestedPort(port),
      m_backPressureLog(logBurst, logSummaryInterval,
                        [this](quint64 heldBack) {
                            qCInfo(lcSerial, "the panel fell behind reading %llu more times in the last %lld s "
                                             "(%llu LED commands replaced by newer ones so far)",
                                   static_cast<unsigned long long>(heldBack), logSummaryS,
                                   static_cast<unsigned long long>(m_replacedLeds));
                        }),
      m_refusalLog(logBurst, logSummaryInterval,
                   [](quint64 heldBack) {
                       qCWarning(lcSerial, "panel refused %llu more commands in the last %lld s",
                                 static_cast<unsigned long long>(heldBack), logSummaryS);
                   }),
      m_readyLog(logBurst, logSummaryInterval, [](quint64 heldBack) {
          qCInfo(lcSerial, "panel firmware ready %llu more times in the last %lld s",
                 static_cast<unsigned long long>(heldBack), logSummaryS);
      })
{
    m_serial.setBaudRate(baudRate);
    m_serial.setDataBits(QSerialPort::Data8);
    m_serial.setParity(QSerialPort::NoParity);
    m_serial.setStopBits(QSerialPort::OneStop);
    m_serial.setFlowControl(QSerialPort::NoFlowControl);
    m_serial.setReadBufferSize(readBufferSize);

    m_reopenTimer.setInterval(reopenIntervalMs);
    m_healthTimer.setInterval(healthIntervalMs);
    connect(&m_reopenTimer, &QTimer::timeout, this, &PanelLink::tryOpen);
    connect(&m_healthTimer, &QTimer::timeout, this, &PanelLink::checkHealth);
    connect(&m_serial, &QSerialPort::readyRead, this, &PanelLink::onReadyRead);
    connect(&m_serial, &QSerialPort::errorOccurred, this, &PanelLink::handleError);
    connect(&m_serial, &QSerialPort::bytesWritten, this, &PanelLink::onBytesWritten);
    connect(&m_heartbeat, &PanelHeartbeat::pingDue, this, [this] { sendQuestion(QByteArrayLiteral("PING\n")); });
    connect(&m_heartbeat, &PanelHeartbeat::respondingChanged, this, &PanelLink::onRespondingChanged);
    m_state = isEnabled() ? State::Disconnected : State::Disabled;
}

void PanelLink::start()
{
    if (!isEnabled()) {
        qCInfo(lcSerial) << "no panel configured (--serial-port none)";
        return;
    }
    tryOpen();
    if (!isConnected())
        m_reopenTimer.start();
}

void PanelLink::reconfigure(const QString &port, qint32 baudRate)
{
    if (port == m_requestedPort) {
        if (baudRate == m_serial.baudRate())
            return;
        // On an open port this applies at once; otherwise at the next open.
        if (m_serial.setBaudRate(baudRate))
            qCInfo(lcSerial) << "line speed now" << baudRate;
        else
            qCWarning(lcSerial).noquote() << QStringLiteral("%1 does not take %2 baud; it keeps %3")
                                                     .arg(m_device, QString::number(baudRate),
                                                          QString::number(m_serial.baudRate()));
        return;
    }
    qCInfo(lcSerial).noquote() << QStringLiteral("serial port changed from %1 to %2").arg(m_requestedPort, port);
    const bool wasConnected = isConnected();
    m_reopenTimer.stop();
    closePort();
    m_serial.setBaudRate(baudRate);
    m_requestedPort = port;
    m_device.clear();
    m_firmware.clear(); // another device, maybe other firmware
    m_outageLogged = false;
    if (wasConnected)
        Q_EMIT connectedChanged(false);
    updateState();
    start();
}

void PanelLink::tryOpen()
{
    QString device = m_requestedPort;
    if (device == QLatin1String("auto")) {
        device = PanelDeviceFinder::find();
        if (device.isEmpty()) {
            if (!m_outageLogged) {
                qCWarning(lcSerial) << "no panel found in /dev/serial/by-id; retrying every"
                                    << reopenIntervalMs / 1000 << "s";
                m_outageLogged = true;
            }
            return;
        }
    }
    m_device = device;
    m_serial.setPortName(device);
    // The kernel raises DTR and RTS together on open and drops them together on
    // close; neither state resets an ESP32, so the lines are never touched here.
    if (!m_serial.open(QIODevice::ReadWrite)) {
        if (!m_outageLogged) {
            qCWarning(lcSerial).noquote() << QStringLiteral("cannot open %1: %2; retrying every %3 s")
                                                     .arg(device, m_serial.errorString())
                                                     .arg(reopenIntervalMs / 1000);
            m_outageLogged = true;
        }
        m_serial.clearError();
        return;
    }
    ++m_opens;
    m_reopenTimer.stop();
    m_healthTimer.start();
    m_outageLogged = false;
    m_firmwareLogged = false;
    m_lines.clear();
    sendQuestion(QByteArrayLiteral("VERSION\n")); // 2.5 answers FW; 2.2 ignores it
    m_heartbeat.portOpened(device);
    qCInfo(lcSerial).noquote() << "panel connected on" << device;
    Q_EMIT connectedChanged(true);
    updateState();
    Q_EMIT ready(); // whatever its LEDs show now, it is not ours
}

void PanelLink::onReadyRead()
{
    const QList<QByteArray> lines = m_lines.append(m_serial.readAll());
    for (const QByteArray &line : lines)
        handleLine(line);
}

void PanelLink::handleLine(const QByteArray &raw)
{
    const PanelLine line = PanelLine::parse(raw);
    m_heartbeat.lineArrived(line.kind() == PanelLine::Kind::Pong); // any line is a sign of life
    switch (line.kind()) {
    case PanelLine::Kind::Press:
        Q_EMIT pressed(line.id());
        break;
    case PanelLine::Kind::Release:
        qCDebug(lcSerial, "release %d", line.id());
        break;
    case PanelLine::Kind::Ready:
        if (m_readyLog.allow())
            qCInfo(lcSerial) << "panel firmware ready";
        Q_EMIT ready();
        break;
    case PanelLine::Kind::Firmware: {
        const QString firmware = QString::fromLatin1(line.text());
        // Once per connection and on a change, however often the panel repeats it.
        if (!m_firmwareLogged || firmware != m_firmware)
            qCInfo(lcSerial).noquote() << "panel firmware" << firmware;
        m_firmware = firmware;
        m_firmwareLogged = true;
        break;
    }
    case PanelLine::Kind::Error:
        if (m_refusalLog.allow())
            qCWarning(lcSerial).noquote() << "panel refused a command:" << QString::fromLatin1(line.text());
        break;
    case PanelLine::Kind::Pong:
    case PanelLine::Kind::Ok:
    case PanelLine::Kind::Status:
    case PanelLine::Kind::Other:
        qCDebug(lcSerial).noquote() << "panel says" << QString::fromLatin1(raw.left(80));
        break;
    }
}

void PanelLink::setLed(int id)
{
    send(QByteArrayLiteral("LEDSET ") + QByteArray::number(id).rightJustified(3, '0') + '\n');
}

void PanelLink::clearLeds()
{
    send(QByteArrayLiteral("LEDCLR\n"));
}

void PanelLink::send(const QByteArray &command)
{
    if (!m_serial.isOpen())
        return;
    if (m_serial.bytesToWrite() > 0) {
        // The driver has not taken the last command yet: the panel reads
        // slowly. The LED state is idempotent, so only the newest command
        // matters; a queue would grow and replay stale states.
        if (!m_heldLed.isEmpty())
            ++m_replacedLeds;
        else if (m_backPressureLog.allow())
            qCInfo(lcSerial) << "the panel reads slowly: until it catches up, only the newest LED command is kept";
        m_heldLed = command;
        return;
    }
    write(command);
}

void PanelLink::sendQuestion(const QByteArray &command)
{
    // PING and VERSION are questions, not state: never held, never in the way of an
    // LED command. A panel behind on reading gets none; the heartbeat asks again.
    if (!m_serial.isOpen() || m_serial.bytesToWrite() > 0 || !m_heldLed.isEmpty()) {
        qCDebug(lcSerial).noquote() << "output waits; not sent:" << command.trimmed();
        return;
    }
    write(command);
}

void PanelLink::write(const QByteArray &command)
{
    m_serial.write(command);
    // Out now rather than on the next event-loop pass: the LED is what a
    // visitor sees first. Not into a full driver, though, where the write
    // would fail (EAGAIN): Qt keeps the command and writes it once the
    // port takes more.
    if (canWriteNow())
        m_serial.flush();
}

bool PanelLink::canWriteNow() const
{
    pollfd descriptor = { int(m_serial.handle()), POLLOUT, 0 };
    return ::poll(&descriptor, 1, 0) == 1 && (descriptor.revents & POLLOUT);
}

void PanelLink::onBytesWritten()
{
    // From inside Qt's write handler: write the held command from the event loop.
    if (!m_heldLed.isEmpty() && m_serial.bytesToWrite() == 0)
        QMetaObject::invokeMethod(this, &PanelLink::writeHeldLed, Qt::QueuedConnection);
}

void PanelLink::writeHeldLed()
{
    if (m_heldLed.isEmpty() || m_serial.bytesToWrite() > 0)
        return;
    send(std::exchange(m_heldLed, QByteArray()));
}

void PanelLink::handleError(QSerialPort::SerialPortError error)
{
    if (error == QSerialPort::NoError || !m_serial.isOpen())
        return;
    // After a hang-up Qt 6.4 reports ReadError with a stale errno text: name the error itself.
    const QString name = QString::fromLatin1(QMetaEnum::fromType<QSerialPort::SerialPortError>().valueToKey(error));
    // A read that wakes up to nothing (EAGAIN) is reported as an error too, and
    // Qt 6.8 then stops reading. Closing would drop DTR/RTS, which can reset
    // the ESP32: while the tty driver still answers, carry on reading.
    // A write into a full driver (EAGAIN) is back-pressure, not an outage:
    // Qt keeps the bytes and tries again when the port takes more, so errors
    // while output waits do not count. A hang-up still fails the health check.
    if (isDeviceAlive()) {
        const bool outputWaits = m_serial.bytesToWrite() > 0;
        if (outputWaits || ++m_spuriousErrors <= maxSpuriousErrors) {
            qCDebug(lcSerial).noquote() << "ignored" << name << (outputWaits ? "while output waits" : "on a live device");
            m_serial.clearError();
            // Not from inside Qt's read handler; reading restarts its notifications.
            QMetaObject::invokeMethod(this, &PanelLink::onReadyRead, Qt::QueuedConnection);
            return;
        }
    }
    closeAfterOutage(name);
}

bool PanelLink::isDeviceAlive() const
{
    // After a hang-up the driver answers EIO; QSerialPort itself would keep reading 0 bytes.
    termios attributes;
    return ::tcgetattr(int(m_serial.handle()), &attributes) == 0;
}

void PanelLink::checkHealth()
{
    m_spuriousErrors = 0;
    if (!isDeviceAlive())
        closeAfterOutage(QString::fromLocal8Bit(strerror(errno)));
}

void PanelLink::closeAfterOutage(const QString &reason)
{
    qCWarning(lcSerial).noquote() << QStringLiteral("panel lost on %1: %2; retrying every %3 s")
                                             .arg(m_device, reason)
                                             .arg(reopenIntervalMs / 1000);
    m_outageLogged = true;
    closePort();
    m_reopenTimer.start();
    Q_EMIT connectedChanged(false);
    updateState();
}

void PanelLink::closePort()
{
    m_healthTimer.stop();
    // Output a slow panel has not read would make the kernel's close() wait
    // for it (up to 30 s on a serial port); the LEDs are resynced on the next
    // open anyway. Directly, not through Qt: an error here must not recurse.
    if (m_serial.isOpen())
        ::tcflush(int(m_serial.handle()), TCOFLUSH);
    m_serial.close();
    m_serial.clearError();
    m_lines.clear();
    m_heartbeat.portClosed();
    m_heldLed.clear(); // the LEDs are resynced when a port opens again
}

void PanelLink::onRespondingChanged(bool responding)
{
    updateState();
    // The end of a silence: what the LEDs show is unknown (docs/serial-protocol.md, "Heartbeat").
    if (responding)
        Q_EMIT ready();
}

void PanelLink::updateState()
{
    State state = State::Disabled;
    if (isEnabled())
        state = !isConnected() ? State::Disconnected : m_heartbeat.isSilent() ? State::Silent : State::Connected;
    if (state == m_state)
        return;
    m_state = state;
    Q_EMIT stateChanged(state);
}
