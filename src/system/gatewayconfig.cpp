#include "system/gatewayconfig.h"

#include "system/adminpassword.h"
#include "system/configlinevalue.h"
#include "system/gatewaysettings.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

#include <optional>

namespace {

// An error message is printed as one line, but a value, a key or a path may
// hold anything: control characters are shown escaped (\n, \x1b).
QString oneLine(const QString &message)
{
    QString line;
    line.reserve(message.size());
    for (const QChar c : message) {
        if (c.unicode() >= 0x20 && c.unicode() != 0x7f)
            line += c;
        else if (c == QLatin1Char('\n'))
            line += QLatin1String("\\n");
        else if (c == QLatin1Char('\r'))
            line += QLatin1String("\\r");
        else if (c == QLatin1Char('\t'))
            line += QLatin1String("\\t");
        else
            line += QStringLiteral("\\x%1").arg(int(c.unicode()), 2, 16, QLatin1Char('0'));
    }
    return line;
}

// QSettings skips a line that is not `key = value` without a word (its
// status says FormatError only after the keys are read) and knows only ';'
// comments. Every line must be blank, a comment (';' or '#'), a [section]
// header or hold a '='; returns an error naming the first that is not.
QString checkLines(const QString &configFile)
{
    QFile file(configFile);
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("invalid --config '%1': %2").arg(configFile, file.errorString());
    QByteArray text = file.readAll();
    if (text.startsWith("\xef\xbb\xbf"))
        text.remove(0, 3);
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        if (line.isEmpty() || line.startsWith(';') || line.startsWith('#') || line.startsWith('[')
            || line.contains('=')) {
            continue;
        }
        QString shown = QString::fromUtf8(line.left(40));
        for (QChar &c : shown) {
            if (!c.isPrint())
                c = u'?';
        }
        return QStringLiteral("invalid --config '%1': line %2 is not 'key = value': '%3%4'")
                .arg(configFile, QString::number(i + 1), shown, line.size() > 40 ? QStringLiteral("...") : QString());
    }
    return {};
}

// The schedule keys hold ';' and ',', which QSettings takes apart: they are
// read as their line writes them.
QString fileValue(const QSettings &file, const QString &key, const QString &name, const QString &configFile)
{
    if (name == QLatin1String("opening-hours") || name == QLatin1String("closed-dates"))
        return ConfigLineValue::read(configFile, name).value_or(file.value(key).toStringList().join(u", "));
    if (name == QLatin1String("languages"))
        return file.value(key).toStringList().join(u',');
    return file.value(key).toString();
}

// A '#' line holding a '=' reaches QSettings as a key that starts with '#'.
bool isHashComment(const QString &key)
{
    return key.section(QLatin1Char('/'), -1).startsWith(QLatin1Char('#'));
}

} // namespace

QString GatewayConfig::defaultStatsDb()
{
    // systemd lists one folder per StateDirectory= entry, separated by ':'.
    QString folder = qEnvironmentVariable("STATE_DIRECTORY").section(QLatin1Char(':'), 0, 0);
    if (folder.isEmpty())
        folder = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    return QDir(folder).filePath(QStringLiteral("stats.sqlite"));
}

GatewayConfig::Result GatewayConfig::parse(const QStringList &arguments, const Defaults &defaults)
{
    Result result;
    GatewayConfig &config = result.config;
    config.mediaDir = defaults.mediaDir;

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Gateway between the selection panel's buttons and the browsers that show and play their media."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption configOption(QStringLiteral("config"),
            QStringLiteral("INI file with the same keys as these options (default: %1 if present).").arg(defaults.configFile),
            QStringLiteral("file"));
    parser.addOption(configOption);
    const QCommandLineOption setAdminPassword(QStringLiteral("set-admin-password"),
            QStringLiteral("Read a new password for the staff console at /admin (from a pipe, or twice from the terminal), store its hash beside the config and exit."));
    parser.addOption(setAdminPassword);
    const QStringList settingNames = GatewaySettings::names();
    for (const QString &name : settingNames) {
        parser.addOption(QCommandLineOption(name, GatewaySettings::description(name, defaults.mediaDir),
                                            GatewaySettings::valueName(name)));
    }

    if (!parser.parse(arguments)) {
        result.message = oneLine(parser.errorText());
        return result;
    }
    if (!parser.positionalArguments().isEmpty()) {
        result.message = oneLine(QStringLiteral("unexpected argument '%1'").arg(parser.positionalArguments().first()));
        return result;
    }
    if (parser.isSet(help)) {
        result.outcome = Outcome::ShowHelp;
        result.message = parser.helpText();
        return result;
    }
    if (parser.isSet(version)) {
        result.outcome = Outcome::ShowVersion;
        return result;
    }

    // Beside the config file in use, or where the default one would be.
    const QString configDirFile = parser.isSet(configOption) ? parser.value(configOption) : defaults.configFile;
    if (!configDirFile.isEmpty())
        config.adminPasswordFile = QFileInfo(configDirFile).absoluteDir().filePath(AdminPassword::fileName());
    if (parser.isSet(setAdminPassword)) {
        result.outcome = Outcome::SetAdminPassword;
        return result;
    }

    std::optional<int> explicitCount;

    // The config file first, so that the command line overrides it.
    QString configFile = parser.value(configOption);
    const bool configGiven = parser.isSet(configOption);
    if (!configGiven && QFileInfo::exists(defaults.configFile))
        configFile = defaults.configFile;
    if (!configFile.isEmpty()) {
        const QFileInfo info(configFile);
        if (!info.isFile() || !info.isReadable()) {
            result.message = oneLine(QStringLiteral("invalid --config '%1': not a readable file").arg(configFile));
            return result;
        }
        result.message = checkLines(configFile);
        if (!result.message.isEmpty())
            return result;
        QSettings file(configFile, QSettings::IniFormat);
        if (file.status() != QSettings::NoError) {
            result.message = oneLine(QStringLiteral("invalid --config '%1': not an INI file").arg(configFile));
            return result;
        }
        const QStringList keys = file.allKeys();
        for (const QString &key : keys) {
            if (isHashComment(key))
                continue;
            const QString name = QString(key).replace(QLatin1Char('_'), QLatin1Char('-'));
            if (!settingNames.contains(name)) {
                result.message = oneLine(QStringLiteral("invalid --config '%1': unknown key '%2'").arg(configFile, key));
                return result;
            }
            const QString error = GatewaySettings::apply(config, name, fileValue(file, key, name, configFile), explicitCount);
            if (!error.isEmpty()) {
                result.message = oneLine(error + QStringLiteral(" (in %1)").arg(configFile));
                return result;
            }
        }
        config.configFile = configFile;
    }

    for (const QString &name : settingNames) {
        if (!parser.isSet(name))
            continue;
        const QString error = GatewaySettings::apply(config, name, parser.value(name), explicitCount);
        if (!error.isEmpty()) {
            result.message = oneLine(error);
            return result;
        }
    }

    if (explicitCount && *explicitCount != config.mediaCount) {
        config.mediaCount = *explicitCount;
        config.mode = QStringLiteral("custom");
    }
    result.outcome = Outcome::Run;
    return result;
}
