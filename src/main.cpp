#include "system/openinghours.h"
#include "core/panelcontroller.h"
#include "core/steadyclock.h"
#include "media/medialibrary.h"
#include "panel/panellink.h"
#include "records/playrecorder.h"
#include "records/statsstore.h"
#include "system/adminpasswordcommand.h"
#include "system/configreloader.h"
#include "system/gatewayconfig.h"
#include "system/logging.h"
#include "system/logtail.h"
#include "system/processlimits.h"
#include "system/systemdnotifier.h"
#include "system/unixsignalwatcher.h"
#include "web/adminapi.h"
#include "web/browserchannel.h"
#include "web/gatewaystatus.h"
#include "web/httpfrontend.h"
#include "web/listenurl.h"
#include "web/statsapi.h"
#include "web/websockethub.h"

#include <QCoreApplication>
#include <QDir>

#include <cstdio>

namespace {

// Started from its build tree the gateway uses the repo's demo media;
// installed, the media lives where the package puts it.
QString defaultMediaDir()
{
    if (QDir(QCoreApplication::applicationDirPath()) == QDir(QStringLiteral(PANEL_BUILD_DIR)))
        return QStringLiteral(PANEL_SOURCE_MEDIA_DIR);
    return QStringLiteral(PANEL_INSTALLED_MEDIA_DIR);
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's own Unix event loop: a headless server gains nothing from GLib's,
    // which costs extra system calls on every socket write.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("selection-panel"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PANEL_VERSION));
    qSetMessagePattern(QStringLiteral("%{if-category}%{category}: %{endif}%{message}"));

    const GatewayConfig::Defaults defaults { defaultMediaDir(), QStringLiteral(PANEL_INSTALLED_CONFIG) };
    const GatewayConfig::Result parsed = GatewayConfig::parse(app.arguments(), defaults);
    switch (parsed.outcome) {
    case GatewayConfig::Outcome::ShowHelp:
        std::fputs(qPrintable(parsed.message), stdout);
        return 0;
    case GatewayConfig::Outcome::ShowVersion:
        std::printf("selection-panel %s\n", PANEL_VERSION);
        return 0;
    case GatewayConfig::Outcome::Error:
        std::fprintf(stderr, "selection-panel: %s\n", qPrintable(parsed.message));
        return 2;
    case GatewayConfig::Outcome::SetAdminPassword:
        return AdminPasswordCommand::run(parsed.config.adminPasswordFile);
    case GatewayConfig::Outcome::Run:
        break;
    }
    const GatewayConfig &config = parsed.config;
    // The last log lines for the staff console, from the first line on.
    LogTail logTail;
    qCInfo(lcConfig).noquote() << QStringLiteral("selection-panel %1, mode %2, IDs %3 to %4%5")
                                          .arg(QStringLiteral(PANEL_VERSION), config.mode)
                                          .arg(config.firstId)
                                          .arg(config.firstId + config.mediaCount - 1)
                                          .arg(config.configFile.isEmpty() ? QString()
                                                                           : QStringLiteral(", config ") + config.configFile);

    MediaLibrary::Options mediaOptions;
    mediaOptions.languages = config.languages;
    mediaOptions.captions = config.captions;
    mediaOptions.languageButton = config.languageButton;
    MediaLibrary media(config.mediaDir, config.firstId, config.mediaCount, mediaOptions);
    SteadyClock clock;
    PanelController controller(&media, &clock, config.pressPolicy);
    controller.setOpeningHours(OpeningHours(config.openingHours, config.closedDates));
    controller.setLanguageButton(config.languageButton, config.languages);
    PanelLink link(config.serialPort, config.baudRate);
    link.setPingInterval(config.pingIntervalS * 1000);
    WebSocketHub hub;
    hub.setMaxListeners(config.maxListeners);
    GatewayStatus status(config.mode, controller, link, hub, media);
    status.setVolume(config.volume);
    BrowserChannel browsers(&status, &media, &hub);
    // Room for every connection allowed, plus the panel, the media files and Qt's own.
    const long openFiles = ProcessLimits::raiseOpenFiles();
    if (openFiles >= 0 && openFiles < config.maxConnections + 64)
        qCWarning(lcApp) << "only" << openFiles << "open files allowed; --max-connections" << config.maxConnections
                         << "needs" << config.maxConnections + 64;
    HttpLimits limits;
    limits.maxConnections = config.maxConnections;
    limits.requestTimeoutMs = config.httpTimeoutS * 1000;
    HttpFrontend http(&controller, &status, media.folder(), limits);
    http.setMetricsEnabled(config.metrics);
    // Play records (docs/architecture.md, "src/records/"): written in their own thread, read for /api/stats.
    PlayRecorder recorder(config.statsDb, &clock);
    status.setRecorder(&recorder);
    StatsStore statsStore(config.statsDb);
    StatsApi statsApi(&statsStore, &clock);
    http.setStatsApi(&statsApi);
    AdminApi admin(&controller, &status, &hub, &logTail, &clock, config.adminPasswordFile);
    http.setAdminApi(&admin);
    SystemdNotifier systemd;
    UnixSignalWatcher signalWatcher;
    ConfigReloader reloader(app.arguments(), defaults, config);

    // A press: panel → controller → panel and browsers (docs/architecture.md).
    QObject::connect(&link, &PanelLink::pressed, &controller, &PanelController::press);
    QObject::connect(&controller, &PanelController::ledSetRequested, &link, &PanelLink::setLed);
    QObject::connect(&controller, &PanelController::ledClearRequested, &link, &PanelLink::clearLeds);
    QObject::connect(&controller, &PanelController::playbackStarted, &browsers, &BrowserChannel::playbackStarted);
    QObject::connect(&controller, &PanelController::playbackStopped, &browsers, &BrowserChannel::playbackStopped);
    QObject::connect(&hub, &WebSocketHub::endedReceived, &controller, &PanelController::ended);
    QObject::connect(&controller, &PanelController::openChanged, &browsers, &BrowserChannel::openChanged);
    QObject::connect(&controller, &PanelController::attractChanged, &browsers, &BrowserChannel::attractChanged);
    QObject::connect(&controller, &PanelController::pressHandled, &recorder, &PlayRecorder::recordPress);
    QObject::connect(&controller, &PanelController::playbackEnded, &recorder, &PlayRecorder::recordEnding);
    QObject::connect(&controller, &PanelController::languageChanged, &browsers, &BrowserChannel::languageChanged);

    // The panel's and the media folder's own news.
    QObject::connect(&link, &PanelLink::ready, &controller, &PanelController::panelReady);
    QObject::connect(&link, &PanelLink::stateChanged, &browsers, &BrowserChannel::panelStateChanged);
    QObject::connect(&media, &MediaLibrary::changed, &browsers, &BrowserChannel::mediaChanged);

    // Browsers: the upgrade on /ws, then a greeting with the current state.
    QObject::connect(&http, &HttpFrontend::webSocketRequested, &hub, &WebSocketHub::handleUpgrade);
    QObject::connect(&hub, &WebSocketHub::clientConnected, &browsers, &BrowserChannel::greet);

    // Signals (README.md): stop, reload (the config, then the media), state.
    QObject::connect(&signalWatcher, &UnixSignalWatcher::terminationRequested, &app, [&](int signalNumber) {
        qCInfo(lcApp) << "stopping on signal" << signalNumber;
        systemd.notifyStopping();
        QCoreApplication::quit();
    });
    QObject::connect(&signalWatcher, &UnixSignalWatcher::reloadRequested, &reloader, &ConfigReloader::reload);
    QObject::connect(&signalWatcher, &UnixSignalWatcher::reloadRequested, &media, &MediaLibrary::rescan);
    QObject::connect(&reloader, &ConfigReloader::serialPortChanged, &link, &PanelLink::reconfigure);
    QObject::connect(&reloader, &ConfigReloader::pingIntervalChanged, &link, &PanelLink::setPingInterval);
    QObject::connect(&reloader, &ConfigReloader::pressPolicyChanged, &controller, &PanelController::setPolicy);
    QObject::connect(&reloader, &ConfigReloader::openingHoursChanged, &controller,
                     [&controller](const QString &hours, const QString &closedDates) {
                         controller.setOpeningHours(OpeningHours(hours, closedDates));
                     });
    QObject::connect(&reloader, &ConfigReloader::volumeChanged, &browsers, [&status, &browsers](int level) {
        status.setVolume(level);
        browsers.volumeChanged(level);
    });
    // The staff console's volume goes the way a reload's does.
    QObject::connect(&admin, &AdminApi::volumeChanged, &browsers, [&status, &browsers](int level) {
        status.setVolume(level);
        browsers.volumeChanged(level);
    });
    QObject::connect(&signalWatcher, &UnixSignalWatcher::statusRequested, &app,
                     [&status] { qCInfo(lcApp).noquote() << "state:" << status.summary(); });

    if (!http.listen(config.httpHost, config.httpPort)) {
        qCCritical(lcHttp).noquote() << http.errorString();
        return 1;
    }
    // Known once the port is: --http-port 0 takes any free one.
    status.setListenUrl(ListenUrl::resolve(config.listenUrl, config.httpHost, http.serverPort()));
    if (config.maxListeners > 0)
        qCInfo(lcHttp).noquote() << "phones listen at" << status.snapshot().listenUrl;
    media.startWatching();
    link.start();
    systemd.notifyReady();
    return app.exec();
}
