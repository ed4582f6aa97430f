#include "sequencecheck.h"

#include <algorithm>
#include <cstdlib>

SequenceCheck::SequenceCheck(const QVector<int> &expected, const QVector<int> &received, int window)
{
    const int n = expected.size();
    const int m = received.size();
    m_matches.fill(-1, m);
    QVector<bool> matched(n, false);

    int i = 0;
    int j = 0;
    while (i < n && j < m) {
        if (expected.at(i) == received.at(j)) {
            matched[i] = true;
            m_matches[j] = i;
            ++i;
            ++j;
            continue;
        }
        // Sent items to skip before this received one fits, and received
        // items to skip before the next sent one fits.
        int skipSent = 0;
        for (int k = 1; k <= window && i + k < n; ++k) {
            if (expected.at(i + k) == received.at(j)) {
                skipSent = k;
                break;
            }
        }
        int skipReceived = 0;
        for (int k = 1; k <= window && j + k < m; ++k) {
            if (received.at(j + k) == expected.at(i)) {
                skipReceived = k;
                break;
            }
        }
        if (skipSent > 0 && (skipReceived == 0 || skipSent <= skipReceived))
            i += skipSent;
        else if (skipReceived > 0)
            j += skipReceived;
        else {
            ++i;
            ++j;
        }
    }

    // Pair the leftovers: the same ID skipped on both sides, near each other,
    // arrived out of order.
    QVector<int> strays;
    for (int r = 0; r < m; ++r)
        if (m_matches.at(r) < 0)
            strays.append(r);
    for (int r : std::as_const(strays)) {
        // Where the stream stood when this item arrived.
        int near = -1;
        for (int q = r; q >= 0 && near < 0; --q)
            near = m_matches.at(q);
        int best = -1;
        for (int e = std::max(0, near - window); e < std::min(n, near + window + 1); ++e) {
            if (!matched.at(e) && expected.at(e) == received.at(r)
                && (best < 0 || std::abs(e - near) < std::abs(best - near)))
                best = e;
        }
        if (best >= 0) {
            matched[best] = true;
            m_matches[r] = best;
            ++m_reordered;
        } else {
            ++m_unexpected;
        }
    }
    m_lost = int(std::count(matched.cbegin(), matched.cend(), false));
}
