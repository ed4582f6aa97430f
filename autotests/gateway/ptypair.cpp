#include "ptypair.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QSocketNotifier>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <pty.h>
#include <termios.h>
#include <unistd.h>

PtyPair::PtyPair(QObject *parent) : QObject(parent)
{
}

PtyPair::~PtyPair()
{
    close();
}

bool PtyPair::open()
{
    char name[128] = {};
    if (::openpty(&m_master, &m_slave, name, nullptr, nullptr) != 0) {
        m_error = QStringLiteral("openpty: %1").arg(QString::fromLocal8Bit(strerror(errno)));
        return false;
    }
    m_slavePath = QString::fromLocal8Bit(name);
    // Not inherited by the gateway we start: a copy of the master there would
    // keep the pty alive after close().
    for (const int fd : { m_master, m_slave })
        ::fcntl(fd, F_SETFD, ::fcntl(fd, F_GETFD) | FD_CLOEXEC);
    // Raw on the master applies to the slave's line discipline too: no echo
    // of what the test writes, no CR→LF translation that would hide CRLF.
    termios attributes;
    if (::tcgetattr(m_master, &attributes) == 0) {
        ::cfmakeraw(&attributes);
        ::tcsetattr(m_master, TCSANOW, &attributes);
    }
    ::fcntl(m_master, F_SETFL, ::fcntl(m_master, F_GETFL) | O_NONBLOCK);
    m_notifier = new QSocketNotifier(m_master, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &PtyPair::readMaster);
    return true;
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
            m_error = QStringLiteral("write: %1").arg(QString::fromLocal8Bit(strerror(errno)));
            return false;
        }
        done += n;
    }
    return true;
}

bool PtyPair::takeLine(QByteArray *line, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    QSignalSpy spy(this, &PtyPair::lineReceived);
    while (m_lines.isEmpty()) {
        const qint64 left = deadline.remainingTime();
        if (left <= 0 || !spy.wait(int(left)))
            break;
    }
    if (m_lines.isEmpty())
        return false;
    *line = m_lines.takeFirst();
    return true;
}

void PtyPair::close()
{
    delete m_notifier;
    m_notifier = nullptr;
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
        if (n > 0) {
            m_partial.append(buffer, n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        // EIO or EOF: nobody holds the slave any more; stop watching rather than spin.
        m_notifier->setEnabled(false);
        break;
    }
    bool any = false;
    qsizetype newline;
    while ((newline = m_partial.indexOf('\n')) >= 0) {
        // A CR is kept: the gateway must write bare LF lines.
        m_lines.append(m_partial.left(newline));
        m_partial.remove(0, newline + 1);
        any = true;
    }
    if (any)
        Q_EMIT lineReceived();
}
