#include "web/metricstext.h"

#include "core/gatewaysnapshot.h"

#include <utility>

namespace {

using Labels = QList<std::pair<const char *, QString>>;

// Every family is written as HELP, TYPE and its samples, in this order, and
// each name once: promtool checks both.
class Writer
{
public:
    void family(const char *name, const char *type, const char *help)
    {
        m_name = QByteArrayLiteral("selection_panel_") + name;
        m_text += "# HELP " + m_name + ' ' + help + "\n# TYPE " + m_name + ' ' + type + '\n';
    }

    template<typename Number>
    void sample(Number value, const Labels &labels = {})
    {
        m_text += m_name;
        if (!labels.isEmpty()) {
            m_text += '{';
            for (qsizetype i = 0; i < labels.size(); ++i) {
                if (i > 0)
                    m_text += ',';
                m_text += labels.at(i).first + QByteArrayLiteral("=\"")
                        + MetricsText::escapeLabelValue(labels.at(i).second).toUtf8() + '"';
            }
            m_text += '}';
        }
        m_text += ' ' + QByteArray::number(value) + '\n';
    }

    void counts(const char *label, const GatewaySnapshot::Counts &counts)
    {
        for (const auto &[value, count] : counts)
            sample(count, { { label, value } });
    }

    QByteArray text() const { return m_text; }

private:
    QByteArray m_name;
    QByteArray m_text;
};

} // namespace

QByteArray MetricsText::contentType()
{
    return QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

QString MetricsText::escapeLabelValue(const QString &value)
{
    QString escaped;
    escaped.reserve(value.size());
    for (const QChar c : value) {
        if (c == u'\\')
            escaped += QLatin1String("\\\\");
        else if (c == u'"')
            escaped += QLatin1String("\\\"");
        else if (c == u'\n')
            escaped += QLatin1String("\\n");
        else
            escaped += c;
    }
    return escaped;
}

QByteArray MetricsText::format(const GatewaySnapshot &s)
{
    const auto flag = [](bool value) { return value ? 1 : 0; };
    Writer w;
    w.family("build_info", "gauge", "Always 1; the labels name the gateway's version and the Qt it runs on.");
    w.sample(1, { { "version", s.version }, { "qt", s.qtVersion } });
    w.family("uptime_seconds", "gauge", "Seconds since the gateway started.");
    w.sample(s.uptimeS);
    w.family("open", "gauge", "1 while the exhibit is open by its opening hours (always, when none are set), else 0.");
    w.sample(flag(s.open));

    w.family("presses_total", "counter",
             "Button presses (panel and /test/play) since start, by what became of them: played, stopped (toggle), "
             "ignored (policy, cool-down, quarantine) or rejected (not a valid ID).");
    w.counts("outcome", s.pressesByOutcome);
    w.family("playbacks_ended_total", "counter",
             "Playbacks ended since start, by how: completed (a browser reported its end), timer (the gateway's "
             "backup end), preempted (a press replaced it) or stopped.");
    w.counts("how", s.playbacksEndedByHow);
    w.family("playing", "gauge", "1 while a sound plays, else 0.");
    w.sample(flag(s.current.has_value()));
    w.family("quarantined_buttons", "gauge", "Buttons whose presses are ignored for now: pressed too often.");
    w.sample(s.quarantined.size());
    w.family("attract", "gauge", "1 while attract mode runs (the LED chase and the dashboards' slideshow), else 0.");
    w.sample(flag(s.attract));

    w.family("serial_connected", "gauge", "1 while the panel's serial port is open, else 0.");
    w.sample(flag(s.panelConnected));
    w.family("serial_responding", "gauge", "1 while the panel's port is open and the panel is not silent, else 0.");
    w.sample(flag(s.panelConnected && s.panelResponding));
    w.family("serial_reconnects_total", "counter",
             "Times the panel's port was opened again since start (after an outage or on another device).");
    w.sample(s.panelReconnects);
    w.family("serial_lines_dropped_total", "counter", "Serial lines over 256 bytes dropped since start.");
    w.sample(s.droppedSerialLines);

    w.family("browsers_connected", "gauge", "Browsers connected on /ws.");
    w.sample(s.browsers);
    w.family("browser_messages_rejected_total", "counter", "Invalid browser messages since start.");
    w.sample(s.rejectedMessages);
    w.family("media_missing_files", "gauge", "Media files (NNN.jpg, NNN.mp3) missing or empty.");
    w.sample(s.missingFiles.size());

    w.family("records_written_total", "counter",
             "Play records committed to the records file since start (0 while stats_db is none).");
    w.sample(s.recordsWritten);
    w.family("records_failed_total", "counter",
             "Play records dropped since start because the records file could not be written.");
    w.sample(s.recordsFailed);

    w.family("listeners_connected", "gauge",
             "Of the browsers connected on /ws, visitors' phones following the exhibit (role=listener).");
    w.sample(s.listeners);
    return w.text();
}
