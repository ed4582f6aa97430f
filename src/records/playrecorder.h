#ifndef PLAYRECORDER_H
#define PLAYRECORDER_H

#include "core/panelcontroller.h"

#include "records/playrecord.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QThread>
#include <QTimer>

class Clock;
class RecordWriter;

// The play records' front on the main thread (docs/architecture.md,
// "src/records/"): it stamps each press and each end of a playback with the
// wall-clock time and hands it to a RecordWriter in a thread of its own, so
// that a press never waits for the disk. Records gather for gatherMs before
// they go over together: at a press every few milliseconds the writer's
// thread wakes and commits ten times a second, not at every press, and stays
// off the CPU the press needs. An empty path: recording is off.
class PlayRecorder : public QObject
{
    Q_OBJECT

public:
    static constexpr int gatherMs = 100;

    PlayRecorder(const QString &path, const Clock *clock, QObject *parent = nullptr);
    // Commits the last batch and stops the writer's thread.
    ~PlayRecorder() override;

    bool isEnabled() const { return m_writer != nullptr; }
    QString path() const { return m_path; }
    // Committed to the file, and dropped because it could not be written.
    quint64 written() const { return m_written; }
    quint64 failed() const { return m_failed; }
    // Why the file cannot be written now; empty when it can.
    QString errorString() const { return m_error; }

public Q_SLOTS:
    void recordPress(int id, PanelController::Outcome outcome);
    void recordEnding(int id, PanelController::Ending how, qint64 listenedMs);

Q_SIGNALS:
    // The writer finished a batch (or an attempt): the numbers above changed.
    void progressed();

private:
    void onProgressed(quint64 written, quint64 failed, const QString &error);
    void queue(PlayRecord record);
    void handOver();

    QString m_path;
    const Clock *m_clock;
    QThread m_thread;
    RecordWriter *m_writer = nullptr; // lives in m_thread
    QList<PlayRecord> m_gathered;     // not yet handed to the writer
    QTimer m_gatherTimer;
    quint64 m_written = 0;
    quint64 m_failed = 0;
    QString m_error;
};

#endif // PLAYRECORDER_H
