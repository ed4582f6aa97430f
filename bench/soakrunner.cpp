#include "soakrunner.h"

#include "eventwait.h"
#include "gatewaysession.h"
#include "monoclock.h"
#include "procstats.h"

#include <QDir>
#include <QFile>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>

#include <cstdio>

namespace {
// Per hour of soak, scaled to its length.
constexpr double pressesPerHour = 100000;
constexpr double connectsPerHour = 5000;
constexpr double replugsPerHour = 100;
constexpr double mediaChangesPerHour = 20;
// Long enough for the gateway to close silent clients (its 10 s timeout).
constexpr int quietMs = 13000;

int everyMs(double perHour, int minutes)
{
    const double count = qMax(1.0, perHour * minutes / 60.0);
    return qMax(1, int(minutes * 60000.0 / count));
}

QJsonObject toJson(qint64 seconds, qint64 rssKb, int fds)
{
    return { { QStringLiteral("t_s"), seconds }, { QStringLiteral("rss_kb"), rssKb }, { QStringLiteral("fds"), fds } };
}
} // namespace

SoakRunner::SoakRunner(const BenchConfig &config, QObject *parent) : QObject(parent), m_config(config)
{
}

SoakRunner::Sample SoakRunner::sample(const GatewaySession &session) const
{
    Sample s;
    s.seconds = (MonoClock::nowNs() - m_startNs) / 1000000000;
    s.rssKb = ProcStats::rssKb(session.pid());
    const QDir fds(QStringLiteral("/proc/%1/fd").arg(session.pid()));
    s.fds = fds.exists() ? int(fds.entryList(QDir::System | QDir::NoDotAndDotDot).size()) : -1;
    return s;
}

// Everything the soak keeps open is let go; the gateway's timeouts close
// what is left; then the figures are taken.
SoakRunner::Sample SoakRunner::quietSample(GatewaySession &session)
{
    m_paused = true;
    closeChurn();
    for (QWebSocket *socket : std::as_const(m_slow))
        socket->deleteLater();
    m_slow.clear();
    EventWait::forMs(quietMs);
    const Sample quiet = sample(session);
    m_paused = false;
    return quiet;
}

void SoakRunner::closeChurn()
{
    for (QWebSocket *socket : std::as_const(m_churn)) {
        socket->close();
        socket->deleteLater();
    }
    m_churn.clear();
}

void SoakRunner::press(GatewaySession &session)
{
    const int id = m_config.firstId + QRandomGenerator::global()->bounded(m_config.mediaCount);
    if (session.panel()->press(id) >= 0)
        ++m_presses;
}

// A browser comes, stays for a few of these rounds, and goes.
void SoakRunner::churnBrowser(GatewaySession &session)
{
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    socket->open(session.wsUrl());
    m_churn.append(socket);
    ++m_connects;
    if (m_churn.size() > 10) {
        QWebSocket *oldest = m_churn.takeFirst();
        oldest->close();
        oldest->deleteLater();
    }
}

// A browser that connects and never reads: the gateway must let it go.
void SoakRunner::openSlowBrowser(GatewaySession &session)
{
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    socket->setReadBufferSize(1);
    connect(socket, &QWebSocket::disconnected, this, [this, socket] {
        ++m_dropped;
        m_slow.removeOne(socket);
        socket->deleteLater();
    });
    socket->open(session.wsUrl());
    m_slow.append(socket);
}

// A client that opens a connection and sends nothing, or half a request.
void SoakRunner::openSilentClient(GatewaySession &session, bool slowloris)
{
    auto *socket = new QTcpSocket(this);
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        m_silent.removeOne(socket);
        socket->deleteLater();
    });
    if (slowloris)
        connect(socket, &QTcpSocket::connected, socket, [socket] { socket->write("GET / HTTP/1.1\r\nX-Slow: "); });
    socket->connectToHost(QHostAddress::LocalHost, session.port());
    m_silent.append(socket);
}

// A curator replaces a picture, or takes a sound away and brings it back.
void SoakRunner::changeMedia(GatewaySession &session)
{
    const QDir media(session.mediaPath());
    const QString base = QString::number(m_config.firstId).rightJustified(3, QLatin1Char('0'));
    if (m_mediaChanges % 2 == 0) {
        QFile picture(media.filePath(base + QStringLiteral(".jpg")));
        if (picture.open(QIODevice::WriteOnly | QIODevice::Truncate))
            picture.write(QByteArray("\xff\xd8\xff\xe0 soak ") + QByteArray::number(m_mediaChanges));
    } else {
        const QString sound = media.filePath(base + QStringLiteral(".mp3"));
        const QString aside = media.filePath(QStringLiteral(".soak-aside"));
        QFile::rename(sound, aside);
        QTimer::singleShot(2000, this, [sound, aside] { QFile::rename(aside, sound); });
    }
    ++m_mediaChanges;
}

void SoakRunner::pollHealth(GatewaySession &session)
{
    auto *socket = new QTcpSocket(this);
    auto *answer = new QByteArray;
    connect(socket, &QTcpSocket::connected, socket,
            [socket] { socket->write("GET /health HTTP/1.1\r\nHost: soak\r\nConnection: close\r\n\r\n"); });
    // Read as it comes: what arrives with the closing FIN may be gone by `disconnected`.
    connect(socket, &QTcpSocket::readyRead, socket, [socket, answer] { answer->append(socket->readAll()); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket, answer] {
        answer->append(socket->readAll());
        if (answer->startsWith("HTTP/1.1 200"))
            ++m_healthOk;
        else
            ++m_healthOther; // 503 while the panel is unplugged, for one
        delete answer;
        socket->deleteLater();
    });
    socket->connectToHost(QHostAddress::LocalHost, session.port());
}

QJsonObject SoakRunner::run()
{
    const int minutes = m_config.soakMinutes;
    QJsonObject out;
    GatewaySession session;
    GatewaySession::Options options;
    options.commandTemplate = m_config.serverTemplate;
    options.mediaCount = m_config.mediaCount;
    options.firstId = m_config.firstId;
    options.panelLink = true; // a stable path, so the panel can be replugged
    if (!m_config.logDir.isEmpty()) {
        QDir().mkpath(m_config.logDir);
        options.logPath = QDir(m_config.logDir).filePath(QStringLiteral("soak.log"));
    }
    if (!session.start(options)) {
        m_problems << QStringLiteral("soak: %1").arg(session.errorString());
        return out;
    }
    m_startNs = MonoClock::nowNs();

    // One browser that stays all day and reports every other sound as ended.
    QWebSocket observer;
    connect(&observer, &QWebSocket::textMessageReceived, this, [this, &observer](const QString &message) {
        if (!message.contains(QLatin1String("\"type\":\"play\"")))
            return;
        if (++m_plays % 2 == 0) {
            const qsizetype at = message.indexOf(QLatin1String("\"id\":"));
            const int id = QStringView(message).mid(at + 5).toString().section(QLatin1Char(','), 0, 0).toInt();
            observer.sendTextMessage(QStringLiteral("{\"type\":\"ended\",\"id\":%1}").arg(id));
        }
    });
    observer.open(session.wsUrl());

    const Sample start = quietSample(session);
    std::fprintf(stderr, "panel-bench: soak for %d min: start RSS %lld kB, %d fds\n", minutes,
                 static_cast<long long>(start.rssKb), start.fds);

    QList<QTimer *> timers;
    // The timers run throughout, so that intervals longer than half the soak
    // still fire; during the quiet pauses their actions are skipped.
    const auto every = [&](int ms, const std::function<void()> &action) {
        auto *timer = new QTimer(this);
        timer->setInterval(ms);
        connect(timer, &QTimer::timeout, this, [this, action] {
            if (!m_paused)
                action();
        });
        timers.append(timer);
    };
    every(everyMs(pressesPerHour, minutes), [&] { press(session); });
    every(everyMs(connectsPerHour, minutes), [&] { churnBrowser(session); });
    every(everyMs(replugsPerHour, minutes), [&] {
        session.replugPanel();
        ++m_replugs;
    });
    every(everyMs(mediaChangesPerHour, minutes), [&] { changeMedia(session); });
    every(30000, [&] {
        if (m_slow.size() < 2)
            openSlowBrowser(session);
    });
    every(5000, [&] { openSilentClient(session, m_silent.size() % 2 == 1); });
    every(5000, [&] { pollHealth(session); });
    every(60000, [&] {
        const Sample s = sample(session);
        m_series.append(toJson(s.seconds, s.rssKb, s.fds));
        std::fprintf(stderr, "panel-bench: soak %lld s: RSS %lld kB, %d fds, %lld presses, %lld plays\n",
                     static_cast<long long>(s.seconds), static_cast<long long>(s.rssKb), s.fds,
                     static_cast<long long>(m_presses), static_cast<long long>(m_plays));
    });

    for (QTimer *timer : std::as_const(timers))
        timer->start();
    const int halfMs = minutes * 30000;
    EventWait::forMs(halfMs);
    const Sample middle = quietSample(session);
    EventWait::forMs(halfMs);
    const Sample end = quietSample(session);
    for (QTimer *timer : std::as_const(timers))
        timer->stop();
    const bool alive = session.isRunning();
    session.stop();

    out[QStringLiteral("minutes")] = minutes;
    out[QStringLiteral("start")] = toJson(start.seconds, start.rssKb, start.fds);
    out[QStringLiteral("middle")] = toJson(middle.seconds, middle.rssKb, middle.fds);
    out[QStringLiteral("end")] = toJson(end.seconds, end.rssKb, end.fds);
    out[QStringLiteral("series")] = m_series;
    out[QStringLiteral("presses")] = m_presses;
    out[QStringLiteral("plays")] = m_plays;
    out[QStringLiteral("browser_connects")] = m_connects;
    out[QStringLiteral("replugs")] = m_replugs;
    out[QStringLiteral("media_changes")] = m_mediaChanges;
    out[QStringLiteral("slow_browsers_dropped")] = m_dropped;
    out[QStringLiteral("health_ok")] = m_healthOk;
    out[QStringLiteral("health_other")] = m_healthOther;
    out[QStringLiteral("rss_growth_kb")] = end.rssKb - middle.rssKb;
    out[QStringLiteral("fd_growth")] = end.fds - middle.fds;

    if (!alive)
        m_problems << QStringLiteral("soak: the gateway died: %1").arg(session.logTail());
    if (m_presses == 0 || m_plays == 0)
        m_problems << QStringLiteral("soak: nothing was played");
    return out;
}
