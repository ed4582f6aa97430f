#ifndef GATEWAYSESSION_H
#define GATEWAYSESSION_H

#include "gatewayprocess.h"
#include "mediafolder.h"
#include "progresssource.h"
#include "ptypanel.h"

#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <QUrl>

// One gateway run: its media folder, the pty panel it talks to, the child
// process and the port, up to the first 200 from /health. The gateway is
// started from a command template whose {pty}, {port}, {media}, {count} and
// {first} placeholders are filled in after the template was split like a
// shell does. progress() is emitted when the gateway exits.
class GatewaySession : public ProgressSource
{
    Q_OBJECT

public:
    struct Options
    {
        QString commandTemplate;
        int mediaCount = 100;
        int firstId = 0;
        qint64 bigAudioBytes = 0;
        int healthTimeoutMs = 10000;
        QString logPath;   // empty: a temporary file
    };

    explicit GatewaySession(QObject *parent = nullptr);
    ~GatewaySession() override;

    // The environment every gateway gets: the one the bench was started
    // with, before the bench changed its own.
    static void setChildEnvironment(const QProcessEnvironment &environment);

    // Creates everything and waits until /health answers 200.
    bool start(const Options &options);
    void stop();

    QString errorString() const { return m_error; }
    qint64 startupNs() const { return m_startupNs; }   // exec to first 200
    quint16 port() const { return m_port; }
    QUrl wsUrl() const;
    qint64 pid() const { return m_gateway.pid(); }
    bool isRunning() const { return m_gateway.isRunning(); }
    PtyPanel *panel() { return &m_panel; }
    GatewayProcess *gateway() { return &m_gateway; }
    QString mediaPath() const { return m_media.path(); }
    QString logTail(int lines = 15) const { return m_gateway.logTail(lines); }

private:
    MediaFolder m_media;
    QTemporaryDir m_logDir;
    PtyPanel m_panel;
    GatewayProcess m_gateway;
    quint16 m_port = 0;
    qint64 m_startupNs = -1;
    QString m_error;
};

#endif // GATEWAYSESSION_H
