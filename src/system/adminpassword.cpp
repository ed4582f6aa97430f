#include "system/adminpassword.h"

#include <QCryptographicHash>
#include <QList>
#include <QPasswordDigestor>
#include <QRandomGenerator>

#include <array>

namespace {

const QByteArray scheme = QByteArrayLiteral("pbkdf2-sha256");

// Every byte is compared, so the time taken tells nothing about how many
// leading bytes of a guess were right.
bool equalInConstantTime(const QByteArray &a, const QByteArray &b)
{
    if (a.size() != b.size())
        return false;
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a.at(i) ^ b.at(i));
    return difference == 0;
}

} // namespace

QByteArray AdminPassword::derive(QByteArrayView password, const QByteArray &salt, int iterations)
{
    return QPasswordDigestor::deriveKeyPbkdf2(QCryptographicHash::Sha256, password.toByteArray(), salt, iterations,
                                              HashBytes);
}

AdminPassword AdminPassword::create(QByteArrayView password, int iterations)
{
    AdminPassword result;
    std::array<quint32, SaltBytes / sizeof(quint32)> random;
    QRandomGenerator::system()->fillRange(random.data(), random.size());
    const QByteArray salt(reinterpret_cast<const char *>(random.data()), SaltBytes);
    result.m_iterations = iterations;
    result.m_salt = salt;
    result.m_hash = derive(password, salt, iterations);
    return result;
}

AdminPassword AdminPassword::parse(QByteArrayView line)
{
    const QList<QByteArray> fields = line.trimmed().toByteArray().split('$');
    if (fields.size() != 4 || fields.at(0) != scheme)
        return {};
    bool ok = false;
    const int iterations = fields.at(1).toInt(&ok);
    if (!ok || iterations < MinIterations || iterations > MaxIterations)
        return {};
    const auto salt = QByteArray::fromBase64Encoding(fields.at(2), QByteArray::AbortOnBase64DecodingErrors);
    const auto hash = QByteArray::fromBase64Encoding(fields.at(3), QByteArray::AbortOnBase64DecodingErrors);
    if (!salt || !hash || (*salt).size() < SaltBytes || (*hash).size() != HashBytes)
        return {};
    AdminPassword result;
    result.m_iterations = iterations;
    result.m_salt = *salt;
    result.m_hash = *hash;
    return result;
}

QByteArray AdminPassword::toLine() const
{
    if (!isValid())
        return {};
    return scheme + '$' + QByteArray::number(m_iterations) + '$' + m_salt.toBase64() + '$' + m_hash.toBase64();
}

bool AdminPassword::verify(QByteArrayView password) const
{
    return isValid() && equalInConstantTime(derive(password, m_salt, m_iterations), m_hash);
}
