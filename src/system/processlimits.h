#ifndef PROCESSLIMITS_H
#define PROCESSLIMITS_H

// Limits of the process itself, set once at start.
namespace ProcessLimits {

// Raises the soft limit on open files as far as the hard limit allows and
// returns it (-1 if it cannot be read). The default soft limit of 1024 is
// for programs that use select(); Qt's event loop uses poll(), so the
// connection limit (docs/http.md) is what a flood of clients should meet,
// not the file-descriptor limit, which would also keep a replugged panel
// from being opened.
long raiseOpenFiles();

} // namespace ProcessLimits

#endif // PROCESSLIMITS_H
