// The gateway's configuration (README.md, "Configuration"): an INI file of
// any content, and any extra command-line arguments, through
// GatewayConfig::parse. It must never crash and must end in Run with values
// in range, or Error with one line that says why.
//
// Input: the config file's bytes, then optionally a NUL byte and the extra
// arguments, NUL-separated. A --config among them is left out: it would read
// any file on this machine.

#include "fuzzcheck.h"

#include "system/openinghours.h"
#include "system/gatewayconfig.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <cstddef>
#include <cstdint>

namespace {

QTemporaryDir *folder()
{
    static QTemporaryDir dir;
    return &dir;
}

bool isOption(const QString &argument)
{
    return argument.startsWith(QLatin1Char('-'));
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    // QSettings and QCommandLineParser expect an application object.
    static int argc = 1;
    static char name[] = "selection-panel";
    static char *argv[] = { name, nullptr };
    new QCoreApplication(argc, argv); // lives as long as the process
    QCoreApplication::setApplicationVersion(QStringLiteral("0.0.0"));
    if (!folder()->isValid())
        qFatal("no temporary folder: %s", qPrintable(folder()->errorString()));
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype nul = input.indexOf('\0');
    const QByteArray content = nul < 0 ? input : input.left(nul);

    // A new name each time: QSettings caches files by name.
    static quint64 counter = 0;
    const QString configFile = folder()->filePath(QStringLiteral("%1.conf").arg(++counter));
    {
        QFile file(configFile);
        FUZZ_CHECK(file.open(QIODevice::WriteOnly) && file.write(content) == content.size());
    }

    QStringList arguments{ QStringLiteral("selection-panel"), QStringLiteral("--config"), configFile };
    bool anyOption = false;
    if (nul >= 0) {
        const QList<QByteArray> extra = input.mid(nul + 1).split('\0');
        for (const QByteArray &bytes : extra) {
            const QString argument = QString::fromUtf8(bytes);
            QString name = argument;
            while (name.startsWith(QLatin1Char('-')))
                name.remove(0, 1);
            if (isOption(argument) && name.startsWith(QLatin1String("config")))
                continue;
            anyOption = anyOption || isOption(argument);
            arguments.append(argument);
        }
    }

    const GatewayConfig::Defaults defaults{ QStringLiteral("/nonexistent/media"),
                                            folder()->filePath(QStringLiteral("absent.conf")) };
    const GatewayConfig::Result result = GatewayConfig::parse(arguments, defaults);
    QFile::remove(configFile);

    switch (result.outcome) {
    case GatewayConfig::Outcome::Run: {
        const GatewayConfig &config = result.config;
        FUZZ_CHECK(config.configFile == configFile);
        FUZZ_CHECK(!config.serialPort.isEmpty() && config.serialPort == config.serialPort.trimmed());
        FUZZ_CHECK(config.baudRate >= 50 && config.baudRate <= 4000000);
        FUZZ_CHECK(!config.httpHost.isNull());
        FUZZ_CHECK(!config.mediaDir.isEmpty());
        FUZZ_CHECK(config.mediaCount >= 1 && config.mediaCount <= 999);
        FUZZ_CHECK(config.firstId == 0 || config.firstId == 1);
        FUZZ_CHECK((config.mode == QLatin1String("prototype") && config.mediaCount == 10)
                   || (config.mode == QLatin1String("production") && config.mediaCount == 100)
                   || config.mode == QLatin1String("custom"));
        FUZZ_CHECK(config.volume >= 0 && config.volume <= 100);
        // A schedule that passed is one the controller takes as it is, and
        // its next change is a change.
        OpeningHours hours;
        hours.setTimeZone(QTimeZone("Europe/Berlin"));
        FUZZ_CHECK(hours.setHours(config.openingHours).isEmpty());
        FUZZ_CHECK(hours.setClosedDates(config.closedDates).isEmpty());
        const QDateTime now = QDateTime::fromMSecsSinceEpoch(1774742400000); // 2026-03-29T00:00Z, a DST night
        const QDateTime next = hours.nextChange(now);
        FUZZ_CHECK(!next.isValid() || (next > now && hours.isOpen(next) != hours.isOpen(now)));
        break;
    }
    case GatewayConfig::Outcome::Error:
        // main() prints it as the one line that names what is wrong.
        FUZZ_CHECK(!result.message.isEmpty());
        FUZZ_CHECK(!result.message.contains(QLatin1Char('\n')));
        break;
    case GatewayConfig::Outcome::ShowHelp:
    case GatewayConfig::Outcome::ShowVersion:
        // Only on request, never from a config file.
        FUZZ_CHECK(anyOption);
        break;
    case GatewayConfig::Outcome::SetAdminPassword:
        // The same, and always beside the config file given.
        FUZZ_CHECK(anyOption);
        FUZZ_CHECK(QFileInfo(result.config.adminPasswordFile).dir() == QFileInfo(configFile).dir());
        break;
    }
    return 0;
}
