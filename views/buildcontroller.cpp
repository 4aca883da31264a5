// SPDX-License-Identifier: Apache-2.0
#include "views/buildcontroller.h"

#include "history/history.h"
#include "imagetests/testplan.h"
#include "jobs/buildplan.h"
#include "jobs/buildstatereader.h"
#include "models/jobsmodel.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "sessions/buildsession.h"
#include "views/detailspanel.h"
#include "views/matrixview.h"
#include "views/statestyle.h"
#include "views/testspanel.h"
#include "workspace/cellselector.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QFutureWatcher>
#include <QMainWindow>
#include <QMap>
#include <QMenu>
#include <QMessageBox>
#include <QProgressBar>
#include <QSet>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QtConcurrent/QtConcurrentRun>

namespace mrc {

namespace {
QString cellKey(const QString &component, const QString &branch, const QString &docker)
{
    return component + QLatin1Char('\n') + branch + QLatin1Char('\n') + docker;
}
} // namespace

BuildController::BuildController(const Parts &parts, QObject *parent) : QObject(parent), m_parts(parts)
{
    connectTests();
}

BuildController::~BuildController()
{
    m_build.reset(); // the window stopped it already (stopBuilds); the actions may be gone by now
}

JobTracker &BuildController::testReads(const QString &cellKey)
{
    return m_testReads.try_emplace(cellKey, this).first->second;
}

void BuildController::showStatus(const QString &message, int timeout)
{
    m_parts.window->statusBar()->showMessage(message, timeout);
}

void BuildController::createActions(QMenu *buildMenu)
{
    QStyle *style = m_parts.window->style();
    m_buildAction = buildMenu->addAction(style->standardIcon(QStyle::SP_MediaPlay), tr("&Build Selected"));
    m_buildAction->setObjectName(QStringLiteral("buildAction"));
    m_buildAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_buildAction->setToolTip(tr("Build the selected cells and the base images they need (Ctrl+B)"));
    connect(m_buildAction, &QAction::triggered, this, [this] { buildCells(selectedCells()); });
    m_buildTestAction = buildMenu->addAction(StateStyle::testIcon(), tr("Build and &Test Selected"));
    m_buildTestAction->setObjectName(QStringLiteral("buildTestAction"));
    m_buildTestAction->setIconText(tr("Build and Test"));
    m_buildTestAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
    m_buildTestAction->setToolTip(tr("Build the selected cells, then run the tests of each one that built or was up "
                                     "to date (Ctrl+Shift+T)"));
    connect(m_buildTestAction, &QAction::triggered, this, [this] { buildAndTest(selectedCells()); });
    m_testAfterBuildAction = buildMenu->addAction(tr("Test &After Build"));
    m_testAfterBuildAction->setObjectName(QStringLiteral("testAfterBuildAction"));
    m_testAfterBuildAction->setCheckable(true);
    m_testAfterBuildAction->setChecked(QSettings().value(QStringLiteral("build/testAfterBuild"), true).toBool());
    m_testAfterBuildAction->setToolTip(tr("Every build also runs the tests of the cells it built (Build and Test)"));
    connect(m_testAfterBuildAction, &QAction::toggled, this,
            [](bool on) { QSettings().setValue(QStringLiteral("build/testAfterBuild"), on); });
    m_buildColumnAction = buildMenu->addAction(tr("Build &Column"));
    m_buildColumnAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
    connect(m_buildColumnAction, &QAction::triggered, this, &BuildController::buildCurrentColumn);
    m_forceBuildAction = buildMenu->addAction(tr("&Force Rebuild Selected"));
    m_forceBuildAction->setToolTip(
        tr("Build even when an image with the same revisions exists, without the layer cache"));
    connect(m_forceBuildAction, &QAction::triggered, this, [this] { buildCells(selectedCells(), true); });
    m_stopAction = buildMenu->addAction(style->standardIcon(QStyle::SP_MediaStop), tr("&Stop"));
    m_stopAction->setObjectName(QStringLiteral("stopAction"));
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stopAction->setEnabled(false);
    connect(m_stopAction, &QAction::triggered, this, [this] {
        m_stopRequested = true;
        if (m_build)
            m_build->cancel();
        m_parts.details->testsPanel()->cancel();
    });
    m_retryAction = buildMenu->addAction(tr("&Retry Failed"));
    m_retryAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_retryAction->setEnabled(false);
    connect(m_retryAction, &QAction::triggered, this, &BuildController::retryFailed);
}

void BuildController::buildCurrentColumn()
{
    const QModelIndex current = m_parts.filter->mapToSource(m_parts.view->currentIndex());
    if (!current.isValid())
        return;
    QList<Cell> column;
    for (int row = 0; row < m_parts.model->rowCount(); ++row)
        column.append(m_parts.model->cell(row, current.column()));
    buildCells(column);
}

void BuildController::retryFailed()
{
    QList<Cell> again;
    for (const JobUpdate &job : std::as_const(m_latestJobs)) {
        if (job.state == JobState::Failed || job.state == JobState::Cancelled || job.state == JobState::Blocked ||
            job.state == JobState::EngineLost || job.state == JobState::Interrupted) {
            for (const Cell &cell : m_parts.model->cells()) {
                if (cell.component == job.component && cell.branch == job.branch && cell.docker == job.docker)
                    again.append(cell);
            }
        }
    }
    buildCells(again);
}

void BuildController::connectTests()
{
    TestsPanel *tests = m_parts.details->testsPanel();
    connect(tests, &TestsPanel::testsStarted, this, [this](int count, int cells) {
        m_runningTests.clear();
        m_testsDone = 0;
        m_parts.progress->setRange(0, count);
        m_parts.progress->setValue(0);
        m_parts.progress->setFormat(tr("tests %v of %m"));
        m_parts.progress->show();
        m_stopAction->setEnabled(true);
        showStatus(tr("Testing %n cell(s)…", nullptr, cells));
    });
    connect(tests, &TestsPanel::testUpdated, this, &BuildController::onTestUpdated);
    connect(tests, &TestsPanel::buildFirstRequested, this, [this](const Cell &cell) { buildAndTest({cell}); });
    connect(tests, &TestsPanel::testsFinished, this, &BuildController::onTestsFinished);
}

void BuildController::onTestsFinished()
{
    QList<Cell> tested;
    QSet<QString> seen;
    for (auto it = m_runningTests.cbegin(); it != m_runningTests.cend(); ++it) {
        const QString key = it.key().section(QLatin1Char('\n'), 0, 2);
        if (seen.contains(key))
            continue;
        seen.insert(key);
        if (const Cell *cell =
                m_parts.model->find(key.section(QLatin1Char('\n'), 0, 0), key.section(QLatin1Char('\n'), 1, 1),
                                    key.section(QLatin1Char('\n'), 2, 2)))
            tested.append(*cell);
    }
    const int failed = int(std::count_if(m_runningTests.cbegin(), m_runningTests.cend(),
                                         [](TestState s) { return s != TestState::Passed; }));
    m_runningTests.clear();
    reloadTests(tested);
    if (!isBuilding()) {
        m_parts.progress->hide();
        m_stopAction->setEnabled(false);
    }
    showStatus(failed ? tr("Tests finished: %n test(s) did not pass", nullptr, failed)
                      : tr("Tests finished: every test passed"),
               10000);
}

QList<Cell> BuildController::selectedCells() const
{
    QList<Cell> cells;
    for (const QModelIndex &index : m_parts.view->selectionModel()->selectedIndexes()) {
        if (const Cell *cell = m_parts.model->cellAt(m_parts.filter->mapToSource(index)))
            cells.append(*cell);
    }
    return cells;
}

bool BuildController::buildCells(const QList<Cell> &cells, bool force)
{
    return buildAndTestIf(cells, force, testAfterBuild());
}

bool BuildController::buildAndTest(const QList<Cell> &cells, bool force)
{
    return buildAndTestIf(cells, force, true);
}

bool BuildController::testAfterBuild() const
{
    return m_testAfterBuildAction->isChecked();
}

void BuildController::setTestAfterBuild(bool on)
{
    m_testAfterBuildAction->setChecked(on);
}

bool BuildController::isTesting() const
{
    return m_parts.details->testsPanel()->isRunning();
}

bool BuildController::buildAndTestIf(const QList<Cell> &cells, bool force, bool test)
{
    if (isTesting()) {
        showStatus(tr("Tests are running; stop them first (Ctrl+.)"), 5000);
        return false;
    }
    if (isBuilding()) {
        showStatus(tr("A build is running; stop it first (Ctrl+.)"), 5000);
        return false;
    }
    // The cells were picked one by one: each one that is not ready is worth a line.
    CellSelector selector;
    selector.reportEverySkip = true;
    const CellSelection picked = selector.select(cells);
    QStringList skipped;
    for (const Cell &cell : picked.skipped)
        skipped.append(CellSelector::skipReason(cell));
    if (picked.ready.isEmpty()) {
        nothingToBuild(skipped);
        return false;
    }

    // The session plans on the window's scan, resolves the build arguments and runs the lint gate, all off the GUI
    // thread, then runs the build: what `mrc build` does after its own scan.
    SessionScope scope;
    scope.manifest = m_parts.workspace->manifest();
    scope.cells = m_parts.model->cells();
    scope.engines = m_parts.engines();
    scope.selected = picked.ready;
    BuildSessionOptions options;
    options.scope = scope;
    options.build.noCache = force;
    options.build.rebuildHint = tr("Build > Force Rebuild Selected builds it again");
    options.build.cacheRoot = m_parts.workspace->cacheRoot();
    m_build = std::make_unique<BuildSession>(scope.manifest, options);
    m_runId = m_build->runId();
    m_planEmpty = false;
    m_testThisBuild = test;
    m_stopRequested = false;
    BuildSession *session = m_build.get();
    connect(session, &BuildSession::planned, this, [this, session, skipped] {
        if (session == m_build.get())
            onBuildPlanned(skipped);
    });
    connect(session, &BuildSession::jobUpdated, this, &BuildController::onJobUpdated);
    connect(session, &BuildSession::logLines, this, [this, session](int job, const QByteArray &) {
        if (session != m_build.get())
            return;
        const JobUpdate *update = m_parts.jobs->jobAt(job);
        if (update && update->logPath == m_parts.details->shownLogPath())
            m_parts.details->logGrew();
    });
    connect(session, &BuildSession::finished, this, [this, session] {
        if (session == m_build.get())
            onBuildFinished();
    });
    setBuildActionsEnabled(false);
    m_stopAction->setEnabled(true);
    showStatus(tr("Linting %n image(s) before the build…", nullptr, int(picked.ready.size())));
    session->start();
    return true;
}

void BuildController::nothingToBuild(const QStringList &why)
{
    auto *box = new QMessageBox(QMessageBox::Information, tr("Nothing to build"),
                                tr("None of the selected cells can be built.\n\n%1").arg(why.join(QLatin1Char('\n'))),
                                QMessageBox::Ok, m_parts.window);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void BuildController::setBuildActionsEnabled(bool enabled)
{
    m_buildAction->setEnabled(enabled);
    m_buildColumnAction->setEnabled(enabled);
    m_forceBuildAction->setEnabled(enabled);
    m_buildTestAction->setEnabled(enabled);
}

void BuildController::onBuildPlanned(const QStringList &skipped)
{
    const BuildPlan &plan = m_build->plan();
    if (plan.jobs.isEmpty()) {
        m_planEmpty = true;
        m_parts.window->statusBar()->clearMessage();
        nothingToBuild(skipped + plan.problems);
        return;
    }
    if (const qsizetype count = skipped.size() + plan.problems.size(); count > 0)
        showStatus(tr("Skipped %n cell(s) that cannot be built", nullptr, int(count)), 8000);
    m_parts.jobs->reset(BuildRunner::queuedJobs(plan));
    showStatus(tr("Building %n image(s)…", nullptr, int(plan.jobs.size())));
}

void BuildController::onBuildFinished()
{
    if (m_planEmpty) {
        stopBuilds();
        return;
    }
    // Say what happened to the jobs of this build: a cancelled job is not a failure.
    QMap<JobState, int> ended;
    for (int row = 0; row < m_parts.jobs->rowCount(); ++row) {
        if (const JobUpdate *job = m_parts.jobs->jobAt(row))
            ++ended[job->state];
    }
    int failed = 0;
    QStringList parts;
    for (auto it = ended.cbegin(); it != ended.cend(); ++it) {
        if (isSuccess(it.key()))
            continue;
        failed += it.value();
        parts.append(QStringLiteral("%1 %2").arg(it.value()).arg(jobStateName(it.key())));
    }
    const bool stopped = m_stopRequested;
    const QList<Cell> built = m_build->builtCells();
    stopBuilds();
    showStatus(failed == 0 ? tr("Build finished: every image built or up to date")
               : stopped   ? tr("Build stopped: %1").arg(parts.join(QStringLiteral(", ")))
                           : tr("Build finished: %1").arg(parts.join(QStringLiteral(", "))),
               10000);
    m_retryAction->setEnabled(failed > 0);
    if (m_testThisBuild && !stopped)
        testBuiltCells(built);
    m_testThisBuild = false;
}

void BuildController::showIfCurrent(const JobUpdate &job, bool logGrew)
{
    const Cell *current = m_parts.model->cellAt(m_parts.filter->mapToSource(m_parts.view->currentIndex()));
    if (current && current->component == job.component && current->branch == job.branch &&
        current->docker == job.docker) {
        m_parts.details->showJob(&job);
        if (logGrew)
            m_parts.details->logGrew();
    }
}

void BuildController::onJobUpdated(const JobUpdate &job)
{
    if (!m_build || job.runId != m_runId)
        return; // a late update of a build that was stopped
    m_parts.jobs->update(job);
    // A job that another took over (its engine was lost, or the base's copy on another engine) speaks for no cell.
    if (job.replacedBy >= 0) {
        if (job.state == JobState::EngineLost)
            m_parts.workspace->scan(false); // the status bar shows the engine unreachable
        return;
    }
    m_parts.model->applyJob(job);
    m_latestJobs.insert(cellKey(job.component, job.branch, job.docker), job);
    showIfCurrent(job, false);
    if (job.state == JobState::EngineLost)
        m_parts.workspace->scan(false); // its cells turn no-engine until it answers again
    if (isSuccess(job.state)) {
        // A new image makes the cell's test results stale.
        if (const Cell *cell = m_parts.model->find(job.component, job.branch, job.docker))
            reloadTests({*cell});
    }
}

const JobUpdate *BuildController::latestJob(const QString &component, const QString &branch,
                                            const QString &docker) const
{
    const auto job = m_latestJobs.constFind(cellKey(component, branch, docker));
    return job != m_latestJobs.constEnd() ? &*job : nullptr;
}

bool BuildController::applyOtherJob(const JobUpdate &job)
{
    const QString key = cellKey(job.component, job.branch, job.docker);
    // This window's own build of the same cell is newer than what another process did before it.
    if (const auto mine = m_latestJobs.constFind(key);
        mine != m_latestJobs.constEnd() && mine->job >= 0 && mine->historyId > job.historyId)
        return false;
    m_parts.jobs->track(job);
    m_parts.model->applyJob(job);
    m_latestJobs.insert(key, job);
    showIfCurrent(job, true);
    return true;
}

void BuildController::applyOtherTests(const QList<TestRecord> &tests)
{
    QList<Cell> finished;
    QList<MatrixModel::TestStatusUpdate> testing;
    for (const TestRecord &test : tests) {
        const Cell *cell = m_parts.model->find(test.component, test.branch, test.docker);
        if (!cell || (!cell->commit.isEmpty() && !test.commit.isEmpty() && cell->commit != test.commit))
            continue;
        if (test.state == TestState::Queued || test.state == TestState::Testing) {
            CellTestStatus status;
            status.state = TestState::Testing;
            testing.append({test.component, test.branch, test.docker, status});
        } else if (!finished.contains(*cell)) {
            finished.append(*cell);
        }
    }
    if (!testing.isEmpty())
        m_parts.model->applyTests(testing);
    reloadTests(finished); // the results as the history now has them
}

void BuildController::testBuiltCells(const QList<Cell> &built)
{
    QList<Cell> cells;
    for (const Cell &cell : built) {
        if (const Cell *shown = m_parts.model->find(cell.component, cell.branch, cell.docker))
            cells.append(*shown);
    }
    if (cells.isEmpty())
        return;
    if (!m_parts.details->testsPanel()->runTests(cells))
        showStatus(tr("The built cells have no tests to run"), 8000);
}

void BuildController::onTestUpdated(const TestUpdate &update)
{
    const QString key = cellKey(update.component, update.branch, update.docker);
    const bool final = update.state != TestState::Queued && update.state != TestState::Testing;
    const auto previous = m_runningTests.constFind(key + QLatin1Char('\n') + update.test);
    const bool wasFinal =
        previous != m_runningTests.constEnd() && *previous != TestState::Queued && *previous != TestState::Testing;
    m_runningTests.insert(key + QLatin1Char('\n') + update.test, update.state);
    if (final && !wasFinal)
        m_parts.progress->setValue(++m_testsDone);
    bool cellDone = true;
    for (auto it = m_runningTests.cbegin(); it != m_runningTests.cend(); ++it) {
        if (it.key().startsWith(key + QLatin1Char('\n')))
            cellDone = cellDone && it.value() != TestState::Queued && it.value() != TestState::Testing;
    }
    const Cell *cell = m_parts.model->find(update.component, update.branch, update.docker);
    if (!cell)
        return;
    testReads(key).invalidate(); // a history read started before this update is older than it
    if (!cellDone) {
        if (cell->testState != TestState::Testing) {
            CellTestStatus testing;
            testing.state = TestState::Testing;
            m_parts.model->applyTests({{update.component, update.branch, update.docker, testing}});
        }
        return;
    }
    reloadTests({*cell}); // the cell's results, as the history now has them
}

void BuildController::reloadTests(const QList<Cell> &cells)
{
    if (cells.isEmpty())
        return;
    QList<MatrixModel::TestStatusUpdate> keys;
    QHash<QString, quint64> reads; // cell key -> this read's job id in the cell's tracker
    for (const Cell &cell : cells) {
        keys.append({cell.component, cell.branch, cell.docker, {}});
        const QString key = cellKey(cell.component, cell.branch, cell.docker);
        reads.insert(key, testReads(key).start());
    }
    auto *watcher = new QFutureWatcher<QList<MatrixModel::TestStatusUpdate>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, reads] {
        watcher->deleteLater();
        QList<MatrixModel::TestStatusUpdate> apply;
        for (const MatrixModel::TestStatusUpdate &update : watcher->result()) {
            const QString key = cellKey(update.component, update.branch, update.docker);
            JobTracker &tracker = testReads(key);
            if (!tracker.isCurrent(reads.value(key)))
                continue; // a newer read or a live update got there first
            tracker.finish(reads.value(key));
            apply.append(update);
        }
        m_parts.model->applyTests(apply);
        Q_EMIT testStatesLoaded();
    });
    watcher->setFuture(QtConcurrent::run([keys, path = History::defaultPath()] {
        QList<MatrixModel::TestStatusUpdate> updates = keys;
        History history(path);
        QString error;
        if (!history.open(&error))
            return QList<MatrixModel::TestStatusUpdate>();
        for (MatrixModel::TestStatusUpdate &update : updates) {
            update.status = summarizeTests(history.latestTests(update.component, update.branch, update.docker),
                                           history.latestImageId(update.component, update.branch, update.docker));
        }
        return updates;
    }));
}

void BuildController::reloadBuildStates()
{
    // A reopened manifest starts with every cell unbuilt: the history says which images were built.
    QList<Cell> unknown;
    for (const Cell &cell : m_parts.model->cells()) {
        if (cell.job == JobState::None)
            unknown.append(cell);
    }
    if (unknown.isEmpty())
        return;
    auto *watcher = new QFutureWatcher<QList<JobUpdate>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        for (const JobUpdate &job : watcher->result()) {
            const Cell *cell = m_parts.model->find(job.component, job.branch, job.docker);
            const QString key = cellKey(job.component, job.branch, job.docker);
            if (!cell || cell->job != JobState::None)
                continue;
            const auto own = m_latestJobs.constFind(key); // this window's own build is newer
            m_parts.model->applyJob(own != m_latestJobs.constEnd() ? *own : job);
            if (own == m_latestJobs.constEnd())
                m_latestJobs.insert(key, job);
        }
        Q_EMIT buildStatesLoaded();
    });
    watcher->setFuture(QtConcurrent::run(&BuildStateReader::read, History::defaultPath(), unknown));
}

void BuildController::stopBuilds()
{
    if (!m_build)
        return;
    // Cancelled jobs are recorded as such when the session ends in time; its destructor then stops what is left
    // (closing the connections ends the builds on the engines) and waits for its thread.
    m_build->waitForEnd(10000);
    m_build.reset();
    m_stopAction->setEnabled(false);
    setBuildActionsEnabled(true);
}

} // namespace mrc
