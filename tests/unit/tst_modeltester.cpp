// SPDX-License-Identifier: Apache-2.0
// Every model and proxy of models/ under QAbstractItemModelTester, fed with real data: the demo workspace's
// repositories scanned into cells, linted, planned, and a real history database with jobs, tests and pushes.
#include "demo/demoworkspace.h"
#include "history/automationstore.h"
#include "history/history.h"
#include "history/pushaudit.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "lint/linter.h"
#include "lint/lintrule.h"
#include "manifest/manifestparser.h"
#include "models/automationrunsmodel.h"
#include "models/historymodel.h"
#include "models/jobsmodel.h"
#include "models/labeldiffmodel.h"
#include "models/lintgridmodel.h"
#include "models/logmodel.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "models/pushauditmodel.h"
#include "models/testlistmodel.h"
#include "workspace/fleetlint.h"
#include "workspace/workspacescan.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

namespace {

// Reads every cell and header of every role the views ask for, so that the tester sees each data() path.
int readAll(const QAbstractItemModel &model)
{
    int filled = 0;
    for (int row = 0; row < model.rowCount(); ++row) {
        for (int column = 0; column < model.columnCount(); ++column) {
            const QModelIndex index = model.index(row, column);
            for (int role : {int(Qt::DisplayRole), int(Qt::ToolTipRole), int(Qt::DecorationRole),
                             int(Qt::BackgroundRole), int(Qt::ForegroundRole), int(Qt::TextAlignmentRole)})
                filled += index.data(role).isValid() ? 1 : 0;
            for (int role = Qt::UserRole; role < Qt::UserRole + 6; ++role)
                index.data(role);
        }
    }
    for (int column = 0; column < model.columnCount(); ++column)
        model.headerData(column, Qt::Horizontal);
    for (int row = 0; row < model.rowCount(); ++row)
        model.headerData(row, Qt::Vertical);
    return filled;
}

} // namespace

class TestModelTester : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void matrixAndFilter();
    void jobs();
    void history();
    void testList();
    void log();
    void labelDiff();
    void lintGrid();
    void pushAudit();
    void automationRuns();

private:
    QTemporaryDir m_dir;
    Manifest m_manifest;
    QList<Cell> m_cells;
    QList<EngineStatus> m_engines;
    QString m_historyPath;
    QString m_logPath;
};

void TestModelTester::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, QString(), &error),
             qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(loaded.ok());
    m_manifest = loaded.manifest;
    ScanOptions options;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.engineTimeoutMs = 1000;
    WorkspaceScan scan(m_manifest, options);
    scan.run();
    m_cells = scan.cells();
    m_engines = scan.engines();
    QVERIFY(m_cells.size() >= 6);

    // A history database with a job per cell of the first branch, two tests of one cell and a push.
    m_historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    QVERIFY(QDir().mkpath(m_dir.filePath(QStringLiteral("data"))));
    m_logPath = m_dir.filePath(QStringLiteral("data/build.log"));
    QFile log(m_logPath);
    QVERIFY(log.open(QIODevice::WriteOnly));
    log.write("Step 1/2 : FROM scratch\n ---> Running in 0123456789ab\nStep 2/2 : COPY busybox /bin/\n");
    log.close();
    History history(m_historyPath);
    QVERIFY2(history.open(&error), qPrintable(error));
    const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-600);
    int n = 0;
    for (const Cell &cell : std::as_const(m_cells)) {
        JobRecord record;
        record.component = cell.component;
        record.branch = cell.branch;
        record.docker = cell.docker;
        record.engine = QStringLiteral("unix:///run/docker.sock");
        record.commit = cell.commit;
        record.state = n % 3 == 0 ? JobState::Failed : JobState::Built;
        record.message = record.state == JobState::Failed ? QStringLiteral("step 2/2 failed") : QString();
        record.started = start.addSecs(10 * n);
        record.finished = record.started.addSecs(5);
        record.logPath = m_logPath;
        QVERIFY2(history.add(record, &error), qPrintable(error));
        ++n;
    }
    const Cell &tested = m_cells.first();
    for (const QString &name : {QStringLiteral("start-check"), QStringLiteral("exits-one")}) {
        TestRecord test;
        test.runId = QStringLiteral("run-1");
        test.component = tested.component;
        test.branch = tested.branch;
        test.docker = tested.docker;
        test.test = name;
        test.kind = QStringLiteral("run");
        test.state = name == QLatin1String("exits-one") ? TestState::Failed : TestState::Passed;
        test.started = start;
        test.finished = start.addSecs(3);
        test.logPath = m_logPath;
        test.message = test.state == TestState::Failed ? QStringLiteral("exited with code 1") : QString();
        QVERIFY2(history.addTest(test, &error), qPrintable(error));
    }
}

void TestModelTester::matrixAndFilter()
{
    MatrixModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    MatrixFilterModel filter(MatrixModel::BranchRole, MatrixModel::StateRole);
    QAbstractItemModelTester filterTester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
    filter.setSourceModel(&model);
    model.setEngines(m_engines);
    model.setManifest(m_manifest);
    QVERIFY(model.rowCount() > 0);
    model.applyCells(m_cells);
    QVERIFY(readAll(model) > 0);
    const int all = filter.rowCount();
    QCOMPARE(all, model.rowCount());
    filter.setComponentFilter(m_cells.first().component);
    QVERIFY(filter.rowCount() >= 1 && filter.rowCount() < all);
    filter.setComponentFilter({});
    filter.setBranchFilter(m_manifest.branches.first().name);
    QVERIFY(filter.columnCount() <= model.columnCount());
    filter.setStateFilter(int(CellState::Ready));
    readAll(filter);
    filter.setStateFilter(std::nullopt);
    filter.setBranchFilter({});
    QCOMPARE(filter.rowCount(), all);
    model.applyCells(m_cells); // unchanged: nothing to emit
    model.setManifest(m_manifest);
}

void TestModelTester::jobs()
{
    const BuildPlan plan = BuildPlan::make(m_manifest, m_cells, m_cells, m_engines, QDateTime::currentDateTimeUtc());
    BuildOptions options;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_historyPath;
    BuildRunner runner(m_manifest, plan, options); // planned, never started
    JobsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.reset(runner.jobs());
    QCOMPARE(model.rowCount(), int(runner.jobs().size()));
    readAll(model);
    if (model.rowCount() > 0) {
        JobUpdate running = *model.jobAt(0);
        running.state = JobState::Building;
        running.started = QDateTime::currentDateTimeUtc();
        running.stepsTotal = 4;
        running.stepsDone = 1;
        model.update(running);
        QCOMPARE(model.jobAt(0)->state, JobState::Building);
        model.tick();
    }
    // A job of another process, as the history watcher reports it: a new row, then the same row.
    History history(m_historyPath);
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    const QList<JobRecord> recent = history.recent(1);
    QCOMPARE(recent.size(), 1);
    JobUpdate tracked;
    tracked.historyId = recent.first().id;
    tracked.component = recent.first().component;
    tracked.branch = recent.first().branch;
    tracked.docker = recent.first().docker;
    tracked.state = JobState::Building;
    const int before = model.rowCount();
    model.track(tracked);
    QCOMPARE(model.rowCount(), before + 1);
    tracked.state = recent.first().state;
    model.track(tracked);
    QCOMPARE(model.rowCount(), before + 1);
    readAll(model);
    model.reset({});
    QCOMPARE(model.rowCount(), 0);
}

void TestModelTester::history()
{
    History history(m_historyPath);
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    HistoryModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const QList<JobRecord> records = history.recent(500);
    QCOMPARE(records.size(), m_cells.size());
    model.setRecords(records);
    QCOMPARE(model.rowCount(), int(records.size()));
    QVERIFY(readAll(model) > 0);
    QCOMPARE(model.rowOf(records.last().id), int(records.size()) - 1);
    model.setRecords(history.recent(2));
    QCOMPARE(model.rowCount(), 2);
}

void TestModelTester::testList()
{
    History history(m_historyPath);
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    const Cell &cell = m_cells.first();
    TestListModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const TestSpec &spec : m_manifest.testsFor(cell.component))
        model.setRow({spec.name, TestSpec::kindName(spec.kind), TestState::Untested, 0, {}, {}});
    const QList<TestRecord> latest = history.latestTests(cell.component, cell.branch, cell.docker);
    QCOMPARE(latest.size(), 2);
    for (const TestRecord &r : latest)
        model.setRow({r.test, r.kind, r.state, r.durationSeconds(), r.message, r.logPath});
    const int failed = model.rowOf(QStringLiteral("exits-one"));
    QVERIFY(failed >= 0);
    QCOMPARE(model.index(failed, TestListModel::StateColumn).data().toString(), QStringLiteral("failed"));
    QCOMPARE(model.index(failed, TestListModel::TimeColumn).data().toString(), QStringLiteral("3.0 s"));
    QCOMPARE(model.index(failed, 0).data(TestListModel::LogPathRole).toString(), m_logPath);
    const int rows = model.rowCount();
    model.setRow({QStringLiteral("exits-one"), QStringLiteral("run"), TestState::Testing, 0, {}, {}});
    QCOMPARE(model.rowCount(), rows);
    readAll(model);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
}

void TestModelTester::log()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QString error;
    QVERIFY2(model.open(m_logPath, &error), qPrintable(error));
    QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 3, 10000);
    readAll(model);
    model.close();
    QCOMPARE(model.rowCount(), 0);
}

void TestModelTester::labelDiff()
{
    // Expected labels of the same component on two branches: revision and version differ, the rest is the same.
    const Cell *left = nullptr;
    const Cell *right = nullptr;
    for (const Cell &cell : std::as_const(m_cells)) {
        if (!left && !cell.commit.isEmpty())
            left = &cell;
        else if (left && !right && cell.component == left->component && cell.branch != left->branch &&
                 !cell.commit.isEmpty())
            right = &cell;
    }
    QVERIFY(left && right);
    const ComponentSpec *component = m_manifest.component(left->component);
    QVERIFY(component);
    const Labels a = BuildPlan::expectedLabels(*component, *left, {});
    const Labels b = BuildPlan::expectedLabels(*component, *right, {});
    LabelDiffModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSides(left->branch, a, right->branch, b);
    QVERIFY(model.differences() >= 1);
    const int all = model.rowCount();
    readAll(model);
    model.setHideSame(true);
    QCOMPARE(model.rowCount(), model.differences());
    QVERIFY(model.rowCount() < all);
    model.setHideSame(false);
    QCOMPARE(model.rowCount(), all);
}

void TestModelTester::lintGrid()
{
    Linter linter;
    linter.applySpec(m_manifest.lint);
    const QString cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    LintGridModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (const BranchSpec &branch : std::as_const(m_manifest.branches)) {
        const QList<FleetLint::Result> results = FleetLint::run(m_manifest, branch.name, cacheRoot, linter);
        model.setResults(results);
        QCOMPARE(model.rowCount(), int(results.size()));
        QVERIFY(model.columnCount() >= int(LintRule::all().size()));
        readAll(model);
        for (int row = 0; row < model.rowCount(); ++row) {
            for (int column = 0; column < model.columnCount(); ++column) {
                const QModelIndex index = model.index(row, column);
                const int count = index.data(LintGridModel::CountRole).toInt();
                QCOMPARE(index.data().toString(), count ? QString::number(count) : QString());
            }
        }
    }
    model.setResults({});
    QCOMPARE(model.rowCount(), 0);
}

void TestModelTester::pushAudit()
{
    PushAudit audit(m_historyPath);
    QString error;
    QVERIFY2(audit.open(&error), qPrintable(error));
    for (const QString &tag : {QStringLiteral("master"), QStringLiteral("latest")}) {
        PushRecord record;
        record.when = QDateTime::currentDateTimeUtc();
        record.user = QStringLiteral("mrc");
        record.registry = QStringLiteral("127.0.0.1:5000");
        record.repository = QStringLiteral("monasca/api");
        record.tag = tag;
        record.digest = QStringLiteral("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        record.action = QStringLiteral("create");
        record.method = QStringLiteral("push");
        record.commit = m_cells.first().commit;
        record.ok = tag == QLatin1String("master");
        QVERIFY2(audit.add(record, &error), qPrintable(error));
    }
    PushAuditModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRecords(audit.recent());
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.index(0, PushAuditModel::DigestColumn).data().toString(), QStringLiteral("0123456789ab"));
    model.setIcons([](bool) { return QIcon(); }, [](const QString &) { return QIcon(); });
    readAll(model);
    model.setRecords({});
    QCOMPARE(model.rowCount(), 0);
}

// The watcher's runs in the same history file, refreshed as a watcher moves them: each refresh is merged.
void TestModelTester::automationRuns()
{
    AutomationStore store(m_historyPath);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    const auto enqueue = [&](const Cell &cell) {
        AutomationRun run;
        run.event.kind = AutomationEventKind::Commit;
        run.event.repo = m_manifest.component(cell.component)->repo;
        run.event.ref = QStringLiteral("refs/heads/") + cell.branch;
        run.event.branch = cell.branch;
        run.event.sha = cell.commit;
        run.event.components = {cell.component};
        run.actions = {true, true, true};
        run.components = {cell.component};
        return store.enqueue(run, &error) ? run.id : qint64(0);
    };
    // One cell of each of three components: runs of one component and branch would supersede each other.
    QList<Cell> cells;
    for (const Cell &cell : std::as_const(m_cells)) {
        if (std::none_of(cells.cbegin(), cells.cend(), [&](const Cell &c) { return c.component == cell.component; }))
            cells << cell;
    }
    QVERIFY(cells.size() >= 3);
    const qint64 first = enqueue(cells.at(0));
    const qint64 second = enqueue(cells.at(1));
    QVERIFY2(first > 0 && second > 0, qPrintable(error));

    AutomationRunsModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setRuns(*store.runs(50, &error));
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOf(second), 0);
    QCOMPARE(model.index(1, AutomationRunsModel::StateColumn).data().toString(), QStringLiteral("queued"));
    QCOMPARE(model.index(1, AutomationRunsModel::StagesColumn).data().toString(),
             QStringLiteral("build – · test – · push –"));

    // A stage moves and a run arrives: one insert at the top, one dataChanged for the changed row, no reset.
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    QVERIFY2(store.markStage(first, RunStage::Build, StageState::Running, {}, &error), qPrintable(error));
    QVERIFY2(store.markStage(first, RunStage::Build, StageState::Done, {}, &error), qPrintable(error));
    QVERIFY2(store.markStage(first, RunStage::Test, StageState::Running, {}, &error), qPrintable(error));
    const qint64 third = enqueue(cells.at(2));
    QVERIFY(third > 0);
    model.setRuns(*store.runs(50, &error));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.first().at(1).toInt(), 0);
    QCOMPARE(inserted.first().at(2).toInt(), 0);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().at(0).value<QModelIndex>().row(), 2);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(model.index(2, AutomationRunsModel::StateColumn).data().toString(), QStringLiteral("testing"));
    QCOMPARE(model.index(2, AutomationRunsModel::StagesColumn).data().toString(),
             QStringLiteral("build ✓ · test … · push –"));
    QCOMPARE(model.index(2, 0).data(AutomationRunsModel::RunRole).value<AutomationRun>().id, first);
    model.setStateIcon([](RunState) { return QIcon(); });
    readAll(model);

    // A smaller limit drops the oldest rows with one removal.
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
    model.setRuns(*store.runs(1, &error));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.runAt(0)->id, third);
    model.setRuns({});
    QCOMPARE(model.rowCount(), 0);
}

QTEST_MAIN(TestModelTester)
#include "tst_modeltester.moc"
