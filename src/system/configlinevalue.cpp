#include "system/configlinevalue.h"

#include <QFile>

std::optional<QString> ConfigLineValue::read(const QString &configFile, const QString &name)
{
    QFile file(configFile);
    if (!file.open(QIODevice::ReadOnly))
        return std::nullopt;
    const QString wanted = QString(name).replace(u'_', u'-');
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype equals = line.indexOf('=');
        if (equals < 0)
            continue;
        // A byte-order mark may precede the first key.
        if (QString::fromUtf8(line.left(equals)).remove(QChar(0xfeff)).trimmed().replace(u'_', u'-') != wanted)
            continue;
        QString value = QString::fromUtf8(line.mid(equals + 1)).trimmed();
        if (value.size() >= 2 && value.startsWith(u'"') && value.endsWith(u'"'))
            value = value.mid(1, value.size() - 2);
        return value;
    }
    return std::nullopt;
}
