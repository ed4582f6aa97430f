#ifndef ADMINPASSWORDCOMMAND_H
#define ADMINPASSWORDCOMMAND_H

#include <QString>

// `selection-panel --set-admin-password` (README.md, "The staff console's password"):
// reads the new password, twice without echo from a terminal or once from
// a pipe, and stores its hash (AdminPassword) in `path`: atomically, mode
// 0640, in the group of the directory, so that the service, a member of
// that group, can read it and nobody else.
class AdminPasswordCommand
{
public:
    // Runs the command; returns the process's exit status: 0 stored,
    // 2 no usable password given, 1 it could not be stored.
    static int run(const QString &path);

private:
    // One line from standard input, without its line end; echo is off
    // while a terminal is read. False at end of input.
    static bool readLine(bool terminal, const char *prompt, QByteArray *line);
    static QString store(const QString &path, const QByteArray &line);
};

#endif // ADMINPASSWORDCOMMAND_H
