// SPDX-License-Identifier: Apache-2.0
#include "views/testspanel.h"

#include "models/logmodel.h"
#include "models/testlistmodel.h"
#include "sessions/testsession.h"
#include "views/logview.h"

#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace mrc {

namespace {

QString cellKey(const QString &component, const QString &branch, const QString &docker)
{
    return component + QLatin1Char('\n') + branch + QLatin1Char('\n') + docker;
}

struct Loaded
{
    QList<TestRecord> latest;
    QString imageId;
};

} // namespace

TestsPanel::TestsPanel(QWidget *parent)
    : QWidget(parent), m_summary(new QLabel(this)), m_run(new QPushButton(tr("Run tests"), this)),
      m_stop(new QPushButton(tr("Stop"), this)), m_tests(new TestListModel(this)), m_list(new QTreeView(this)),
      m_logModel(new LogModel(this)), m_logView(new LogView(this))
{
    setObjectName(QStringLiteral("testsPanel"));
    m_summary->setObjectName(QStringLiteral("testsSummary"));
    m_summary->setWordWrap(true);
    m_run->setObjectName(QStringLiteral("runTestsButton"));
    m_stop->setObjectName(QStringLiteral("stopTestsButton"));
    m_stop->setEnabled(false);
    m_list->setObjectName(QStringLiteral("testList"));
    m_list->setModel(m_tests);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->header()->setStretchLastSection(true);
    m_logView->setObjectName(QStringLiteral("testLogView"));
    m_logView->setModel(m_logModel);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_summary, 1);
    buttons->addWidget(m_run);
    buttons->addWidget(m_stop);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_list);
    split->addWidget(m_logView);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 2);
    split->setChildrenCollapsible(false);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 4, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);

    connect(m_run, &QPushButton::clicked, this, &TestsPanel::runTestsOrOfferBuild);
    connect(m_stop, &QPushButton::clicked, this, &TestsPanel::cancel);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentChanged, this, &TestsPanel::showSelectedLog);
    showCell(nullptr);
}

TestsPanel::~TestsPanel()
{
    endSession();
}

void TestsPanel::setManifest(const Manifest &manifest)
{
    m_manifest = manifest;
    showCell(nullptr);
}

void TestsPanel::setRow(const QString &test, const QString &kind, TestState state, double seconds,
                        const QString &message, const QString &logPath)
{
    const int row = m_tests->setRow({test, kind, state, seconds, message, logPath});
    const QModelIndex index = m_tests->index(row, TestListModel::NameColumn);
    if (!m_list->currentIndex().isValid())
        m_list->setCurrentIndex(index);
    else if (m_list->currentIndex().row() == row)
        showSelectedLog();
}

void TestsPanel::showCell(const Cell *cell)
{
    const quint64 load = m_loads.start();
    m_tests->clear();
    m_latest.clear();
    m_currentImageId.clear();
    m_logModel->close();
    m_logPath.clear();
    m_hasCell = cell != nullptr;
    if (!cell) {
        m_summary->setText(tr("Select a cell to see its tests."));
        m_run->setEnabled(false);
        return;
    }
    m_cell = *cell;
    const QList<TestSpec> tests = m_manifest.testsFor(cell->component);
    for (const TestSpec &test : tests)
        setRow(test.name, TestSpec::kindName(test.kind), TestState::Untested, 0, QString(), QString());
    m_run->setEnabled(!tests.isEmpty() && !isRunning());
    updateSummary();
    // The latest results come from the history, read on a worker thread.
    const QString historyPath = m_options.historyPath.isEmpty() ? History::defaultPath() : m_options.historyPath;
    auto *watcher = new QFutureWatcher<Loaded>(this);
    connect(watcher, &QFutureWatcher<Loaded>::finished, watcher, &QObject::deleteLater);
    connect(watcher, &QFutureWatcher<Loaded>::finished, this, m_loads.guard(load, [this, watcher, load] {
        Q_ASSERT(QThread::currentThread() == thread());
        m_loads.finish(load);
        const Loaded loaded = watcher->result();
        m_latest = loaded.latest;
        m_currentImageId = loaded.imageId;
        for (const TestRecord &r : loaded.latest) {
            const bool stale = !loaded.imageId.isEmpty() && r.imageId != loaded.imageId;
            setRow(r.test, r.kind, stale ? TestState::Stale : r.state, r.durationSeconds(), r.message, r.logPath);
        }
        // A run going on is newer than the history read.
        const QString key = cellKey(m_cell.component, m_cell.branch, m_cell.docker);
        for (const TestUpdate &u : std::as_const(m_runUpdates)) {
            if (cellKey(u.component, u.branch, u.docker) == key)
                setRow(u.test, u.kind, u.state, u.durationSeconds(), u.message, u.logPath);
        }
        updateSummary();
        Q_EMIT resultsLoaded();
    }));
    const Cell c = *cell;
    watcher->setFuture(QtConcurrent::run([historyPath, c] {
        Loaded loaded;
        History history(historyPath);
        QString error;
        if (history.open(&error)) {
            loaded.latest = history.latestTests(c.component, c.branch, c.docker);
            loaded.imageId = history.latestImageId(c.component, c.branch, c.docker);
        }
        return loaded;
    }));
}

void TestsPanel::updateSummary()
{
    if (!m_hasCell)
        return;
    if (m_tests->rowCount() == 0) {
        m_summary->setText(tr("%1 has no tests; add 'tests:' to it in the manifest.").arg(m_cell.component));
        return;
    }
    bool cellRuns = false;
    for (const TestUpdate &u : std::as_const(m_runUpdates))
        cellRuns = cellRuns ||
                   cellKey(u.component, u.branch, u.docker) == cellKey(m_cell.component, m_cell.branch, m_cell.docker);
    if (isRunning() && cellRuns) {
        m_summary->setText(tr("Testing %1 · %2 · Docker %3…").arg(m_cell.component, m_cell.branch, m_cell.docker));
        return;
    }
    const CellTestStatus status = summarizeTests(m_latest, m_currentImageId);
    m_summary->setText(status.state == TestState::Untested
                           ? tr("Untested")
                           : tr("%1: %2 of %3 passed%4")
                                 .arg(testStateName(status.state))
                                 .arg(status.passed)
                                 .arg(status.total)
                                 .arg(status.message.isEmpty() ? QString() : QStringLiteral(" — ") + status.message));
}

QString TestsPanel::summaryText() const
{
    return m_summary->text();
}

QString TestsPanel::stateOf(const QString &test) const
{
    const int row = m_tests->rowOf(test);
    return row < 0 ? QString() : m_tests->index(row, TestListModel::StateColumn).data().toString();
}

void TestsPanel::showSelectedLog()
{
    const QString path =
        m_list->currentIndex().siblingAtColumn(TestListModel::NameColumn).data(TestListModel::LogPathRole).toString();
    if (path == m_logPath) {
        if (!path.isEmpty())
            m_logModel->refresh();
        return;
    }
    m_logPath = path;
    m_logModel->close();
    if (!path.isEmpty())
        m_logModel->open(path);
}

void TestsPanel::runTestsOrOfferBuild()
{
    if (!m_hasCell)
        return;
    // Built: this window's build says so, or the history has an image of the cell (a build by mrc build).
    if (isSuccess(m_cell.job) || !m_currentImageId.isEmpty()) {
        runTests();
        return;
    }
    // No image yet is a precondition, not a test failure: offer to build first instead of recording a red result.
    auto *box = new QMessageBox(QMessageBox::Question, tr("Build First?"),
                                tr("%1 · %2 · Docker %3 has not been built, so its tests have no image to run.\n\n"
                                   "Build it, then run its tests?")
                                    .arg(m_cell.component, m_cell.branch, m_cell.docker),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("buildFirstBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    QPushButton *build = box->addButton(tr("&Build and Test"), QMessageBox::AcceptRole);
    build->setObjectName(QStringLiteral("buildAndTestButton"));
    QPushButton *anyway = box->addButton(tr("&Test Anyway"), QMessageBox::DestructiveRole);
    anyway->setObjectName(QStringLiteral("testAnywayButton"));
    box->setDefaultButton(build);
    const Cell cell = m_cell;
    connect(box, &QMessageBox::buttonClicked, this, [this, build, anyway, cell](QAbstractButton *button) {
        if (button == build)
            Q_EMIT buildFirstRequested(cell);
        else if (button == anyway)
            runTests(QList<Cell>{cell});
    });
    box->open();
}

bool TestsPanel::runTests()
{
    if (!m_hasCell)
        return false;
    return runTests(QList<Cell>{m_cell});
}

bool TestsPanel::runTests(const QList<Cell> &cells)
{
    if (isRunning() || cells.isEmpty())
        return false;
    const TestPlan plan = TestPlan::make(m_manifest, cells, m_engines);
    if (plan.jobs.isEmpty()) {
        if (m_hasCell)
            m_summary->setText(plan.problems.isEmpty() ? tr("Nothing to test") : plan.problems.join(QLatin1Char('\n')));
        return false;
    }
    m_runUpdates.clear();
    QSet<QString> tested;
    for (const TestJobSpec &job : plan.jobs) {
        tested.insert(cellKey(job.cell.component, job.cell.branch, job.cell.docker));
        TestUpdate queued;
        queued.job = job.id;
        queued.component = job.cell.component;
        queued.branch = job.cell.branch;
        queued.docker = job.cell.docker;
        queued.test = job.test.name;
        queued.kind = TestSpec::kindName(job.test.kind);
        queued.state = TestState::Queued;
        m_runUpdates.insert(cellKey(queued.component, queued.branch, queued.docker) + QLatin1Char('\n') + queued.test,
                            queued);
    }
    // The session plans the same tests (TestPlan::make) on its own thread and runs them; the plan above paints
    // the queued rows at once.
    SessionScope scope;
    scope.manifest = m_manifest;
    scope.cells = cells;
    scope.engines = m_engines;
    scope.selected = cells;
    TestSessionOptions options;
    options.scope = scope;
    options.test = m_options;
    m_session = std::make_unique<TestSession>(m_manifest, options);
    TestSession *session = m_session.get();
    connect(session, &TestSession::jobUpdated, this, [this, session](const TestUpdate &update) {
        if (session == m_session.get())
            onUpdate(update);
    });
    connect(session, &TestSession::logLines, this, [this, session](int, const QByteArray &) {
        if (session == m_session.get() && !m_logPath.isEmpty())
            m_logModel->refresh();
    });
    connect(session, &TestSession::finished, this, [this, session] {
        if (session != m_session.get())
            return;
        endSession();
        m_runUpdates.clear();
        if (m_hasCell) {
            const Cell cell = m_cell;
            showCell(&cell); // the results, as the history now has them
        }
        Q_EMIT testsFinished();
    });
    m_run->setEnabled(false);
    m_stop->setEnabled(true);
    session->start();
    const QString shown = cellKey(m_cell.component, m_cell.branch, m_cell.docker);
    for (const TestUpdate &u : std::as_const(m_runUpdates)) {
        if (m_hasCell && cellKey(u.component, u.branch, u.docker) == shown)
            setRow(u.test, u.kind, u.state, 0, QString(), QString());
    }
    updateSummary();
    Q_EMIT testsStarted(int(plan.jobs.size()), int(tested.size()));
    for (const TestUpdate &u : std::as_const(m_runUpdates))
        Q_EMIT testUpdated(u);
    return true;
}

void TestsPanel::onUpdate(const TestUpdate &update)
{
    const QString key = cellKey(update.component, update.branch, update.docker);
    m_runUpdates.insert(key + QLatin1Char('\n') + update.test, update);
    if (m_hasCell && key == cellKey(m_cell.component, m_cell.branch, m_cell.docker)) {
        setRow(update.test, update.kind, update.state, update.durationSeconds(), update.message, update.logPath);
        updateSummary();
    }
    Q_EMIT testUpdated(update);
}

void TestsPanel::cancel()
{
    if (m_session)
        m_session->cancel();
}

void TestsPanel::endSession()
{
    if (!m_session)
        return;
    // A cancelled test removes its containers and stack first: the session ends when that is done, and the panel
    // waits for that (bounded) without a nested event loop. Its destructor then stops what is left.
    if (!m_session->waitForEnd(60000))
        qWarning("mrc: the tests did not end within 60 s of being cancelled");
    m_session.reset();
    m_stop->setEnabled(false);
    m_run->setEnabled(m_hasCell && !m_manifest.testsFor(m_cell.component).isEmpty());
}

} // namespace mrc
