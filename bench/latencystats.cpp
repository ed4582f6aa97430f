#include "latencystats.h"

#include "monoclock.h"

#include <algorithm>
#include <cmath>

void LatencyStats::sort() const
{
    if (m_sorted)
        return;
    std::sort(m_samples.begin(), m_samples.end());
    m_sorted = true;
}

double LatencyStats::percentileMs(double p) const
{
    if (m_samples.isEmpty())
        return 0.0;
    sort();
    const int n = m_samples.size();
    int rank = int(std::ceil(p / 100.0 * n));
    rank = std::clamp(rank, 1, n);
    return MonoClock::nsToMs(m_samples.at(rank - 1));
}

QJsonObject LatencyStats::toJson() const
{
    QJsonObject o;
    o[QStringLiteral("n")] = count();
    if (count() > 0) {
        o[QStringLiteral("p50")] = percentileMs(50);
        o[QStringLiteral("p90")] = percentileMs(90);
        o[QStringLiteral("p99")] = percentileMs(99);
        o[QStringLiteral("max")] = maxMs();
    }
    return o;
}
