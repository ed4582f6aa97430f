#include "loopbackbaseline.h"

#include "baselineserver.h"
#include "eventwait.h"
#include "latencystats.h"
#include "monoclock.h"
#include "ptypanel.h"
#include "wsclientpool.h"

#include <QSocketNotifier>
#include <QThread>

#include <limits>

#include <fcntl.h>
#include <unistd.h>

LoopbackBaseline::LoopbackBaseline(QObject *parent)
    : ProgressSource(parent)
{
}

QJsonObject LoopbackBaseline::runPty(int iterations, int intervalMs, int timeoutMs)
{
    QJsonObject out;
    PtyPanel panel;
    QString error;
    if (!panel.open(&error)) {
        out[QStringLiteral("error")] = error;
        return out;
    }
    const int slave = ::open(panel.slavePath().toLocal8Bit().constData(),
                             O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (slave < 0) {
        out[QStringLiteral("error")] = QStringLiteral("cannot open %1").arg(panel.slavePath());
        return out;
    }
    QByteArray pending;
    int writeErrors = 0;
    QSocketNotifier notifier(slave, QSocketNotifier::Read);
    connect(&notifier, &QSocketNotifier::activated, this, [&] {
        char buf[1024];
        ssize_t n;
        while ((n = ::read(slave, buf, sizeof buf)) > 0)
            pending.append(buf, int(n));
        int lf;
        while ((lf = pending.indexOf('\n')) >= 0) {
            const QByteArray line = pending.left(lf);
            pending.remove(0, lf + 1);
            if (line.startsWith("PRESS ")) {
                const QByteArray reply = "LEDSET " + line.mid(6) + '\n';
                // A reply the pty does not take shows up as lost.
                if (::write(slave, reply.constData(), size_t(reply.size())) != reply.size())
                    ++writeErrors;
            }
        }
    });

    LatencyStats ledset;
    int lost = 0;
    const qint64 begin = MonoClock::nowNs();
    for (int i = 0; i < iterations; ++i) {
        EventWait::untilNs(begin + qint64(i) * intervalMs * 1000000);
        panel.clearEvents();
        const int id = i % 100;
        const qint64 t0 = panel.press(id);
        const auto replyNs = [&] {
            for (const PtyPanel::LedEvent &e : panel.events())
                if (e.id == id)
                    return e.ns;
            return qint64(-1);
        };
        EventWait::until([&] { return replyNs() >= 0; }, timeoutMs, {&panel});
        if (t0 >= 0 && replyNs() >= 0)
            ledset.add(replyNs() - t0);
        else
            ++lost;
    }
    ::close(slave);
    out[QStringLiteral("iterations")] = iterations;
    out[QStringLiteral("lost")] = lost;
    out[QStringLiteral("write_errors")] = writeErrors;
    out[QStringLiteral("ledset")] = ledset.toJson();
    return out;
}

QJsonObject LoopbackBaseline::runWebSocket(int clients, int iterations, int intervalMs,
                                           int timeoutMs)
{
    QJsonObject out;
    QThread thread;
    BaselineServer server;
    server.moveToThread(&thread);
    connect(&server, &BaselineServer::endedReceived, this, &LoopbackBaseline::progress);
    thread.start();
    bool listening = false;
    QMetaObject::invokeMethod(&server, &BaselineServer::listen, Qt::BlockingQueuedConnection,
                              &listening);
    const auto finish = [&] {
        QMetaObject::invokeMethod(&server, &BaselineServer::shutdown, Qt::BlockingQueuedConnection);
        thread.quit();
        thread.wait();
    };
    if (!listening) {
        finish();
        out[QStringLiteral("error")] = QStringLiteral("baseline server cannot listen");
        return out;
    }

    WsClientPool pool;
    pool.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(server.port())), clients);
    if (!EventWait::until([&] { return pool.readyCount() + pool.failedCount() >= clients; },
                          10000, {&pool})
        || pool.failedCount() > 0) {
        pool.closeAll();
        finish();
        out[QStringLiteral("error")] = QStringLiteral("baseline clients did not connect");
        return out;
    }

    LatencyStats first, last, ended;
    int lost = 0;
    const qint64 begin = MonoClock::nowNs();
    for (int i = 0; i < iterations; ++i) {
        EventWait::untilNs(begin + qint64(i) * intervalMs * 1000000);
        const int id = i % 100;
        pool.clearPlays();
        pool.setPlayTarget(clients);
        QMetaObject::invokeMethod(&server, [&server, id] { server.broadcast(id); },
                                  Qt::QueuedConnection);
        if (!EventWait::until([&] { return pool.playTotal() >= clients; }, timeoutMs, {&pool})) {
            ++lost;
            continue;
        }
        const qint64 t0 = server.broadcastNs();
        qint64 lo = std::numeric_limits<qint64>::max(), hi = 0;
        for (int c = 0; c < clients; ++c) {
            const qint64 ns = pool.plays(c).value(0).ns;
            lo = qMin(lo, ns);
            hi = qMax(hi, ns);
        }
        first.add(lo - t0);
        last.add(hi - t0);
        const qint64 before = server.endedNs();
        const qint64 te = pool.sendEnded(0, id);
        if (EventWait::until([&] { return server.endedNs() != before; }, timeoutMs, {this}))
            ended.add(server.endedNs() - te);
        else
            ++lost;
    }
    pool.closeAll();
    finish();
    out[QStringLiteral("clients")] = clients;
    out[QStringLiteral("iterations")] = iterations;
    out[QStringLiteral("lost")] = lost;
    out[QStringLiteral("play_first")] = first.toJson();
    out[QStringLiteral("play_last")] = last.toJson();
    out[QStringLiteral("ended_to_server")] = ended.toJson();
    return out;
}
