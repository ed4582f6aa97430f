#ifndef MONOCLOCK_H
#define MONOCLOCK_H

#include <QtGlobal>

// One time base for every timestamp the bench takes: CLOCK_MONOTONIC in
// nanoseconds, read directly so that taking a timestamp costs one vDSO call.
class MonoClock
{
public:
    static qint64 nowNs();
    static double nsToMs(qint64 ns) { return double(ns) / 1e6; }
};

#endif // MONOCLOCK_H
