#include "system/adminpasswordcommand.h"

#include "system/adminpassword.h"

#include <QFileInfo>
#include <QSaveFile>

#include <csignal>
#include <cstdio>

#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

namespace {

// A password longer than this is a mistake (a file piped in by accident).
constexpr qsizetype maxPasswordBytes = 1024;

// The terminal's settings while echo is off, for the signal handler to
// put back: Ctrl-C at the prompt must not leave the shell without echo.
struct termios savedTerminal;
volatile std::sig_atomic_t echoOff = 0;

void restoreTerminalAndDie(int signalNumber)
{
    if (echoOff)
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTerminal);
    std::signal(signalNumber, SIG_DFL);
    std::raise(signalNumber);
}

int fail(int status, const QString &message)
{
    std::fprintf(stderr, "selection-panel: %s\n", qPrintable(message));
    return status;
}

} // namespace

bool AdminPasswordCommand::readLine(bool terminal, const char *prompt, QByteArray *line)
{
    line->clear();
    if (terminal) {
        // Echo off before the prompt: nothing typed after it is ever shown.
        if (::tcgetattr(STDIN_FILENO, &savedTerminal) == 0) {
            struct termios quiet = savedTerminal;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            quiet.c_lflag |= ECHONL;
            std::signal(SIGINT, restoreTerminalAndDie);
            std::signal(SIGTERM, restoreTerminalAndDie);
            std::signal(SIGHUP, restoreTerminalAndDie);
            echoOff = 1;
            ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        std::fputs(prompt, stderr);
        std::fflush(stderr);
    }
    bool gotAny = false;
    for (int c; (c = std::getchar()) != EOF;) {
        gotAny = true;
        if (c == '\n')
            break;
        if (line->size() <= maxPasswordBytes)
            line->append(char(c));
    }
    if (echoOff) {
        ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTerminal);
        echoOff = 0;
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        std::signal(SIGHUP, SIG_DFL);
    }
    if (line->endsWith('\r'))
        line->chop(1);
    return gotAny;
}

QString AdminPasswordCommand::store(const QString &path, const QByteArray &line)
{
    const QFileInfo directory(QFileInfo(path).absolutePath());
    if (!directory.isDir())
        return QStringLiteral("cannot store the admin password: no directory %1").arg(directory.filePath());
    QSaveFile file(path);
    file.setDirectWriteFallback(false); // all or nothing, also in a directory only root may write to
    if (!file.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot store the admin password in %1: %2").arg(path, file.errorString());
    // Set on the new file before it replaces the old, so that it is never
    // readable by others, not even for a moment.
    if (::fchown(file.handle(), uid_t(-1), gid_t(directory.groupId())) != 0) {
        std::fprintf(stderr, "selection-panel: warning: could not give %s the group of %s; the service may not "
                             "be able to read it\n",
                     qPrintable(path), qPrintable(directory.filePath()));
    }
    if (::fchmod(file.handle(), 0640) != 0 || file.write(line + '\n') != line.size() + 1 || !file.commit())
        return QStringLiteral("cannot store the admin password in %1: %2").arg(path, file.errorString());
    return {};
}

int AdminPasswordCommand::run(const QString &path)
{
    if (path.isEmpty())
        return fail(2, QStringLiteral("no configuration directory to store the admin password in; use --config"));
    const bool terminal = ::isatty(STDIN_FILENO) == 1;
    QByteArray password;
    if (!readLine(terminal, "New admin password: ", &password) && password.isEmpty())
        return fail(2, QStringLiteral("no password given on standard input"));
    if (password.isEmpty())
        return fail(2, QStringLiteral("the admin password must not be empty"));
    if (password.size() > maxPasswordBytes)
        return fail(2, QStringLiteral("the admin password is longer than %1 bytes").arg(maxPasswordBytes));
    if (terminal) {
        QByteArray again;
        readLine(terminal, "Once more: ", &again);
        if (again != password)
            return fail(2, QStringLiteral("the two passwords differ; nothing stored"));
    }
    const QString error = store(path, AdminPassword::create(password).toLine());
    if (!error.isEmpty())
        return fail(1, error);
    std::printf("selection-panel: admin password stored in %s; the console at /admin takes it at the next login\n",
                qPrintable(QFileInfo(path).absoluteFilePath()));
    return 0;
}
