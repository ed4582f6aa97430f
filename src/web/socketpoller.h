#ifndef SOCKETPOLLER_H
#define SOCKETPOLLER_H

#include <QObject>
#include <QSocketNotifier>

// Watches many sockets through one Linux epoll instance, which Qt's event
// loop sees as one descriptor (docs/websocket.md, "Cost per browser"). Qt's
// own dispatcher polls every descriptor it watches on every pass: with a
// QSocketNotifier per browser, a thousand browsers cost the gateway a
// thousand socket polls before each press, each timer and each message.
// Here a pass costs what is ready, not what is open.
class SocketPoller : public QObject
{
    Q_OBJECT

public:
    // What is told that its socket is ready. Called from the event loop;
    // a watcher that has stopped watching is never called again.
    class Watcher
    {
    public:
        virtual void socketReadable() = 0;
        virtual void socketWritable() = 0;

    protected:
        ~Watcher() = default;
    };

    explicit SocketPoller(QObject *parent = nullptr);
    ~SocketPoller() override;

    bool isValid() const { return m_epoll >= 0; }

    // Watches `descriptor` for reading, and for writing when asked.
    bool watch(int descriptor, Watcher *watcher);
    void watchWrites(int descriptor, Watcher *watcher, bool writes);
    // Before the descriptor is closed.
    void unwatch(int descriptor);

private:
    void dispatch();

    int m_epoll;
    QSocketNotifier m_notifier;
};

#endif // SOCKETPOLLER_H
