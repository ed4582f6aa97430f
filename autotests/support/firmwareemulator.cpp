#include "firmwareemulator.h"

#include <utility>

namespace {

QByteArray idLine(const char *word, int id)
{
    return QByteArray(word) + ' ' + QByteArray::number(id).rightJustified(3, '0');
}

// Lines a debug build, the ESP32 ROM and a noisy cable produce. Digits and
// even the word PRESS appear, a well-formed press never does.
const QByteArrayList &babbleLines()
{
    static const QByteArrayList lines = {
        "[IO] button 3 down",
        "ESP-ROM:esp32s3-20210327",
        "ets Jun  8 2016 00:22:57",
        "rst:0x1 (POWERON_RESET),boot:0x8 (SPI_FAST_FLASH_BOOT)",
        "load:0x3fce3818,len:0x508",
        "entry 0x403c9880",
        "\x1b[0;32mI (312) cpu_start: Starting scheduler on PRO CPU.\x1b[0m",
        "[IO] PRESS 003 debounce",
        "PRESS 04a",
        "press 042",
        "PRESS 042 extra",
        QByteArray("\x00\xff\x80PRESS 007\xfe", 13),
        QByteArray("PRESS 0\x00" "42", 10),
        ">>> PRESS 005",
    };
    return lines;
}

} // namespace

FirmwareEmulator::FirmwareEmulator(Generation generation, QObject *parent)
    : QObject(parent), m_generation(generation)
{
    m_pty.setQueueLines(false);
    connect(&m_pty, &PtyPair::lineReceived, this, &FirmwareEmulator::readLine);
    connect(&m_pty, &PtyPair::writable, this, &FirmwareEmulator::writeOut);
}

bool FirmwareEmulator::open()
{
    m_rx.clear();
    m_out.clear();
    m_hung = false;
    return m_pty.open();
}

void FirmwareEmulator::setIdRange(int firstId, int count)
{
    m_firstId = firstId;
    m_count = count;
}

void FirmwareEmulator::boot()
{
    if (m_generation == Generation::Legacy)
        return;
    send("READY");
    send("FW " + m_firmwareText);
}

void FirmwareEmulator::press(int id)
{
    if (m_hung)
        return;
    // 2.5 lights the LED itself, before the gateway hears of the press.
    if (m_generation == Generation::Current && hasId(id)) {
        setLit({ id });
        m_lastSet = id;
    }
    send(idLine("PRESS", id));
}

void FirmwareEmulator::release(int id)
{
    if (!m_hung && m_generation == Generation::Current)
        send(idLine("RELEASE", id));
}

void FirmwareEmulator::hang()
{
    m_hung = true;
    m_pty.setReading(false);
}

void FirmwareEmulator::resume()
{
    m_hung = false;
    m_pty.setReading(true);
}

void FirmwareEmulator::reboot()
{
    resume();
    m_rx.clear();
    m_lastSet = 0;
    setLit({});
    boot();
}

void FirmwareEmulator::babble(int lines)
{
    if (m_hung)
        return;
    const QByteArrayList &noise = babbleLines();
    for (int i = 0; i < lines; ++i)
        send(noise.at(m_babbled++ % noise.size()));
}

void FirmwareEmulator::readLine(const QByteArray &line)
{
    // Byte by byte, as the firmware's receive loop does (see the header).
    for (const char c : line + '\n') {
        if (c == '\n' || c == '\r') {
            if (!m_rx.isEmpty())
                execute(std::exchange(m_rx, QByteArray()));
        } else if (m_rx.size() < ReceiveBufferSize - 1) {
            m_rx.append(c);
        } else {
            m_rx.clear();
        }
    }
}

void FirmwareEmulator::execute(const QByteArray &command)
{
    m_received.append(command);
    Q_EMIT commandReceived(command);
    if (m_generation == Generation::Legacy) {
        if (command.startsWith("LEDSET ") || command == "LEDCLR")
            executeLed(command);
        return;
    }
    if (command == "PING") {
        send("PONG");
    } else if (command == "VERSION") {
        send("FW " + m_firmwareText);
        send("OK");
    } else if (command == "STATUS") {
        sendStatus();
    } else if (command == "HELP") {
        send("Commands: PING, STATUS, VERSION, HELP");
        send("          LEDSET n, LEDON n, LEDOFF n, LEDCLR, LEDALL");
        send("OK");
    } else if (command.startsWith("LED")) {
        executeLed(command);
    } else {
        send("ERROR unknown command");
    }
}

void FirmwareEmulator::executeLed(const QByteArray &command)
{
    const bool answer = m_generation == Generation::Current;
    const qsizetype space = command.indexOf(' ');
    const QByteArray word = space < 0 ? command : command.left(space);
    const bool takesId = word == "LEDSET" || word == "LEDON" || word == "LEDOFF";
    const int id = takesId ? parseId(command.mid(space + 1)) : -1;
    if (takesId && (space < 0 || id < 0)) {
        if (answer)
            send("ERROR invalid id");
        return;
    }
    QSet<int> lit = m_lit;
    if (word == "LEDSET") {
        lit = { id };
        m_lastSet = id;
    } else if (word == "LEDON") {
        lit.insert(id);
    } else if (word == "LEDOFF") {
        lit.remove(id);
    } else if (command == "LEDCLR") {
        lit.clear();
        m_lastSet = 0;
    } else if (command == "LEDALL") {
        for (int i = 0; i < m_count; ++i)
            lit.insert(m_firstId + i);
    } else {
        if (answer)
            send("ERROR unknown command");
        return;
    }
    setLit(lit);
    if (answer)
        send("OK");
}

void FirmwareEmulator::sendStatus()
{
    send("CURLED " + QByteArray::number(m_lastSet));
    send("BTNS " + QByteArray::number(m_count));
    send("LEDS " + QByteArray::number(m_count));
    send("HEAP 283412");
    send(m_count <= 10 ? "MODE PROTOTYPE" : "MODE PRODUCTION");
    send("OK");
}

int FirmwareEmulator::parseId(const QByteArray &argument) const
{
    const QByteArray digits = argument.trimmed();
    if (digits.isEmpty() || digits.size() > 9)
        return -1;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return -1;
    }
    const int id = digits.toInt();
    return hasId(id) ? id : -1;
}

void FirmwareEmulator::setLit(const QSet<int> &lit)
{
    if (lit == m_lit)
        return;
    m_lit = lit;
    Q_EMIT ledsChanged();
}

void FirmwareEmulator::send(const QByteArray &line)
{
    m_out += line + '\n';
    writeOut();
}

void FirmwareEmulator::writeOut()
{
    while (!m_out.isEmpty()) {
        const qint64 n = m_pty.writeSome(m_out.constData(), m_out.size());
        if (n <= 0)
            break;
        m_out.remove(0, n);
    }
    // Full: go on when the pty takes more (a closed pty never will; that is fine).
    m_pty.setNotifyWritable(!m_out.isEmpty());
}
