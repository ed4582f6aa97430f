#include "ptypair.h"

#include "monoclock.h"
#include "signalwait.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QSocketNotifier>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

namespace {

QString systemError(const QString &what)
{
    return QStringLiteral("%1: %2").arg(what, QString::fromLocal8Bit(std::strerror(errno)));
}

bool isSupervisionLine(const QByteArray &line)
{
    return line == "VERSION" || line == "PING";
}

} // namespace

PtyPair::PtyPair(QObject *parent) : QObject(parent)
{
}

PtyPair::~PtyPair()
{
    close();
}

bool PtyPair::open()
{
    close();
    m_partial.clear();
    m_lines.clear();
    // CLOEXEC: the gateway must open the slave by its path like a real
    // device; a copy of the master in it would keep the pty alive after close().
    m_master = ::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m_master < 0 || ::grantpt(m_master) != 0 || ::unlockpt(m_master) != 0)
        return fail(systemError(QStringLiteral("pty")));
    char name[128];
    if (::ptsname_r(m_master, name, sizeof name) != 0)
        return fail(systemError(QStringLiteral("ptsname")));
    m_slavePath = QString::fromLocal8Bit(name);
    m_slave = ::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (m_slave < 0)
        return fail(systemError(QStringLiteral("open %1").arg(m_slavePath)));
    // Raw from the start, before the gateway configures the line itself: no
    // echo of what we write, no CR→LF translation that would hide CRLF.
    termios attributes;
    if (::tcgetattr(m_slave, &attributes) == 0) {
        ::cfmakeraw(&attributes);
        ::cfsetispeed(&attributes, B115200);
        ::cfsetospeed(&attributes, B115200);
        ::tcsetattr(m_slave, TCSANOW, &attributes);
    }
    ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);

    m_readNotifier = new QSocketNotifier(m_master, QSocketNotifier::Read, this);
    connect(m_readNotifier, &QSocketNotifier::activated, this, &PtyPair::readMaster);
    m_writeNotifier = new QSocketNotifier(m_master, QSocketNotifier::Write, this);
    m_writeNotifier->setEnabled(false);
    connect(m_writeNotifier, &QSocketNotifier::activated, this, &PtyPair::writable);
    return true;
}

bool PtyPair::fail(const QString &error)
{
    m_error = error;
    close();
    return false;
}

bool PtyPair::write(const QByteArray &data)
{
    if (m_master < 0)
        return false;
    qsizetype done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(m_master, data.constData() + done, size_t(data.size() - done));
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            m_error = systemError(QStringLiteral("write"));
            return false;
        }
        done += n;
    }
    return true;
}

bool PtyPair::feed(const QByteArray &data, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    qsizetype done = 0;
    while (done < data.size()) {
        const qint64 n = writeSome(data.constData() + done, qMin<qint64>(4096, data.size() - done));
        if (n > 0) {
            done += n;
            QCoreApplication::processEvents();
            continue;
        }
        if (n < 0 && errno != EAGAIN) {
            m_error = systemError(QStringLiteral("write"));
            return false;
        }
        const qint64 left = deadline.remainingTime();
        if (left <= 0) {
            m_error = QStringLiteral("the pty took %1 of %2 bytes in time").arg(done).arg(data.size());
            return false;
        }
        // Full: wait until the other side has read some, serving events meanwhile.
        setNotifyWritable(true);
        SignalWait::wait(this, &PtyPair::writable, int(qMin<qint64>(left, 1000)));
        setNotifyWritable(false);
    }
    return true;
}

qint64 PtyPair::writeSome(const char *data, qint64 size)
{
    if (m_master < 0)
        return -1;
    for (;;) {
        const ssize_t n = ::write(m_master, data, size_t(size));
        if (n >= 0 || errno != EINTR)
            return n;
    }
}

void PtyPair::setNotifyWritable(bool enabled)
{
    if (m_writeNotifier)
        m_writeNotifier->setEnabled(enabled);
}

void PtyPair::setReading(bool enabled)
{
    if (m_readNotifier)
        m_readNotifier->setEnabled(enabled);
}

bool PtyPair::takeLine(QByteArray *line, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (m_lines.isEmpty()) {
        const qint64 left = deadline.remainingTime();
        if (left <= 0 || !SignalWait::wait(this, &PtyPair::lineReceived, int(left)))
            break;
    }
    if (m_lines.isEmpty())
        return false;
    *line = m_lines.takeFirst();
    return true;
}

void PtyPair::close()
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

void PtyPair::readMaster()
{
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(m_master, buffer, sizeof buffer);
        const qint64 readNs = MonoClock::nowNs();
        if (n > 0) {
            m_partial.append(buffer, n);
            qsizetype start = 0;
            for (qsizetype lf = m_partial.indexOf('\n'); lf >= 0; lf = m_partial.indexOf('\n', start)) {
                const QByteArray line = m_partial.mid(start, lf - start);
                start = lf + 1;
                if (m_queueLines && (m_queueSupervision || !isSupervisionLine(line)))
                    m_lines.append(line);
                Q_EMIT lineReceived(line, readNs);
                if (m_master < 0)
                    return; // closed by a receiver
            }
            m_partial.remove(0, start);
            // A gateway writing without line ends must not grow this forever.
            if (m_partial.size() > 4096)
                m_partial.clear();
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        // EIO or EOF: nobody holds the slave any more; stop watching rather than spin.
        m_readNotifier->setEnabled(false);
        return;
    }
}
