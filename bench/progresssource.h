#ifndef PROGRESSSOURCE_H
#define PROGRESSSOURCE_H

#include <QObject>

// Something EventWait can watch: it emits progress() whenever a condition
// that a wait depends on may have changed.
class ProgressSource : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

Q_SIGNALS:
    void progress();
};

#endif // PROGRESSSOURCE_H
