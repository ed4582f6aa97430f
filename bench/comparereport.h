#ifndef COMPAREREPORT_H
#define COMPAREREPORT_H

#include "benchconfig.h"
#include "benchreport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

// Two gateways measured in alternating pairs, A (--server) and B
// (--compare): the medians of each side over the pairs, figure by figure,
// with their ratio A/B, the targets set relative to B, a table for people
// and a JSON document.
class CompareReport
{
public:
    CompareReport(const BenchConfig &config, const QList<QJsonObject> &runsA,
                  const QList<QJsonObject> &runsB, const QStringList &problems);

    QJsonArray targets() const;
    QString table() const;
    QJsonObject toJson() const;

    // a / b for every number found at the same place in both; null where
    // b is missing or zero.
    static QJsonValue ratios(const QJsonValue &a, const QJsonValue &b);

private:
    struct Row
    {
        QString label;
        QString path;
        double scale;   // from the JSON unit to the shown unit
        int precision;
    };

    QList<Row> rowsOf(const QString &scenario) const;
    QString titleOf(const QString &scenario) const;
    // Why a side could not run a scenario; empty when it could.
    static QString unavailable(const BenchReport &side, const QString &scenario);

    BenchConfig m_config;
    BenchReport m_a;
    BenchReport m_b;
    QStringList m_problems;
};

#endif // COMPAREREPORT_H
