#include "ptypanel.h"

#include "monoclock.h"

#include <QSocketNotifier>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace {
QByteArray pressLine(int id)
{
    return QByteArrayLiteral("PRESS ") + QByteArray::number(id).rightJustified(3, '0') + '\n';
}
} // namespace

PtyPanel::PtyPanel(QObject *parent)
    : ProgressSource(parent)
{
}

PtyPanel::~PtyPanel()
{
    closeFds();
}

void PtyPanel::closeFds()
{
    delete m_readNotifier;
    m_readNotifier = nullptr;
    delete m_writeNotifier;
    m_writeNotifier = nullptr;
    if (m_master >= 0)
        ::close(m_master);
    if (m_slave >= 0)
        ::close(m_slave);
    m_master = m_slave = -1;
}

bool PtyPanel::open(QString *error)
{
    // CLOEXEC: the gateway must open the slave by path like a real device,
    // not inherit our descriptors.
    m_master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m_master < 0 || ::grantpt(m_master) != 0 || ::unlockpt(m_master) != 0) {
        *error = QStringLiteral("pty: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        closeFds();
        return false;
    }
    char name[128];
    if (::ptsname_r(m_master, name, sizeof name) != 0) {
        *error = QStringLiteral("ptsname: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        closeFds();
        return false;
    }
    m_slavePath = QString::fromLocal8Bit(name);
    m_slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m_slave < 0) {
        *error = QStringLiteral("open %1: %2").arg(m_slavePath, QString::fromLocal8Bit(std::strerror(errno)));
        closeFds();
        return false;
    }
    // Raw from the start: no echo of our presses back to us before the
    // gateway has configured the line itself.
    termios tio;
    if (::tcgetattr(m_slave, &tio) == 0) {
        ::cfmakeraw(&tio);
        ::cfsetispeed(&tio, B115200);
        ::cfsetospeed(&tio, B115200);
        ::tcsetattr(m_slave, TCSANOW, &tio);
    }
    ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);

    m_readNotifier = new QSocketNotifier(m_master, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &PtyPanel::onReadable);
    m_writeNotifier = new QSocketNotifier(m_master, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &PtyPanel::onWritable);
    return true;
}

qint64 PtyPanel::press(int id)
{
    const QByteArray line = pressLine(id);
    const qint64 t0 = MonoClock::nowNs();
    const ssize_t n = ::write(m_master, line.constData(), size_t(line.size()));
    return n == line.size() ? t0 : -1;
}

void PtyPanel::startBurst(const QVector<int> &ids)
{
    m_burstLines.clear();
    m_burstLines.reserve(ids.size());
    for (int id : ids)
        m_burstLines.append(pressLine(id));
    m_burstTimes.fill(-1, ids.size());
    m_burstNext = 0;
    m_burstOffset = 0;
    writeBurst();
}

void PtyPanel::writeBurst()
{
    while (m_burstNext < m_burstLines.size()) {
        const QByteArray &line = m_burstLines.at(m_burstNext);
        const qint64 t0 = MonoClock::nowNs();
        const ssize_t n = ::write(m_master, line.constData() + m_burstOffset,
                                  size_t(line.size() - m_burstOffset));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            // Full (EAGAIN) or broken: wait for room rather than spin.
            m_writeNotifier->setEnabled(true);
            return;
        }
        if (m_burstOffset == 0)
            m_burstTimes[m_burstNext] = t0;
        m_burstOffset += int(n);
        if (m_burstOffset == line.size()) {
            ++m_burstNext;
            m_burstOffset = 0;
        }
    }
    m_writeNotifier->setEnabled(false);
    Q_EMIT progress();
}

void PtyPanel::onWritable()
{
    writeBurst();
}

void PtyPanel::onReadable()
{
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(m_master, buf, sizeof buf);
        const qint64 t1 = MonoClock::nowNs();
        if (n > 0) {
            m_pending.append(buf, int(n));
            int start = 0;
            for (int lf = m_pending.indexOf('\n'); lf >= 0; lf = m_pending.indexOf('\n', start)) {
                handleLine(m_pending.mid(start, lf - start), t1);
                start = lf + 1;
            }
            m_pending.remove(0, start);
            if (m_pending.size() > 4096)
                m_pending.clear();
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        // EIO/EOF cannot happen while we hold the slave; stop listening
        // rather than spin if it does.
        m_readNotifier->setEnabled(false);
        return;
    }
}

void PtyPanel::handleLine(const QByteArray &raw, qint64 ns)
{
    const QByteArray line = raw.endsWith('\r') ? raw.chopped(1) : raw;
    if (line.startsWith("LEDSET ")) {
        bool ok = false;
        const int id = line.mid(7).trimmed().toInt(&ok);
        m_events.append({ns, ok ? id : -2});
        Q_EMIT progress();
    } else if (line == "LEDCLR") {
        m_events.append({ns, -1});
        Q_EMIT progress();
    } else if (line == "PING") {
        // Answer like the firmware does, so a gateway that checks the link is content.
        static const char pong[] = "PONG\n";
        if (::write(m_master, pong, sizeof pong - 1) < 0) { }
        ++m_otherLines;
    } else {
        ++m_otherLines;
    }
}
