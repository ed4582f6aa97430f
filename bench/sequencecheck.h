#ifndef SEQUENCECHECK_H
#define SEQUENCECHECK_H

#include <QVector>

// Lines up what a receiver got against what was sent when IDs repeat (press
// IDs cycle through the media range). Walks both lists; on a mismatch it
// takes the shorter way back into step (skip sent items or skip received
// ones, looking ahead at most `window` items). Afterwards a skipped sent item
// and a skipped received item with the same ID close together count as one
// reordering instead of a loss plus a stray.
class SequenceCheck
{
public:
    SequenceCheck(const QVector<int> &expected, const QVector<int> &received, int window);

    int lost() const { return m_lost; }              // sent, never received
    int reordered() const { return m_reordered; }    // received out of order
    int unexpected() const { return m_unexpected; }  // duplicates and strays
    // Sent position of each received item, or -1 (reordered ones included).
    const QVector<int> &matches() const { return m_matches; }

private:
    int m_lost = 0;
    int m_reordered = 0;
    int m_unexpected = 0;
    QVector<int> m_matches;
};

#endif // SEQUENCECHECK_H
