#ifndef BENCHREPORT_H
#define BENCHREPORT_H

#include "benchconfig.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

// Turns the raw figures of one or more runs into the medians, the figures
// the issue sets targets for, a table for people and a JSON document.
class BenchReport
{
public:
    BenchReport(const BenchConfig &config, const QList<QJsonObject> &runs,
                const QStringList &problems);

    QJsonObject median() const { return m_median; }
    QList<QJsonObject> runs() const { return m_runs; }
    // The targets against the medians.
    QJsonArray figures() const;
    QString table() const;
    QJsonObject toJson() const;

    static QJsonObject machine();
    // Median of every number found at the same place in each object.
    static QJsonValue medianOf(const QList<QJsonValue> &values);

    double number(const QString &path) const;   // "scenario/key/key", NaN when absent

    // The text table's pieces, shared with CompareReport: a figure ("-" for
    // none) and a row of cells, the first left-aligned.
    static QString formatted(double value, int precision = 3);
    static QString row(const QStringList &cells, const QList<int> &widths);

private:
    BenchConfig m_config;
    QList<QJsonObject> m_runs;
    QStringList m_problems;
    QJsonObject m_median;
};

#endif // BENCHREPORT_H
