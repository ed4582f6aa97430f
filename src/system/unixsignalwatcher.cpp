#include "system/unixsignalwatcher.h"

#include "system/logging.h"

#include <cerrno>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace {
constexpr int watchedSignals[] = { SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1 };
} // namespace

int UnixSignalWatcher::s_fds[2] = { -1, -1 };

UnixSignalWatcher::UnixSignalWatcher(QObject *parent)
    : QObject(parent)
{
    // Whatever happens below: a write to a closed socket or pipe must fail
    // with EPIPE, not end the process.
    ::signal(SIGPIPE, SIG_IGN);

    // Non-blocking: a flood of signals must not stall the handler once the
    // pair is full; the signals that do get through are enough.
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, s_fds) != 0) {
        qCWarning(lcApp) << "cannot watch signals:" << strerror(errno);
        return;
    }
    m_notifier = new QSocketNotifier(s_fds[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &UnixSignalWatcher::onActivated);

    struct sigaction action = {};
    action.sa_handler = &UnixSignalWatcher::handle;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    for (const int signalNumber : watchedSignals)
        ::sigaction(signalNumber, &action, nullptr);
}

UnixSignalWatcher::~UnixSignalWatcher()
{
    if (!m_notifier)
        return;
    for (const int signalNumber : watchedSignals)
        ::signal(signalNumber, SIG_DFL);
    ::close(s_fds[0]);
    ::close(s_fds[1]);
    s_fds[0] = s_fds[1] = -1;
}

void UnixSignalWatcher::handle(int signalNumber)
{
    // Only async-signal-safe calls here; errno belongs to the interrupted code.
    const int savedErrno = errno;
    const char byte = char(signalNumber);
    [[maybe_unused]] const ssize_t written = ::write(s_fds[0], &byte, 1);
    errno = savedErrno;
}

void UnixSignalWatcher::onActivated()
{
    char byte = 0;
    if (::read(s_fds[1], &byte, 1) != 1)
        return;
    const int signalNumber = byte;
    switch (signalNumber) {
    case SIGHUP:
        Q_EMIT reloadRequested();
        break;
    case SIGUSR1:
        Q_EMIT statusRequested();
        break;
    default:
        Q_EMIT terminationRequested(signalNumber);
        break;
    }
}
