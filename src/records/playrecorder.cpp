#include "records/playrecorder.h"

#include "core/clock.h"
#include "records/recordwriter.h"

PlayRecorder::PlayRecorder(const QString &path, const Clock *clock, QObject *parent)
    : QObject(parent), m_path(path), m_clock(clock)
{
    if (path.isEmpty())
        return;
    m_thread.setObjectName(QStringLiteral("records"));
    m_writer = new RecordWriter(path);
    m_writer->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_writer, &QObject::deleteLater);
    connect(m_writer, &RecordWriter::progressed, this, &PlayRecorder::onProgressed);
    m_thread.start();
    QMetaObject::invokeMethod(m_writer, &RecordWriter::open, Qt::QueuedConnection);
    m_gatherTimer.setSingleShot(true);
    m_gatherTimer.setInterval(gatherMs);
    connect(&m_gatherTimer, &QTimer::timeout, this, &PlayRecorder::handOver);
}

PlayRecorder::~PlayRecorder()
{
    if (!m_writer)
        return;
    // Behind every record queued so far; the thread then ends with the file closed.
    handOver();
    QMetaObject::invokeMethod(m_writer, &RecordWriter::close, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void PlayRecorder::recordPress(int id, PanelController::Outcome outcome)
{
    if (!m_writer)
        return;
    queue({ m_clock->wallMs(), id, QStringLiteral("press"), PanelController::nameOf(outcome), std::nullopt });
}

void PlayRecorder::recordEnding(int id, PanelController::Ending how, qint64 listenedMs)
{
    if (!m_writer)
        return;
    queue({ m_clock->wallMs(), id, QStringLiteral("end"), PanelController::nameOf(how), listenedMs });
}

void PlayRecorder::queue(PlayRecord record)
{
    m_gathered.append(std::move(record));
    if (!m_gatherTimer.isActive())
        m_gatherTimer.start();
}

void PlayRecorder::handOver()
{
    m_gatherTimer.stop();
    if (m_gathered.isEmpty())
        return;
    QMetaObject::invokeMethod(
            m_writer,
            [writer = m_writer, batch = std::exchange(m_gathered, {})] {
                for (const PlayRecord &record : batch)
                    writer->append(record);
            },
            Qt::QueuedConnection);
}

void PlayRecorder::onProgressed(quint64 written, quint64 failed, const QString &error)
{
    m_written = written;
    m_failed = failed;
    m_error = error;
    Q_EMIT progressed();
}
