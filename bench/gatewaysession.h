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
        // The gateway gets a symlink to the pty instead of its own path, so
        // replugPanel() can take the panel away and bring a new one back at
        // the same path, as a USB re-plug does.
        bool panelLink = false;
    };

    explicit GatewaySession(QObject *parent = nullptr);
    ~GatewaySession() override;

    // The environment every gateway gets: the one the bench was started
    // with, before the bench changed its own.
    static void setChildEnvironment(const QProcessEnvironment &environment);

    // Creates everything and waits until /health answers 200.
    bool start(const Options &options);
    void stop();
    // Closes the panel's pty (the gateway sees a hang-up) and opens a new one
    // behind the same link. Only with Options::panelLink.
    bool replugPanel();

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
    QString m_panelLink;
    quint16 m_port = 0;
    qint64 m_startupNs = -1;
    QString m_error;
};

#endif // GATEWAYSESSION_H
