#include "panel/panellink.h"

#include "panel/panelline.h"
#include "system/logging.h"

#include <QDir>
#include <QMetaEnum>

#include <termios.h>

namespace {
constexpr int reopenIntervalMs = 1000;
constexpr int healthIntervalMs = 1000;
// Bounds what an unread flood can take; lines themselves are capped by LineBuffer.
constexpr qint64 readBufferSize = 64 * 1024;
// More errors than this between two health checks on a device that still
// answers: something is wrong after all, so reopen it.
constexpr int maxSpuriousErrors = 100;
} // namespace

PanelLink::PanelLink(const QString &port, qint32 baudRate, QObject *parent)
    : QObject(parent), m_requestedPort(port)
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

QString PanelLink::findPanelDevice(const QString &byIdFolder)
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

void PanelLink::tryOpen()
{
    QString device = m_requestedPort;
    if (device == QLatin1String("auto")) {
        device = findPanelDevice();
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
    m_reopenTimer.stop();
    m_healthTimer.start();
    m_outageLogged = false;
    m_lines.clear();
    qCInfo(lcSerial).noquote() << "panel connected on" << device;
    Q_EMIT connectedChanged(true);
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
    switch (line.kind()) {
    case PanelLine::Kind::Press:
        Q_EMIT pressed(line.id());
        break;
    case PanelLine::Kind::Release:
        qCDebug(lcSerial, "release %d", line.id());
        break;
    case PanelLine::Kind::Ready:
        qCInfo(lcSerial) << "panel firmware ready";
        Q_EMIT ready();
        break;
    case PanelLine::Kind::Firmware:
        m_firmware = QString::fromLatin1(line.text());
        qCInfo(lcSerial).noquote() << "panel firmware" << m_firmware;
        break;
    case PanelLine::Kind::Error:
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
    m_serial.write(command);
    // Out now rather than on the next event-loop pass: the LED is what a visitor sees first.
    m_serial.flush();
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
    if (isDeviceAlive() && ++m_spuriousErrors <= maxSpuriousErrors) {
        qCDebug(lcSerial).noquote() << "ignored" << name << "on a live device";
        m_serial.clearError();
        // Not from inside Qt's read handler; reading restarts its notifications.
        QMetaObject::invokeMethod(this, &PanelLink::onReadyRead, Qt::QueuedConnection);
        return;
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
    m_healthTimer.stop();
    m_serial.close();
    m_serial.clearError();
    m_lines.clear();
    m_reopenTimer.start();
    Q_EMIT connectedChanged(false);
}
