#include "system/logtail.h"

#include <QLoggingCategory>
#include <QTest>

namespace {
Q_LOGGING_CATEGORY(lcTest, "panel.test", QtInfoMsg)

// What reached the handler in place before the tail.
QStringList passedOn;
void previousHandler(QtMsgType, const QMessageLogContext &, const QString &message)
{
    passedOn.append(message);
}
} // namespace

// The last log lines for the staff console (docs/http.md, "/admin and
// /api/admin"): formatted by the message pattern, oldest first, bounded, and
// every message still handed on.
class tst_LogTail : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void keepsLastLines();
    void passesEveryMessageOn();
    void cutsLongLines();
    void uninstallsItself();

private:
    QtMessageHandler m_before = nullptr;
};

void tst_LogTail::init()
{
    passedOn.clear();
    qSetMessagePattern(QStringLiteral("%{if-category}%{category}: %{endif}%{message}"));
    m_before = qInstallMessageHandler(previousHandler);
}

void tst_LogTail::cleanup()
{
    qInstallMessageHandler(m_before);
}

void tst_LogTail::keepsLastLines()
{
    LogTail tail(3);
    QVERIFY(tail.lines().isEmpty());
    qCInfo(lcTest) << "one";
    qCWarning(lcTest) << "two";
    QCOMPARE(tail.lines(), QStringList({ "panel.test: one", "panel.test: two" }));
    qCInfo(lcTest) << "three";
    qCInfo(lcTest) << "four";
    qInfo("five");
    QCOMPARE(tail.lines(), QStringList({ "panel.test: three", "panel.test: four", "five" }));
    // Debug output that is off never reaches it.
    qCDebug(lcTest) << "hidden";
    QCOMPARE(tail.lines().size(), 3);
    QCOMPARE(tail.lines().last(), QStringLiteral("five"));
}

void tst_LogTail::passesEveryMessageOn()
{
    LogTail tail(2);
    for (int i = 0; i < 5; ++i)
        qCInfo(lcTest, "line %d", i);
    QCOMPARE(passedOn, QStringList({ "line 0", "line 1", "line 2", "line 3", "line 4" }));
    QCOMPARE(tail.lines(), QStringList({ "panel.test: line 3", "panel.test: line 4" }));
}

void tst_LogTail::cutsLongLines()
{
    LogTail tail;
    qCInfo(lcTest).noquote() << QString(5000, QLatin1Char('x'));
    QCOMPARE(tail.lines().size(), 1);
    QVERIFY(tail.lines().at(0).size() <= LogTail::MaxLineLength + 1);
    QCOMPARE(passedOn.value(0).size(), 5000); // the journal gets it whole
}

void tst_LogTail::uninstallsItself()
{
    {
        LogTail tail;
        qCInfo(lcTest) << "with";
    }
    qCInfo(lcTest) << "without";
    QCOMPARE(passedOn, QStringList({ "with", "without" }));
}

QTEST_GUILESS_MAIN(tst_LogTail)
#include "tst_logtail.moc"
