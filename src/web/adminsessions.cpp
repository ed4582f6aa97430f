#include "web/adminsessions.h"

#include "core/clock.h"

#include <QRandomGenerator>

#include <array>

AdminSessions::AdminSessions(const Clock *clock) : m_clock(clock)
{
}

QByteArray AdminSessions::open()
{
    const qint64 now = m_clock->nowMs();
    if (m_sessions.size() >= MaxSessions) {
        // Expired ones first; if none, the one that ends soonest.
        for (auto it = m_sessions.begin(); it != m_sessions.end();)
            it = it.value() <= now ? m_sessions.erase(it) : std::next(it);
        if (m_sessions.size() >= MaxSessions) {
            auto soonest = m_sessions.begin();
            for (auto it = m_sessions.begin(); it != m_sessions.end(); ++it) {
                if (it.value() < soonest.value())
                    soonest = it;
            }
            m_sessions.erase(soonest);
        }
    }
    std::array<quint32, 8> random;
    QRandomGenerator::system()->fillRange(random.data(), random.size());
    const QByteArray token = QByteArray(reinterpret_cast<const char *>(random.data()), sizeof(random))
                                     .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    m_sessions.insert(token, now + LifetimeMs);
    return token;
}

bool AdminSessions::isValid(const QByteArray &token)
{
    const auto it = m_sessions.find(token);
    if (it == m_sessions.end())
        return false;
    if (it.value() <= m_clock->nowMs()) {
        m_sessions.erase(it);
        return false;
    }
    return true;
}

void AdminSessions::close(const QByteArray &token)
{
    m_sessions.remove(token);
}

QHostAddress AdminSessions::addressKey(const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4); // also a v4-mapped IPv6 one
    if (isV4)
        return QHostAddress(v4);
    Q_IPV6ADDR v6 = address.toIPv6Address();
    for (int i = 8; i < 16; ++i)
        v6[i] = 0;
    return QHostAddress(v6);
}

qint64 AdminSessions::waitMs(const QHostAddress &address) const
{
    const auto it = m_attempts.constFind(addressKey(address));
    if (it == m_attempts.cend())
        return 0;
    return qMax<qint64>(0, it->blockedUntilMs - m_clock->nowMs());
}

qint64 AdminSessions::failed(const QHostAddress &address)
{
    const QHostAddress key = addressKey(address);
    const qint64 now = m_clock->nowMs();
    auto it = m_attempts.find(key);
    if (it != m_attempts.end() && now - it->lastMs > ForgetAfterMs) {
        m_attempts.erase(it);
        it = m_attempts.end();
    }
    if (it == m_attempts.end()) {
        makeRoomForAddress();
        it = m_attempts.insert(key, Attempts());
    }
    ++it->failures;
    it->lastMs = now;
    const int over = it->failures - FreeAttempts;
    if (over < 0)
        return 0;
    // 1 s, 2 s, 4 s … up to five minutes; the shift stops before it overflows.
    const qint64 wait = qMin(MaxWaitMs, FirstWaitMs << qMin(over, 20));
    it->blockedUntilMs = now + wait;
    return wait;
}

void AdminSessions::succeeded(const QHostAddress &address)
{
    m_attempts.remove(addressKey(address));
}

// Full: addresses quiet long enough go first; if none, the one whose last
// wrong password is oldest. Many addresses buy an attacker a few guesses
// each, but never memory.
void AdminSessions::makeRoomForAddress()
{
    if (m_attempts.size() < MaxAddresses)
        return;
    const qint64 now = m_clock->nowMs();
    for (auto it = m_attempts.begin(); it != m_attempts.end();)
        it = now - it->lastMs > ForgetAfterMs ? m_attempts.erase(it) : std::next(it);
    if (m_attempts.size() < MaxAddresses)
        return;
    auto oldest = m_attempts.begin();
    for (auto it = m_attempts.begin(); it != m_attempts.end(); ++it) {
        if (it->lastMs < oldest->lastMs)
            oldest = it;
    }
    m_attempts.erase(oldest);
}
