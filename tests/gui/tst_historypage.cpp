// SPDX-License-Identifier: Apache-2.0
// The History page on a real SQLite history with three jobs (one interrupted, with a log file): the rows appear
// after the worker thread reads them, the cells say what was built and how it ended, and selecting the
// interrupted job shows its log. Saves a screenshot.
#include "history/automationstore.h"
#include "history/history.h"
#include "models/automationrunsmodel.h"
#include "models/historymodel.h"
#include "models/logmodel.h"
#include "views/automationqueueview.h"
#include "views/historypage.h"
#include "views/logview.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

void saveScreenshot(QWidget *widget, const QString &name)
{
    const QString dir = qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots"));
    QDir().mkpath(dir);
    const QString path = dir + QLatin1Char('/') + name + QStringLiteral(".png");
    QCoreApplication::processEvents();
    QVERIFY2(widget->grab().save(path), qPrintable(path));
    qInfo("screenshot: %s", qPrintable(path));
}

QString cellText(HistoryModel *model, int row, int column)
{
    return model->index(row, column).data().toString();
}

} // namespace

class TestHistoryPage : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void showsTheJobsAndTheirLogs();
    void refreshSeesNewJobs();
    void showsThePipelineRuns();
    void durationText_data();
    void durationText();

private:
    void addJob(JobRecord &record);

    QTemporaryDir m_home;
    QString m_logPath;
    qint64 m_interruptedId = 0;
};

void TestHistoryPage::initTestCase()
{
    // A home of its own: other GUI tests that build write the same test-mode history (~/.qttest/share).
    QVERIFY(m_home.isValid());
    qputenv("HOME", QFile::encodeName(m_home.path()));
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(History::defaultPath().startsWith(m_home.path()));

    QDir().mkpath(History::defaultLogDirectory());
    m_logPath = History::defaultLogDirectory() + QStringLiteral("/tst-historypage-interrupted.log");
    QFile log(m_logPath);
    QVERIFY(log.open(QIODevice::WriteOnly | QIODevice::Truncate));
    log.write("Step 1/3 : FROM monasca/base:master\n"
              " ---> 0123456789ab\n"
              "Step 2/3 : RUN pip install monasca-api\n"
              "Collecting monasca-api\n");
    log.close();

    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-3600);
    JobRecord built;
    built.component = QStringLiteral("monasca-api");
    built.branch = QStringLiteral("master");
    built.docker = QStringLiteral("docker");
    built.engine = QStringLiteral("unix:///run/docker.sock");
    built.commit = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
    built.imageId = QStringLiteral("sha256:fedcba9876543210fedcba9876543210");
    built.tag = QStringLiteral("monasca/api:master");
    built.state = JobState::Built;
    built.started = start;
    built.finished = start.addSecs(125);
    addJob(built);

    JobRecord failed = built;
    failed.component = QStringLiteral("monasca-persister");
    failed.branch = QStringLiteral("stable/2023.1");
    failed.imageId.clear();
    failed.state = JobState::Failed;
    failed.started = start.addSecs(200);
    failed.finished = start.addSecs(212);
    failed.message = QStringLiteral("step 4/9 failed: exit code 1");
    addJob(failed);

    // Left building, as if the console died: the next open() of the history marks it interrupted.
    JobRecord running = built;
    running.component = QStringLiteral("monasca-notification");
    running.imageId.clear();
    running.state = JobState::Building;
    running.started = start.addSecs(300);
    running.finished = {};
    running.logPath = m_logPath;
    // Its console is gone: a process that has exited stands in for it.
    QProcess dead;
    dead.start(QStringLiteral("true"));
    QVERIFY(dead.waitForStarted(10000));
    running.pid = dead.processId();
    QVERIFY(dead.waitForFinished(10000));
    addJob(running);
    m_interruptedId = running.id;
}

void TestHistoryPage::addJob(JobRecord &record)
{
    History history;
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    QVERIFY2(history.add(record, &error), qPrintable(error));
    QVERIFY(record.id > 0);
}

void TestHistoryPage::showsTheJobsAndTheirLogs()
{
    HistoryPage page;
    QAbstractItemModelTester tester(page.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    page.resize(1200, 700);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));

    HistoryModel *model = page.model();
    QTRY_COMPARE(model->rowCount(), 3);
    QTRY_VERIFY(!page.isLoading());

    // Newest first.
    QCOMPARE(cellText(model, 0, HistoryModel::CellColumn), QStringLiteral("monasca-notification@master docker"));
    QCOMPARE(cellText(model, 0, HistoryModel::StateColumn), QStringLiteral("Interrupted"));
    QCOMPARE(model->index(0, HistoryModel::StateColumn).data(HistoryModel::StateRole).toInt(),
             int(JobState::Interrupted));
    QVERIFY(!model->index(0, HistoryModel::StateColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
    QCOMPARE(cellText(model, 0, HistoryModel::MessageColumn), QStringLiteral("the console stopped while this job ran"));
    QCOMPARE(cellText(model, 0, HistoryModel::DurationColumn), QString());

    QCOMPARE(cellText(model, 1, HistoryModel::CellColumn), QStringLiteral("monasca-persister@stable/2023.1 docker"));
    QCOMPARE(cellText(model, 1, HistoryModel::StateColumn), QStringLiteral("Failed"));
    QCOMPARE(cellText(model, 1, HistoryModel::DurationColumn), QStringLiteral("12 s"));
    QCOMPARE(cellText(model, 1, HistoryModel::MessageColumn), QStringLiteral("step 4/9 failed: exit code 1"));

    QCOMPARE(cellText(model, 2, HistoryModel::CellColumn), QStringLiteral("monasca-api@master docker"));
    QCOMPARE(cellText(model, 2, HistoryModel::StateColumn), QStringLiteral("Built"));
    QCOMPARE(cellText(model, 2, HistoryModel::EngineColumn), QStringLiteral("unix:///run/docker.sock"));
    QCOMPARE(cellText(model, 2, HistoryModel::CommitColumn), QStringLiteral("0123456789"));
    QCOMPARE(cellText(model, 2, HistoryModel::ImageColumn), QStringLiteral("fedcba987654"));
    QCOMPARE(cellText(model, 2, HistoryModel::DurationColumn), QStringLiteral("2 min 05 s"));
    QCOMPARE(model->index(2, HistoryModel::WhenColumn).data().toString().size(), 19);

    const int row = model->rowOf(m_interruptedId);
    QCOMPARE(row, 0);
    page.table()->selectRow(row);
    LogModel *log = page.logView()->model();
    QCOMPARE(log->path(), m_logPath);
    QTRY_COMPARE(log->rowCount(), 4);
    QCOMPARE(log->lineText(0), QStringLiteral("Step 1/3 : FROM monasca/base:master"));
    QCOMPARE(log->lineText(3), QStringLiteral("Collecting monasca-api"));

    // A job without a log file empties the log view instead of showing the previous one.
    page.table()->selectRow(1);
    QCOMPARE(log->rowCount(), 0);
    page.table()->selectRow(row);
    QTRY_COMPARE(log->rowCount(), 4);

    saveScreenshot(&page, QStringLiteral("history-page"));
}

void TestHistoryPage::refreshSeesNewJobs()
{
    HistoryPage page;
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QTRY_COMPARE(page.model()->rowCount(), 3);
    QTRY_VERIFY(!page.isLoading());
    page.table()->selectRow(page.model()->rowOf(m_interruptedId));

    JobRecord lost;
    lost.component = QStringLiteral("monasca-agent");
    lost.branch = QStringLiteral("master");
    lost.docker = QStringLiteral("agent-forwarder");
    lost.state = JobState::EngineLost;
    lost.started = QDateTime::currentDateTimeUtc();
    lost.finished = lost.started.addSecs(3);
    lost.message = QStringLiteral("the engine went away");
    addJob(lost);

    QSignalSpy loaded(&page, &HistoryPage::loaded);
    page.refreshAction()->trigger();
    QVERIFY(loaded.wait());
    QCOMPARE(page.model()->rowCount(), 4);
    QCOMPARE(cellText(page.model(), 0, HistoryModel::StateColumn), QStringLiteral("Engine lost"));
    // The selection follows its job to its new row.
    QCOMPARE(page.table()->currentIndex().row(), page.model()->rowOf(m_interruptedId));
    QCOMPARE(page.logView()->model()->path(), m_logPath);
    QCOMPARE(page.refreshAction()->shortcut(), QKeySequence(QKeySequence::Refresh));
}

// The watcher's queue in the same database: a finished run, a failed one and one waiting, in the second tab.
void TestHistoryPage::showsThePipelineRuns()
{
    {
        AutomationStore store(History::defaultPath());
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        AutomationRun run;
        run.event.kind = AutomationEventKind::Commit;
        run.event.repo = QStringLiteral("file:///demo/repos/monasca-api.git");
        run.event.ref = QStringLiteral("refs/heads/master");
        run.event.branch = QStringLiteral("master");
        run.event.sha = QStringLiteral("0123456789abcdef0123456789abcdef01234567");
        run.event.components = {QStringLiteral("api")};
        run.event.subject = QStringLiteral("Add start.sh");
        run.actions = {true, true, true};
        run.components = {QStringLiteral("api")};
        QVERIFY2(store.enqueue(run, &error), qPrintable(error));
        for (RunStage stage : {RunStage::Build, RunStage::Test, RunStage::Push}) {
            QVERIFY2(store.markStage(run.id, stage, StageState::Running, {}, &error), qPrintable(error));
            QVERIFY2(store.markStage(run.id, stage, StageState::Done, {}, &error), qPrintable(error));
        }
        QVERIFY2(store.finishRun(run.id, RunState::Done, QStringLiteral("pushed sha-0123456 and master"), &error),
                 qPrintable(error));
        AutomationRun change = run;
        change.event = {};
        change.event.kind = AutomationEventKind::Change;
        change.event.repo = run.event.repo;
        change.event.ref = QStringLiteral("refs/changes/34/1234/2");
        change.event.branch = QStringLiteral("master");
        change.event.sha = QStringLiteral("fedcba9876543210fedcba9876543210fedcba98");
        change.event.components = {QStringLiteral("api")};
        change.actions = {true, true, false};
        QVERIFY2(store.enqueue(change, &error), qPrintable(error));
        QVERIFY2(store.markStage(change.id, RunStage::Build, StageState::Running, {}, &error), qPrintable(error));
        QVERIFY2(
            store.markStage(change.id, RunStage::Build, StageState::Failed, QStringLiteral("RUN exited 1"), &error),
            qPrintable(error));
        AutomationRun tag = run;
        tag.event = {};
        tag.event.kind = AutomationEventKind::Tag;
        tag.event.repo = run.event.repo;
        tag.event.ref = QStringLiteral("refs/tags/12.1.0");
        tag.event.branch = QStringLiteral("master");
        tag.event.sha = run.event.sha;
        tag.event.components = {QStringLiteral("api")};
        QVERIFY2(store.enqueue(tag, &error), qPrintable(error));
    }
    HistoryPage page;
    page.resize(1200, 500);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    AutomationRunsModel *runs = page.queueView()->model();
    QAbstractItemModelTester tester(runs, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QTRY_COMPARE(runs->rowCount(), 3);
    QTRY_VERIFY(!page.queueView()->isLoading());
    page.tabs()->setCurrentWidget(page.queueView());
    QCOMPARE(runs->index(0, AutomationRunsModel::EventColumn).data().toString(), QStringLiteral("tag 12.1.0"));
    QCOMPARE(runs->index(0, AutomationRunsModel::StateColumn).data().toString(), QStringLiteral("queued"));
    QCOMPARE(runs->index(1, AutomationRunsModel::EventColumn).data().toString(), QStringLiteral("change 1234/2"));
    QCOMPARE(runs->index(1, AutomationRunsModel::StateColumn).data().toString(), QStringLiteral("failed"));
    QCOMPARE(runs->index(1, AutomationRunsModel::StagesColumn).data().toString(), QStringLiteral("build ✗ · test –"));
    QCOMPARE(runs->index(2, AutomationRunsModel::StagesColumn).data().toString(),
             QStringLiteral("build ✓ · test ✓ · push ✓"));
    QCOMPARE(runs->index(2, AutomationRunsModel::MessageColumn).data().toString(),
             QStringLiteral("pushed sha-0123456 and master"));
    QVERIFY(!runs->index(2, AutomationRunsModel::StateColumn).data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY2(page.queueView()->statusText().contains(QLatin1String("1 queued, 0 running")),
             qPrintable(page.queueView()->statusText()));
    saveScreenshot(&page, QStringLiteral("history-pipeline-runs"));
}

void TestHistoryPage::durationText_data()
{
    QTest::addColumn<int>("seconds");
    QTest::addColumn<QString>("text");
    QTest::addRow("seconds") << 7 << QStringLiteral("7 s");
    QTest::addRow("minutes") << 65 << QStringLiteral("1 min 05 s");
    QTest::addRow("hours") << 3720 << QStringLiteral("1 h 02 min");
}

void TestHistoryPage::durationText()
{
    QFETCH(int, seconds);
    QFETCH(QString, text);
    const QDateTime start = QDateTime::currentDateTimeUtc();
    QCOMPARE(HistoryModel::durationText(start, start.addSecs(seconds)), text);
    QCOMPARE(HistoryModel::durationText(start, {}), QString());
}

QTEST_MAIN(TestHistoryPage)
#include "tst_historypage.moc"
