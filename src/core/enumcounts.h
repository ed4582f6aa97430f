#ifndef ENUMCOUNTS_H
#define ENUMCOUNTS_H

#include <QMetaEnum>
#include <QString>
#include <QStringList>
#include <QtGlobal>

#include <map>

// How often each value of a Q_ENUM happened since start, and its name in
// lower case ("played", "timer") as /metrics and the play records write it.
template<typename Enum>
class EnumCounts
{
public:
    void add(Enum value) { ++m_counts[value]; }
    quint64 count(Enum value) const
    {
        const auto it = m_counts.find(value);
        return it == m_counts.end() ? 0 : it->second;
    }

    // Built once: the play records ask for a name at every press.
    static QString nameOf(Enum value)
    {
        static const QStringList names = [] {
            const QMetaEnum meta = QMetaEnum::fromType<Enum>();
            QStringList list;
            for (int i = 0; i < meta.keyCount(); ++i)
                list.append(QString::fromLatin1(meta.key(i)).toLower());
            return list;
        }();
        return names.value(int(value));
    }

private:
    std::map<Enum, quint64> m_counts;
};

#endif // ENUMCOUNTS_H
