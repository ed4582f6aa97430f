#ifndef LATENCYSTATS_H
#define LATENCYSTATS_H

#include <QJsonObject>
#include <QVector>

// Latency samples of one kind (nanoseconds) and their percentiles.
class LatencyStats
{
public:
    void add(qint64 ns) { m_samples.append(ns); m_sorted = false; }
    void reserve(int n) { m_samples.reserve(n); }
    int count() const { return m_samples.size(); }

    // Nearest-rank percentile in milliseconds; 0 when there are no samples.
    double percentileMs(double p) const;
    double maxMs() const { return percentileMs(100.0); }

    // {"n", "p50", "p90", "p99", "max"} in milliseconds.
    QJsonObject toJson() const;

private:
    void sort() const;

    mutable QVector<qint64> m_samples;
    mutable bool m_sorted = true;
};

#endif // LATENCYSTATS_H
