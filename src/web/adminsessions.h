#ifndef ADMINSESSIONS_H
#define ADMINSESSIONS_H

#include <QByteArray>
#include <QHash>
#include <QHostAddress>

class Clock;

// The staff console's logins (docs/http.md, "/admin and /api/admin"):
// sessions by random token, in memory only (a restart logs everybody out),
// and the throttle on wrong passwords, per client address. Both tables are
// bounded, so that no flood of logins or addresses grows them without limit.
// Time comes from the Clock it is given (virtual in the unit tests).
class AdminSessions
{
public:
    static constexpr qint64 LifetimeMs = 12 * 3600 * 1000;
    static constexpr int MaxSessions = 64;
    // Wrong passwords an address may send before it has to wait; then
    // FirstWaitMs, doubled with each further wrong one up to MaxWaitMs.
    static constexpr int FreeAttempts = 5;
    static constexpr qint64 FirstWaitMs = 1000;
    static constexpr qint64 MaxWaitMs = 5 * 60 * 1000;
    static constexpr int MaxAddresses = 1024;
    // An address without a wrong password for this long starts afresh.
    static constexpr qint64 ForgetAfterMs = 3600 * 1000;

    explicit AdminSessions(const Clock *clock);

    // A new session; its token (256 random bits, base64url) for the cookie.
    QByteArray open();
    // Whether `token` is a live session; an expired one is forgotten.
    bool isValid(const QByteArray &token);
    void close(const QByteArray &token);
    int sessionCount() const { return int(m_sessions.size()); }

    // How long `address` must still wait before a password is checked; 0: now.
    qint64 waitMs(const QHostAddress &address) const;
    // A wrong password from `address`; returns the wait it now has.
    qint64 failed(const QHostAddress &address);
    // The right one: the address starts afresh.
    void succeeded(const QHostAddress &address);
    int trackedAddresses() const { return int(m_attempts.size()); }

    // The key for an address: an IPv4 one as such, an IPv6 one by its /64,
    // the block a single client usually has to itself.
    static QHostAddress addressKey(const QHostAddress &address);

private:
    struct Attempts
    {
        int failures = 0;
        qint64 lastMs = 0;
        qint64 blockedUntilMs = 0;
    };

    void makeRoomForAddress();

    const Clock *m_clock;
    QHash<QByteArray, qint64> m_sessions; // token → expiry
    QHash<QHostAddress, Attempts> m_attempts;
};

#endif // ADMINSESSIONS_H
