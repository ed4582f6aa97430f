#include "system/processlimits.h"

#include <sys/resource.h>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace ProcessLimits {

long raiseOpenFiles()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return -1;
    if (limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0)
            limit = raised;
    }
    return limit.rlim_cur == RLIM_INFINITY ? 1L << 20 : long(limit.rlim_cur);
}

void releaseFreeMemory()
{
#if defined(__GLIBC__)
    // Unlike the automatic trimming at free(), this also hands back free
    // pages in the middle of the heap, where most of it is.
    ::malloc_trim(0);
#endif
}

} // namespace ProcessLimits
