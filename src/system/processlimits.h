#ifndef PROCESSLIMITS_H
#define PROCESSLIMITS_H

// The process's own resources as the system sees them: limits set once at
// start, and memory handed back.
namespace ProcessLimits {

// Raises the soft limit on open files as far as the hard limit allows and
// returns it (-1 if it cannot be read). The default soft limit of 1024 is
// for programs that use select(); Qt's event loop uses poll(), so the
// connection limit (docs/http.md) is what a flood of clients should meet,
// not the file-descriptor limit, which would also keep a replugged panel
// from being opened.
long raiseOpenFiles();

// Hands the heap's free pages back to the system (glibc only; elsewhere it
// does nothing). glibc keeps what was freed, so without this the process
// stays near its largest size (docs/websocket.md, "Memory"). It takes a
// moment, which is why callers save it for after a wave of frees.
void releaseFreeMemory();

} // namespace ProcessLimits

#endif // PROCESSLIMITS_H
