#ifndef FUZZCHECK_H
#define FUZZCHECK_H

#include <cstdio>
#include <cstdlib>

// An invariant of the code under test. A violation aborts, which libFuzzer
// reports as a crash and saves the input that caused it; Q_ASSERT would be
// compiled out of a release build.
#define FUZZ_CHECK(condition)                                                                  \
    do {                                                                                       \
        if (!(condition)) {                                                                    \
            std::fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__,        \
                         #condition);                                                          \
            std::abort();                                                                      \
        }                                                                                      \
    } while (false)

#endif // FUZZCHECK_H
