#ifndef ADMINPASSWORD_H
#define ADMINPASSWORD_H

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// The staff console's password as `admin-password` holds it (docs/http.md,
// "/admin and /api/admin"): one line
// `pbkdf2-sha256$<iterations>$<salt base64>$<hash base64>`, a salted, slow
// hash and never the password itself. The iteration count is stored with
// each hash, so a later release can raise the default and still check the
// files written before.
class AdminPassword
{
public:
    // One check takes about 85 ms on a current x86-64 core and some 300 ms
    // on a Raspberry Pi 4 (docs/http.md, "/admin and /api/admin").
    static constexpr int DefaultIterations = 60000;
    static constexpr int SaltBytes = 16;
    static constexpr int HashBytes = 32;
    // What a stored line may ask for: no cheaper than this, and not so
    // dear that one login attempt stalls the gateway for minutes.
    static constexpr int MinIterations = 1000;
    static constexpr int MaxIterations = 10000000;

    // The file's name in the configuration directory.
    static QString fileName() { return QStringLiteral("admin-password"); }

    AdminPassword() = default;

    // A new hash of `password` with a fresh random salt.
    static AdminPassword create(QByteArrayView password, int iterations = DefaultIterations);
    // A stored line (its line end may be there); !isValid() when malformed.
    static AdminPassword parse(QByteArrayView line);

    bool isValid() const { return m_iterations > 0; }
    int iterations() const { return m_iterations; }
    // The line to store, without its line end.
    QByteArray toLine() const;
    // Whether `password` is the one hashed; takes the same time wherever
    // the first difference is.
    bool verify(QByteArrayView password) const;

private:
    static QByteArray derive(QByteArrayView password, const QByteArray &salt, int iterations);

    int m_iterations = 0;
    QByteArray m_salt;
    QByteArray m_hash;
};

#endif // ADMINPASSWORD_H
