#include "web/socketpoller.h"

#include "system/logging.h"

#include <sys/epoll.h>
#include <unistd.h>

namespace {
// Events taken per pass; the rest wait for the next one (level-triggered),
// so that a wave of messages does not hold the loop from the panel.
constexpr int eventsPerPass = 256;
} // namespace

SocketPoller::SocketPoller(QObject *parent)
    : QObject(parent), m_epoll(::epoll_create1(EPOLL_CLOEXEC)), m_notifier(m_epoll, QSocketNotifier::Read)
{
    if (m_epoll < 0)
        qCCritical(lcWs) << "cannot watch WebSocket connections: epoll_create1 failed:" << qt_error_string(errno);
    m_notifier.setEnabled(m_epoll >= 0);
    connect(&m_notifier, &QSocketNotifier::activated, this, &SocketPoller::dispatch);
}

SocketPoller::~SocketPoller()
{
    m_notifier.setEnabled(false);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool SocketPoller::watch(int descriptor, Watcher *watcher)
{
    epoll_event event {};
    event.events = EPOLLIN;
    event.data.ptr = watcher;
    return ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, descriptor, &event) == 0;
}

void SocketPoller::watchWrites(int descriptor, Watcher *watcher, bool writes)
{
    epoll_event event {};
    event.events = writes ? EPOLLIN | EPOLLOUT : EPOLLIN;
    event.data.ptr = watcher;
    ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, descriptor, &event);
}

void SocketPoller::unwatch(int descriptor)
{
    ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, descriptor, nullptr);
}

void SocketPoller::dispatch()
{
    epoll_event events[eventsPerPass];
    const int ready = ::epoll_wait(m_epoll, events, eventsPerPass, 0);
    for (int i = 0; i < ready; ++i) {
        // Watchers are deleted later, from the event loop, never during a
        // pass: one that stopped watching earlier in this pass ignores it.
        auto *watcher = static_cast<Watcher *>(events[i].data.ptr);
        if (events[i].events & EPOLLOUT)
            watcher->socketWritable();
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
            watcher->socketReadable();
    }
}
