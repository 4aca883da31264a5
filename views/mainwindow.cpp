// SPDX-License-Identifier: Apache-2.0
#include "views/mainwindow.h"

#include "manifest/branchcut.h"
#include "jobs/buildplan.h"
#include "views/contextimportdialog.h"
#include "jobs/buildstatereader.h"
#include "views/detailspanel.h"
#include "views/enginesdialog.h"
#include "manifest/dockerpolicy.h"
#include "views/historypage.h"
#include "history/historywatcher.h"
#include "views/labelspage.h"
#include "views/publishpage.h"
#include "models/jobsmodel.h"
#include "views/lintpage.h"
#include "views/logindialog.h"
#include "manifest/manifestparser.h"
#include "views/manifestchangebar.h"
#include "views/matrixfilterbar.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "views/matrixview.h"
#include "workspace/refcolumn.h"
#include "views/statestyle.h"
#include "views/templatespage.h"
#include "imagetests/testplan.h"
#include "views/testspanel.h"
#include "views/welcomedialog.h"
#include "workspace/workspace.h"
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QResizeEvent>
#include <QDockWidget>
#include <QThread>
#include <QTimer>
#include <QTreeView>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDialog>
#include <QDir>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QMap>
#include <QMenu>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>
#include <QFileDialog>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QInputDialog>
#include <QSaveFile>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace mrc {

MainWindow::MainWindow(Workspace *workspace, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(workspace)
    , m_model(new MatrixModel(this))
    , m_filter(new MatrixFilterModel(MatrixModel::BranchRole, MatrixModel::StateRole, this))
    , m_view(new MatrixView(this))
    , m_details(new DetailsPanel(workspace->cacheRoot(), this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_pages(new QTabWidget(this))
    , m_problems(new QLabel(this))
    , m_engineBox(new QWidget(this))
    , m_progress(new QProgressBar(this))
    , m_jobsModel(new JobsModel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Monasca Release Console"));
    setWindowIcon(QIcon(QStringLiteral(":/mrc/icons/mrc.svg")));

    m_filter->setSourceModel(m_model);
    m_view->setModel(m_filter);

    m_problems->setObjectName(QStringLiteral("problemsBanner"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->setAutoFillBackground(true);
    m_problems->setMargin(8);
    m_problems->hide();

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    createActions();
    createFilterBar();
    layout->addWidget(m_problems);
    m_policy = new QLabel(this);
    m_policy->setObjectName(QStringLiteral("policyBanner"));
    m_policy->setWordWrap(true);
    m_policy->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_policy->setAutoFillBackground(true);
    m_policy->setMargin(8);
    m_policy->hide();
    layout->addWidget(m_policy);
    m_changeBar = new ManifestChangeBar(this);
    connect(m_changeBar, &ManifestChangeBar::reloadRequested, m_fetchAction, &QAction::trigger);
    layout->addWidget(m_changeBar);
    // The filters sit above the grid on the Matrix page, where no toolbar overflow can hide them.
    auto *matrixPane = new QWidget(m_splitter);
    matrixPane->setObjectName(QStringLiteral("matrixPane"));
    auto *matrixLayout = new QVBoxLayout(matrixPane);
    matrixLayout->setContentsMargins(0, 0, 0, 0);
    matrixLayout->setSpacing(0);
    matrixLayout->addWidget(m_filterBar);
    matrixLayout->addWidget(m_view, 1);
    m_splitter->setObjectName(QStringLiteral("matrixSplitter"));
    m_splitter->addWidget(matrixPane);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 0);
    m_splitter->setCollapsible(0, false);
    m_splitter->setCollapsible(1, true); // the matrix can take the full width (View > Details Panel, F9)
    m_details->setMinimumWidth(fontMetrics().averageCharWidth() * 36);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_splitter, tr("&Matrix"));
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    createPages();

    auto *engineLayout = new QHBoxLayout(m_engineBox);
    engineLayout->setContentsMargins(0, 0, 0, 0);
    engineLayout->setSpacing(12);
    m_progress->setMaximumWidth(180);
    m_progress->setTextVisible(true);
    m_progress->hide();
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_engineBox);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateSelection);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::updateSelection);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
        const QModelIndex current = m_filter->mapToSource(m_view->currentIndex());
        if (current.isValid() && current.row() >= topLeft.row() && current.row() <= bottomRight.row()
            && current.column() >= topLeft.column() && current.column() <= bottomRight.column())
            updateSelection();
    });

    connect(m_workspace, &Workspace::scanStarted, this, [this] {
        m_progress->setRange(0, 0);
        m_progress->show();
        m_cancelAction->setEnabled(true);
        statusBar()->showMessage(tr("Scanning repositories…"));
    });
    connect(m_workspace, &Workspace::progress, this, [this](int done, int total, const QString &what) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_progress->setFormat(tr("%v of %m"));
        statusBar()->showMessage(tr("Scanned %1").arg(what), 3000);
    });
    connect(m_workspace, &Workspace::enginesProbed, this, [this](const QList<EngineStatus> &engines) {
        m_engines = engines;
        m_details->setEngines(engines);
        m_model->setEngines(engines);
        showEngines(engines);
        checkDockerPolicy(engines);
    });
    connect(m_workspace, &Workspace::repoScanned, m_model, &MatrixModel::setRepoStatus);
    connect(m_workspace, &Workspace::cellsUpdated, m_model, &MatrixModel::applyCells);
    TestsPanel *tests = m_details->testsPanel();
    connect(tests, &TestsPanel::testsStarted, this, [this](int count, int cells) {
        m_runningTests.clear();
        m_testsDone = 0;
        m_progress->setRange(0, count);
        m_progress->setValue(0);
        m_progress->setFormat(tr("tests %v of %m"));
        m_progress->show();
        m_stopAction->setEnabled(true);
        statusBar()->showMessage(tr("Testing %n cell(s)…", nullptr, cells));
    });
    connect(tests, &TestsPanel::testUpdated, this, &MainWindow::onTestUpdated);
    connect(tests, &TestsPanel::buildFirstRequested, this, [this](const Cell &cell) { buildAndTest({cell}); });
    connect(tests, &TestsPanel::testsFinished, this, [this] {
        QList<Cell> tested;
        QSet<QString> seen;
        for (auto it = m_runningTests.cbegin(); it != m_runningTests.cend(); ++it) {
            const QString key = it.key().section(QLatin1Char('\n'), 0, 2);
            if (seen.contains(key))
                continue;
            seen.insert(key);
            if (const Cell *cell = m_model->find(key.section(QLatin1Char('\n'), 0, 0), key.section(QLatin1Char('\n'), 1, 1),
                                                 key.section(QLatin1Char('\n'), 2, 2)))
                tested.append(*cell);
        }
        const int failed = int(std::count_if(m_runningTests.cbegin(), m_runningTests.cend(),
                                             [](TestState s) { return s != TestState::Passed; }));
        m_runningTests.clear();
        reloadTests(tested);
        if (!isBuilding()) {
            m_progress->hide();
            m_stopAction->setEnabled(false);
        }
        statusBar()->showMessage(failed ? tr("Tests finished: %n test(s) did not pass", nullptr, failed)
                                        : tr("Tests finished: every test passed"), 10000);
    });
    connect(m_workspace, &Workspace::scanFinished, this, [this](bool) {
        reloadTests(m_model->cells());
        reloadBuildStates();
    });
    connect(m_workspace, &Workspace::scanFinished, this, [this](bool cancelled) {
        m_progress->hide();
        m_cancelAction->setEnabled(false);
        statusBar()->showMessage(cancelled ? tr("Scan cancelled") : tr("Matrix up to date"), 5000);
    });

    createJobsDock();
    restoreSettings();
    setManifest(m_workspace->manifest());
    followOtherProcesses();
}

MainWindow::~MainWindow()
{
    if (m_refCancel)
        m_refCancel->store(true);
    for (QFuture<RefColumnResult> &future : m_refFutures)
        future.waitForFinished();
    stopBuilds();
    if (m_historyThread) {
        m_historyThread->quit();
        m_historyThread->wait();
    }
}

void MainWindow::followOtherProcesses()
{
    qRegisterMetaType<QList<JobRecord>>();
    qRegisterMetaType<QList<TestRecord>>();
    m_historyThread = new QThread(this);
    m_historyThread->setObjectName(QStringLiteral("mrc-history-watch"));
    m_historyWatcher = new HistoryWatcher(History::defaultPath());
    m_historyWatcher->moveToThread(m_historyThread);
    connect(m_historyThread, &QThread::started, m_historyWatcher, &HistoryWatcher::start);
    connect(m_historyThread, &QThread::finished, m_historyWatcher, &QObject::deleteLater);
    connect(m_historyWatcher, &HistoryWatcher::jobsChanged, this, &MainWindow::showOtherJobs);
    connect(m_historyWatcher, &HistoryWatcher::testsChanged, this, &MainWindow::showOtherTests);
    // A shown History page reads the rows again; one busy reading now reads again once it is done.
    connect(m_historyWatcher, &HistoryWatcher::databaseChanged, this, [this] {
        auto *history = findChild<HistoryPage *>();
        if (!history || !history->isVisible())
            return;
        if (!history->isLoading())
            history->refresh();
        else
            connect(history, &HistoryPage::loaded, history, &HistoryPage::refresh,
                    Qt::ConnectionType(Qt::SingleShotConnection | Qt::UniqueConnection));
    });
    m_otherLogs = new QFileSystemWatcher(this);
    connect(m_otherLogs, &QFileSystemWatcher::fileChanged, this, [this](const QString &path) {
        if (path == m_details->shownLogPath())
            m_details->logGrew();
    });
    // A job names its log before the file exists: its folder says when it appears.
    connect(m_otherLogs, &QFileSystemWatcher::directoryChanged, this, [this] {
        for (auto it = m_otherLogsToCome.begin(); it != m_otherLogsToCome.end();) {
            if (!QFileInfo::exists(*it)) {
                ++it;
                continue;
            }
            m_otherLogs->addPath(*it);
            if (*it == m_details->shownLogPath())
                m_details->logGrew();
            it = m_otherLogsToCome.erase(it);
        }
    });
    m_historyThread->start();
}

void MainWindow::showOtherJobs(const QList<JobRecord> &jobs)
{
    for (const JobRecord &record : jobs) {
        if (record.kind != QLatin1String("build"))
            continue;
        // Only this manifest's cells: another workspace may name its components and branches the same.
        const Cell *shown = m_model->find(record.component, record.branch, record.docker);
        if (!shown || (!shown->commit.isEmpty() && !record.commit.isEmpty() && shown->commit != record.commit))
            continue;
        JobUpdate job;
        job.historyId = record.id;
        job.component = record.component;
        job.branch = record.branch;
        job.docker = record.docker;
        job.engine = record.engine;
        job.tag = record.tag;
        job.state = record.state;
        job.message = record.message;
        job.imageId = record.imageId;
        job.logPath = record.logPath;
        job.started = record.started;
        job.finished = record.finished;
        const QString key = job.component + QLatin1Char('\n') + job.branch + QLatin1Char('\n') + job.docker;
        // This window's own build of the same cell is newer than what another process did before it.
        if (const auto mine = m_latestJobs.constFind(key);
            mine != m_latestJobs.constEnd() && mine->job >= 0 && mine->historyId > record.id)
            continue;
        m_jobsModel->track(job);
        m_model->applyJob(job);
        m_latestJobs.insert(key, job);
        const Cell *current = m_model->cellAt(m_filter->mapToSource(m_view->currentIndex()));
        if (current && current->component == job.component && current->branch == job.branch
            && current->docker == job.docker) {
            m_details->showJob(&job);
            m_details->logGrew();
        }
        if (!job.logPath.isEmpty()) {
            if (isFinal(job.state)) {
                m_otherLogs->removePath(job.logPath);
                m_otherLogsToCome.remove(job.logPath);
            } else if (!m_otherLogs->files().contains(job.logPath) && QFileInfo::exists(job.logPath)) {
                m_otherLogs->addPath(job.logPath);
            } else if (!QFileInfo::exists(job.logPath)) {
                m_otherLogsToCome.insert(job.logPath);
                const QString folder = QFileInfo(job.logPath).absolutePath();
                if (!m_otherLogs->directories().contains(folder))
                    m_otherLogs->addPath(folder);
            }
        }
        if (isSuccess(job.state)) {
            if (const Cell *cell = m_model->find(job.component, job.branch, job.docker))
                reloadTests({*cell});
        }
    }
}

void MainWindow::showOtherTests(const QList<TestRecord> &tests)
{
    QList<Cell> finished;
    QList<MatrixModel::TestStatusUpdate> testing;
    for (const TestRecord &test : tests) {
        const Cell *cell = m_model->find(test.component, test.branch, test.docker);
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
        m_model->applyTests(testing);
    reloadTests(finished); // the results as the history now has them
}

void MainWindow::addPage(QWidget *page, const QIcon &icon, const QString &title)
{
    const int index = m_pages->addTab(page, icon, title);
    if (index < 9) {
        auto *action = new QAction(this);
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        connect(action, &QAction::triggered, m_pages, [this, index] { m_pages->setCurrentIndex(index); });
        addAction(action);
    }
}

void MainWindow::createPages()
{
    // Pages get the workspace (manifest, mirror cache) through their constructors; each one is a tab.
    auto *matrixShortcut = new QAction(this);
    matrixShortcut->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(matrixShortcut, &QAction::triggered, m_pages, [this] { m_pages->setCurrentIndex(0); });
    addAction(matrixShortcut);
    // -- pages of later features are added here, one addPage() call each --
    addPage(new LintPage(m_workspace, this), style()->standardIcon(QStyle::SP_MessageBoxWarning), tr("&Lint"));
    addPage(new TemplatesPage(m_workspace, this), style()->standardIcon(QStyle::SP_FileDialogDetailedView), tr("&Templates"));
    addPage(new HistoryPage(this), QIcon(), tr("Hi&story"));
    const MatrixAccess matrix{[this] { return m_model->cells(); }, [this] { return selectedCells(); },
                              [this] { return m_engines; }};
    auto *publish = new PublishPage(m_workspace, matrix, this);
    addPage(publish, style()->standardIcon(QStyle::SP_ArrowUp), tr("&Publish"));
    // Its shortcuts (Ctrl+Shift+P plans the selected cells) work from every page, and show the page.
    for (QAction *action : publish->actions()) {
        addAction(action);
        connect(action, &QAction::triggered, m_pages, [this, publish] { m_pages->setCurrentWidget(publish); });
    }
    auto *labels = new LabelsPage(m_workspace, matrix, this);
    connect(labels, &LabelsPage::driftFound, m_model, &MatrixModel::setDrift);
    addPage(labels, style()->standardIcon(QStyle::SP_FileDialogInfoView), tr("L&abels"));
}

void MainWindow::createActions()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    viewMenu->setObjectName(QStringLiteral("viewMenu"));
    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);

    auto *open = fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Manifest…"));
    m_openAction = open;
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open release manifest"), m_manifestPath,
                                                          tr("Manifests (*.yaml *.yml);;All files (*)"));
        if (!path.isEmpty())
            openManifest(path);
    });

    m_fetchAction = fileMenu->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("&Fetch"));
    m_fetchAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_fetchAction->setToolTip(tr("Read the manifest again when it changed on disk, fetch every repository and rescan "
                                 "the matrix (F5)"));
    connect(m_fetchAction, &QAction::triggered, m_workspace, [this] {
        if (m_changeBar->isChanged() && !loadManifest(m_changeBar->path(), true))
            return;
        m_workspace->scan(true);
    });

    m_rescanAction = fileMenu->addAction(style()->standardIcon(QStyle::SP_FileDialogContentsView), tr("&Rescan from Cache"));
    m_rescanAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_rescanAction->setToolTip(tr("Resolve the matrix from the local mirrors without fetching (Ctrl+R)"));
    connect(m_rescanAction, &QAction::triggered, m_workspace, [this] { m_workspace->scan(false); });

    m_cancelAction = fileMenu->addAction(style()->standardIcon(QStyle::SP_BrowserStop), tr("&Cancel"));
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setEnabled(false);
    connect(m_cancelAction, &QAction::triggered, m_workspace, &Workspace::cancel);

    QMenu *buildMenu = menuBar()->addMenu(tr("&Build"));
    menuBar()->insertMenu(viewMenu->menuAction(), buildMenu);
    m_buildAction = buildMenu->addAction(style()->standardIcon(QStyle::SP_MediaPlay), tr("&Build Selected"));
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
    connect(m_buildColumnAction, &QAction::triggered, this, [this] {
        const QModelIndex current = m_filter->mapToSource(m_view->currentIndex());
        if (!current.isValid())
            return;
        QList<Cell> column;
        for (int row = 0; row < m_model->rowCount(); ++row)
            column.append(m_model->cell(row, current.column()));
        buildCells(column);
    });
    m_forceBuildAction = buildMenu->addAction(tr("&Force Rebuild Selected"));
    m_forceBuildAction->setToolTip(tr("Build even when an image with the same revisions exists, without the layer cache"));
    connect(m_forceBuildAction, &QAction::triggered, this, [this] { buildCells(selectedCells(), true); });
    m_stopAction = buildMenu->addAction(style()->standardIcon(QStyle::SP_MediaStop), tr("&Stop"));
    m_stopAction->setObjectName(QStringLiteral("stopAction"));
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stopAction->setEnabled(false);
    connect(m_stopAction, &QAction::triggered, this, [this] {
        m_stopRequested = true;
        if (m_runner)
            QMetaObject::invokeMethod(m_runner, [runner = m_runner] { runner->cancel(-1); }, Qt::QueuedConnection);
        m_details->testsPanel()->cancel();
    });
    m_retryAction = buildMenu->addAction(tr("&Retry Failed"));
    m_retryAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_retryAction->setEnabled(false);
    connect(m_retryAction, &QAction::triggered, this, [this] {
        QList<Cell> again;
        for (const JobUpdate &job : m_latestJobs) {
            if (job.state == JobState::Failed || job.state == JobState::Cancelled || job.state == JobState::Blocked
                || job.state == JobState::EngineLost || job.state == JobState::Interrupted) {
                for (const Cell &cell : m_model->cells()) {
                    if (cell.component == job.component && cell.branch == job.branch && cell.docker == job.docker)
                        again.append(cell);
                }
            }
        }
        buildCells(again);
    });

    QMenu *enginesMenu = menuBar()->addMenu(tr("&Engines"));
    menuBar()->insertMenu(viewMenu->menuAction(), enginesMenu);
    auto *enginesAction = enginesMenu->addAction(tr("&Engines…"));
    enginesAction->setObjectName(QStringLiteral("enginesAction"));
    enginesAction->setToolTip(tr("Every engine: transport, Docker version, reachability and the columns it builds"));
    connect(enginesAction, &QAction::triggered, this, &MainWindow::showEnginesDialog);
    auto *importAction = enginesMenu->addAction(tr("&Import Docker Contexts…"));
    importAction->setObjectName(QStringLiteral("importContextsAction"));
    importAction->setToolTip(tr("Add engines from the docker CLI's contexts and DOCKER_HOST"));
    connect(importAction, &QAction::triggered, this, &MainWindow::showImportContextsDialog);

    buildMenu->addSeparator();
    m_buildRefAction = buildMenu->addAction(tr("Build &Ref…"));
    m_buildRefAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    m_buildRefAction->setToolTip(tr("Add a column for a tag, a commit or a Gerrit change ref, fetched on demand "
                                    "(Ctrl+Shift+G)"));
    connect(m_buildRefAction, &QAction::triggered, this, &MainWindow::showBuildRefDialog);
    m_removeRefAction = buildMenu->addAction(tr("Remove Ref &Column"));
    m_removeRefAction->setToolTip(tr("Remove the ref column of the current cell"));
    m_removeRefAction->setEnabled(false);
    auto *cutBranch = buildMenu->addAction(tr("Cut &Stable Branch…"));
    cutBranch->setObjectName(QStringLiteral("cutStableBranchAction"));
    cutBranch->setToolTip(tr("Add a stable branch to the manifest with master's Docker versions frozen"));
    connect(cutBranch, &QAction::triggered, this, &MainWindow::cutStableBranch);
    connect(m_removeRefAction, &QAction::triggered, this, [this] {
        const QString ref = currentRefColumn();
        if (!ref.isEmpty())
            confirmRemoveRefColumn(ref);
    });
    connect(m_cancelAction, &QAction::triggered, this, [this] {
        if (m_refCancel)
            m_refCancel->store(true);
    });
    m_view->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view->horizontalHeader(), &QWidget::customContextMenuRequested, this, &MainWindow::showHeaderMenu);

    fileMenu->addSeparator();
    auto *copy = fileMenu->addAction(tr("&Copy Commits"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(copy);
    connect(copy, &QAction::triggered, this, &MainWindow::copySelectedCommits);

    fileMenu->addSeparator();
    auto *login = fileMenu->addAction(tr("&Log In to Registry…"));
    login->setObjectName(QStringLiteral("loginAction"));
    login->setToolTip(tr("Check registry credentials and keep them in the system keychain"));
    connect(login, &QAction::triggered, this, [this] {
        auto *dialog = new LoginDialog(m_workspace->manifest().registry.host, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &LoginDialog::loggedIn, this, [this](const QString &registry, const QString &username) {
            statusBar()->showMessage(tr("Logged in to %1 as %2").arg(registry, username), 8000);
        });
        dialog->open();
    });

    fileMenu->addSeparator();
    auto *quit = fileMenu->addAction(tr("&Quit"));
    quit->setShortcut(QKeySequence::Quit);
    connect(quit, &QAction::triggered, this, &QWidget::close);

    m_detailsAction = viewMenu->addAction(tr("&Details Panel"));
    m_detailsAction->setObjectName(QStringLiteral("detailsPanelAction"));
    m_detailsAction->setCheckable(true);
    m_detailsAction->setChecked(true);
    m_detailsAction->setShortcut(QKeySequence(Qt::Key_F9));
    m_detailsAction->setToolTip(tr("Show or hide the details of the selected cell; hidden, the matrix takes the full "
                                   "width (F9)"));
    connect(m_detailsAction, &QAction::toggled, this, &MainWindow::setDetailsShown);
    connect(m_splitter, &QSplitter::splitterMoved, this, [this] {
        m_splitterSet = true; // the user's choice from now on
        const bool shown = m_splitter->sizes().value(1) > 0;
        if (m_detailsAction->isChecked() != shown) {
            const QSignalBlocker blocker(m_detailsAction);
            m_detailsAction->setChecked(shown);
        }
    });
    // Enter on a cell: its details, brought back when the panel was collapsed.
    connect(m_view, &MatrixView::detailsRequested, this, [this] {
        setDetailsShown(true);
        m_details->focusDetails();
    });

    auto *filter = viewMenu->addAction(tr("&Filter Components"));
    filter->setShortcut(QKeySequence::Find);
    connect(filter, &QAction::triggered, this, [this] {
        m_componentFilter->setFocus(Qt::ShortcutFocusReason);
        m_componentFilter->selectAll();
    });
    auto *clear = viewMenu->addAction(tr("C&lear Filters"));
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    connect(clear, &QAction::triggered, this, [this] {
        m_filterBar->clear();
    });

    auto *about = helpMenu->addAction(tr("&About"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About mrc"),
                           tr("<b>Monasca Release Console</b> %1<br/>Builds, tests and publishes the Docker images of "
                              "OpenStack Monasca.")
                               .arg(QApplication::applicationVersion()));
    });

    toolbar->addAction(open);
    toolbar->addSeparator();
    toolbar->addAction(m_fetchAction);
    toolbar->addAction(m_rescanAction);
    toolbar->addAction(m_cancelAction);
    toolbar->addSeparator();
    toolbar->addAction(m_buildAction);
    toolbar->addAction(m_buildTestAction);
    toolbar->addAction(m_stopAction);
}

void MainWindow::createJobsDock()
{
    auto *dock = new QDockWidget(tr("Jobs"), this);
    dock->setObjectName(QStringLiteral("jobsDock"));
    auto *view = new QTreeView(dock);
    view->setObjectName(QStringLiteral("jobsView"));
    view->setModel(m_jobsModel);
    view->setRootIsDecorated(false);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    view->header()->setStretchLastSection(true);
    view->header()->resizeSection(JobsModel::CellColumn, 260);
    dock->setWidget(view);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    // A closed Jobs panel comes back from the View menu.
    QAction *toggle = dock->toggleViewAction();
    toggle->setObjectName(QStringLiteral("jobsPanelAction"));
    toggle->setText(tr("&Jobs Panel"));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_J));
    if (QMenu *viewMenu = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu")))
        viewMenu->addAction(toggle);
    resizeDocks({dock}, {fontMetrics().height() * 8}, Qt::Vertical);
    // Selecting a job selects its cell, so the details panel shows its log.
    connect(view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        const JobUpdate *job = m_jobsModel->jobAt(index.row());
        if (!job)
            return;
        for (const Cell &cell : m_model->cells()) {
            if (cell.component == job->component && cell.branch == job->branch && cell.docker == job->docker) {
                const QModelIndex shown = m_filter->mapFromSource(m_model->index(cell.row, cell.column));
                if (shown.isValid())
                    m_view->setCurrentIndex(shown);
            }
        }
    });
    auto *ticker = new QTimer(this);
    connect(ticker, &QTimer::timeout, m_jobsModel, &JobsModel::tick);
    ticker->start(1000);
}

QList<Cell> MainWindow::selectedCells() const
{
    QList<Cell> cells;
    for (const QModelIndex &index : m_view->selectionModel()->selectedIndexes()) {
        if (const Cell *cell = m_model->cellAt(m_filter->mapToSource(index)))
            cells.append(*cell);
    }
    return cells;
}

bool MainWindow::buildCells(const QList<Cell> &cells, bool force)
{
    return buildAndTestIf(cells, force, testAfterBuild());
}

bool MainWindow::buildAndTest(const QList<Cell> &cells, bool force)
{
    return buildAndTestIf(cells, force, true);
}

bool MainWindow::testAfterBuild() const
{
    return m_testAfterBuildAction->isChecked();
}

void MainWindow::setTestAfterBuild(bool on)
{
    m_testAfterBuildAction->setChecked(on);
}

bool MainWindow::isTesting() const
{
    return m_details->testsPanel()->isRunning();
}

bool MainWindow::buildAndTestIf(const QList<Cell> &cells, bool force, bool test)
{
    if (isTesting()) {
        statusBar()->showMessage(tr("Tests are running; stop them first (Ctrl+.)"), 5000);
        return false;
    }
    if (isBuilding()) {
        statusBar()->showMessage(tr("A build is running; stop it first (Ctrl+.)"), 5000);
        return false;
    }
    QList<Cell> ready;
    QStringList skipped;
    for (const Cell &cell : cells) {
        if (cell.state == CellState::Ready)
            ready.append(cell);
        else
            skipped.append(QStringLiteral("%1@%2 docker %3: %4").arg(cell.component, cell.branch, cell.docker, cell.message));
    }
    const Manifest manifest = m_workspace->manifest();
    const BuildPlan plan = BuildPlan::make(manifest, m_model->cells(), ready, m_engines, QDateTime::currentDateTimeUtc());
    auto nothingToBuild = [this](const QStringList &why) {
        auto *box = new QMessageBox(QMessageBox::Information, tr("Nothing to build"),
                                    tr("None of the selected cells can be built.\n\n%1").arg(why.join(QLatin1Char('\n'))),
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    };
    if (plan.jobs.isEmpty()) {
        nothingToBuild(skipped + plan.problems);
        return false;
    }

    // The lint gate reads every job's folder from the mirrors: a worker thread's job, not the GUI's.
    m_planning = true;
    setBuildActionsEnabled(false);
    statusBar()->showMessage(tr("Linting %n image(s) before the build…", nullptr, int(plan.jobs.size())));
    auto *watcher = new QFutureWatcher<BuildPlan>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [=, this] {
        watcher->deleteLater();
        m_planning = false;
        const BuildPlan gated = watcher->result();
        if (gated.jobs.isEmpty()) {
            setBuildActionsEnabled(true);
            statusBar()->clearMessage();
            nothingToBuild(skipped + gated.problems);
            return;
        }
        m_testThisBuild = test;
        startBuild(manifest, gated, ready, int(skipped.size() + gated.problems.size()), force);
    });
    watcher->setFuture(QtConcurrent::run([plan, manifest, cacheRoot = m_workspace->cacheRoot()] {
        BuildPlan gated = plan;
        BuildPlan::resolveBuildArgs(gated, manifest, cacheRoot);
        BuildPlan::applyLintGate(gated, manifest, cacheRoot);
        return gated;
    }));
    return true;
}

void MainWindow::setBuildActionsEnabled(bool enabled)
{
    m_buildAction->setEnabled(enabled);
    m_buildColumnAction->setEnabled(enabled);
    m_forceBuildAction->setEnabled(enabled);
    m_buildTestAction->setEnabled(enabled);
}

void MainWindow::startBuild(const Manifest &manifest, const BuildPlan &plan, const QList<Cell> &ready, int skipped,
                            bool force)
{
    if (skipped > 0)
        statusBar()->showMessage(tr("Skipped %n cell(s) that cannot be built", nullptr, skipped), 8000);

    BuildOptions options;
    options.noCache = force;
    options.rebuildHint = tr("Build > Force Rebuild Selected builds it again");
    options.cacheRoot = m_workspace->cacheRoot();
    m_lastBuilt = ready;
    m_stopRequested = false;
    m_buildThread = new QThread(this);
    m_buildThread->setObjectName(QStringLiteral("mrc-build"));
    m_runner = new BuildRunner(manifest, plan, options);
    m_runner->moveToThread(m_buildThread);
    m_jobsModel->reset(m_runner->jobs());
    connect(m_buildThread, &QThread::finished, m_runner, &QObject::deleteLater);
    connect(m_buildThread, &QThread::started, m_runner, &BuildRunner::start);
    connect(m_runner, &BuildRunner::jobUpdated, this, &MainWindow::onJobUpdated);
    connect(m_runner, &BuildRunner::logLines, this, [this](int job, const QByteArray &) {
        const JobUpdate *update = m_jobsModel->jobAt(job);
        if (update && update->logPath == m_details->shownLogPath())
            m_details->logGrew();
    });
    connect(m_runner, &BuildRunner::finished, this, [this] {
        // Say what happened to the jobs of this build: a cancelled job is not a failure.
        QMap<JobState, int> ended;
        for (int row = 0; row < m_jobsModel->rowCount(); ++row) {
            if (const JobUpdate *job = m_jobsModel->jobAt(row))
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
        stopBuilds();
        statusBar()->showMessage(failed == 0 ? tr("Build finished: every image built or up to date")
                                 : stopped  ? tr("Build stopped: %1").arg(parts.join(QStringLiteral(", ")))
                                            : tr("Build finished: %1").arg(parts.join(QStringLiteral(", "))),
                                 10000);
        m_retryAction->setEnabled(failed > 0);
        if (m_testThisBuild && !m_stopRequested)
            testBuiltCells();
        m_testThisBuild = false;
    });
    m_stopAction->setEnabled(true);
    setBuildActionsEnabled(false);
    m_buildThread->start();
    statusBar()->showMessage(tr("Building %n image(s)…", nullptr, int(plan.jobs.size())));
}

void MainWindow::onJobUpdated(const JobUpdate &job)
{
    m_jobsModel->update(job);
    // A job that another took over (its engine was lost, or the base's copy on another engine) speaks for no cell.
    if (job.replacedBy >= 0) {
        if (job.state == JobState::EngineLost)
            m_workspace->scan(false); // the status bar shows the engine unreachable
        return;
    }
    m_model->applyJob(job);
    m_latestJobs.insert(job.component + QLatin1Char('\n') + job.branch + QLatin1Char('\n') + job.docker, job);
    const Cell *current = m_model->cellAt(m_filter->mapToSource(m_view->currentIndex()));
    if (current && current->component == job.component && current->branch == job.branch && current->docker == job.docker)
        m_details->showJob(&job);
    if (job.state == JobState::EngineLost)
        m_workspace->scan(false); // its cells turn no-engine until it answers again
    if (isSuccess(job.state)) {
        // A new image makes the cell's test results stale.
        if (const Cell *cell = m_model->find(job.component, job.branch, job.docker))
            reloadTests({*cell});
    }
}

void MainWindow::testBuiltCells()
{
    QList<Cell> built;
    for (const Cell &selected : std::as_const(m_lastBuilt)) {
        const auto job = m_latestJobs.constFind(selected.component + QLatin1Char('\n') + selected.branch
                                                + QLatin1Char('\n') + selected.docker);
        if (job == m_latestJobs.constEnd() || !isSuccess(job->state))
            continue;
        if (const Cell *cell = m_model->find(selected.component, selected.branch, selected.docker))
            built.append(*cell);
    }
    if (built.isEmpty())
        return;
    if (!m_details->testsPanel()->runTests(built))
        statusBar()->showMessage(tr("The built cells have no tests to run"), 8000);
}

void MainWindow::onTestUpdated(const TestUpdate &update)
{
    const QString key = update.component + QLatin1Char('\n') + update.branch + QLatin1Char('\n') + update.docker;
    const bool final = update.state != TestState::Queued && update.state != TestState::Testing;
    const auto previous = m_runningTests.constFind(key + QLatin1Char('\n') + update.test);
    const bool wasFinal = previous != m_runningTests.constEnd() && *previous != TestState::Queued
        && *previous != TestState::Testing;
    m_runningTests.insert(key + QLatin1Char('\n') + update.test, update.state);
    if (final && !wasFinal)
        m_progress->setValue(++m_testsDone);
    bool cellDone = true;
    for (auto it = m_runningTests.cbegin(); it != m_runningTests.cend(); ++it) {
        if (it.key().startsWith(key + QLatin1Char('\n')))
            cellDone = cellDone && it.value() != TestState::Queued && it.value() != TestState::Testing;
    }
    const Cell *cell = m_model->find(update.component, update.branch, update.docker);
    if (!cell)
        return;
    ++m_testLoad; // a history read started before this update is older than it
    m_testLoaded.insert(key, m_testLoad);
    if (!cellDone) {
        if (cell->testState != TestState::Testing) {
            CellTestStatus testing;
            testing.state = TestState::Testing;
            m_model->applyTests({{update.component, update.branch, update.docker, testing}});
        }
        return;
    }
    reloadTests({*cell}); // the cell's results, as the history now has them
}

void MainWindow::reloadTests(const QList<Cell> &cells)
{
    if (cells.isEmpty())
        return;
    const quint64 load = ++m_testLoad;
    QList<MatrixModel::TestStatusUpdate> keys;
    for (const Cell &cell : cells)
        keys.append({cell.component, cell.branch, cell.docker, {}});
    auto *watcher = new QFutureWatcher<QList<MatrixModel::TestStatusUpdate>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, load] {
        watcher->deleteLater();
        QList<MatrixModel::TestStatusUpdate> apply;
        for (const MatrixModel::TestStatusUpdate &update : watcher->result()) {
            const QString key = update.component + QLatin1Char('\n') + update.branch + QLatin1Char('\n') + update.docker;
            if (m_testLoaded.value(key) > load)
                continue; // a newer read or a live update got there first
            m_testLoaded.insert(key, load);
            apply.append(update);
        }
        m_model->applyTests(apply);
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

void MainWindow::reloadBuildStates()
{
    // A reopened manifest starts with every cell unbuilt: the history says which images were built.
    QList<Cell> unknown;
    for (const Cell &cell : m_model->cells()) {
        if (cell.job == JobState::None)
            unknown.append(cell);
    }
    if (unknown.isEmpty())
        return;
    auto *watcher = new QFutureWatcher<QList<JobUpdate>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        for (const JobUpdate &job : watcher->result()) {
            const Cell *cell = m_model->find(job.component, job.branch, job.docker);
            const QString key = job.component + QLatin1Char('\n') + job.branch + QLatin1Char('\n') + job.docker;
            if (!cell || cell->job != JobState::None)
                continue;
            const auto own = m_latestJobs.constFind(key); // this window's own build is newer
            m_model->applyJob(own != m_latestJobs.constEnd() ? *own : job);
            if (own == m_latestJobs.constEnd())
                m_latestJobs.insert(key, job);
        }
        updateSelection();
    });
    watcher->setFuture(QtConcurrent::run(&BuildStateReader::read, History::defaultPath(), unknown));
}

void MainWindow::stopBuilds()
{
    if (!m_buildThread)
        return;
    if (m_runner)
        QMetaObject::invokeMethod(m_runner, [runner = m_runner] { runner->cancel(-1); }, Qt::BlockingQueuedConnection);
    m_buildThread->quit();
    m_buildThread->wait();
    delete m_buildThread;
    m_buildThread = nullptr;
    m_runner = nullptr;
    m_stopAction->setEnabled(false);
    setBuildActionsEnabled(true);
}

void MainWindow::createFilterBar()
{
    m_filterBar = new MatrixFilterBar(m_filter, {MatrixModel::StateRole, MatrixModel::JobStateRole, MatrixModel::TestStateRole},
                                      this);
    m_componentFilter = m_filterBar->componentEdit();
    m_branchFilter = m_filterBar->branchBox();
    m_stateFilter = m_filterBar->stateBox();
    connect(m_filterBar, &MatrixFilterBar::filtersChanged, this, [this] { m_view->setEmptyText(m_filterBar->emptyText()); });
    m_view->setEmptyText(m_filterBar->emptyText());
}

QStringList MainWindow::refColumns() const
{
    QStringList refs;
    for (const BranchSpec &column : RefColumn::columns(m_workspace->manifest()))
        refs.append(column.ref);
    return refs;
}

QString MainWindow::currentRefColumn() const
{
    const QModelIndex current = m_filter->mapToSource(m_view->currentIndex());
    const Cell *cell = m_model->cellAt(current);
    const BranchSpec *branch = cell ? m_workspace->manifest().branch(cell->branch) : nullptr;
    return branch && branch->isRef() ? branch->ref : QString();
}

bool MainWindow::addRefColumn(const QString &ref, const QStringList &docker)
{
    const QString r = ref.trimmed();
    const Manifest manifest = m_workspace->manifest();
    if (const QString problem = RefColumn::problem(manifest, r); !problem.isEmpty()) {
        statusBar()->showMessage(problem, 8000);
        Q_EMIT refColumnFailed(r, problem);
        return false;
    }
    if (m_resolvingRefs == 0)
        m_refCancel = std::make_shared<std::atomic_bool>(false);
    ++m_resolvingRefs;
    m_progress->setRange(0, 0);
    m_progress->show();
    m_cancelAction->setEnabled(true);
    statusBar()->showMessage(tr("Fetching %1…").arg(r));

    QPointer<MainWindow> self(this);
    auto progress = [self, r](int done, int total, const QString &repo) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, r, done, total, repo] {
                if (!self)
                    return;
                self->m_progress->setRange(0, total);
                self->m_progress->setValue(done);
                self->m_progress->setFormat(tr("%v of %m"));
                self->statusBar()->showMessage(tr("Looking for %1: %2").arg(r, repo), 3000);
            },
            Qt::QueuedConnection);
    };
    auto *watcher = new QFutureWatcher<RefColumnResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, r, docker, path = manifest.path] {
        watcher->deleteLater();
        --m_resolvingRefs;
        if (m_resolvingRefs == 0 && !m_workspace->isScanning()) {
            m_progress->hide();
            m_cancelAction->setEnabled(false);
        }
        const RefColumnResult result = watcher->result();
        if (m_workspace->manifest().path != path) {
            Q_EMIT refColumnFailed(r, tr("another manifest was opened meanwhile"));
            return;
        }
        if (!result.ok()) {
            statusBar()->showMessage(tr("Cannot add %1: %2").arg(r, result.error), 15000);
            Q_EMIT refColumnFailed(r, result.error);
            return;
        }
        m_refDocker.insert(r, docker);
        changeColumns(RefColumn::withColumn(m_workspace->manifest(), result.branch));
        statusBar()->showMessage(tr("%1 is in %2; based on %3, Docker %4")
                                     .arg(r, result.components(m_workspace->manifest()).join(QStringLiteral(", ")),
                                          result.branch.basedOn, result.branch.docker.join(QStringLiteral(", "))),
                                 10000);
        Q_EMIT refColumnAdded(r);
    });
    const QFuture<RefColumnResult> future = QtConcurrent::run([manifest, r, docker, cacheRoot = m_workspace->cacheRoot(),
                                                               cancel = m_refCancel, progress] {
        return RefColumn::resolve(manifest, r, docker, cacheRoot, cancel.get(), progress);
    });
    m_refFutures.removeIf([](const QFuture<RefColumnResult> &f) { return f.isFinished(); });
    m_refFutures.append(future);
    watcher->setFuture(future);
    return true;
}

bool MainWindow::removeRefColumn(const QString &ref)
{
    const BranchSpec *column = m_workspace->manifest().branch(ref);
    if (!column || !column->isRef())
        return false;
    m_refDocker.remove(ref);
    changeColumns(RefColumn::withoutColumn(m_workspace->manifest(), ref));
    statusBar()->showMessage(tr("Removed the column of %1").arg(ref), 5000);
    return true;
}

void MainWindow::changeColumns(const Manifest &updated)
{
    // The cells that stay keep what they show (commit, job) until the rescan brings them up to date.
    const QList<Cell> old = m_model->cells();
    m_workspace->setManifest(updated);
    setManifest(updated);
    const auto keys = m_model->columnKeys();
    QList<Cell> carried;
    for (Cell cell : old) {
        const qsizetype column = keys.indexOf(qMakePair(cell.branch, cell.docker));
        if (column < 0)
            continue;
        cell.column = int(column);
        carried.append(cell);
    }
    m_model->applyCells(carried);
    saveRefColumns();
    m_workspace->scan(false);
}

void MainWindow::confirmRemoveRefColumn(const QString &ref)
{
    const auto answer = QMessageBox::question(this, tr("Remove Ref Column"),
                                              tr("Remove the column of %1? Its images stay on the engines; "
                                                 "Build Ref… adds it back.")
                                                  .arg(ref),
                                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
    if (answer == QMessageBox::Yes)
        removeRefColumn(ref);
}

void MainWindow::showHeaderMenu(const QPoint &pos)
{
    const int section = m_view->horizontalHeader()->logicalIndexAt(pos);
    if (section < 0)
        return;
    const QString branch = m_filter->headerData(section, Qt::Horizontal, MatrixModel::BranchRole).toString();
    const BranchSpec *column = m_workspace->manifest().branch(branch);
    QMenu menu(this);
    menu.addAction(m_buildRefAction);
    if (column && column->isRef()) {
        menu.addAction(style()->standardIcon(QStyle::SP_TitleBarCloseButton), tr("&Close Column of %1").arg(branch),
                       this, [this, branch] { confirmRemoveRefColumn(branch); });
    }
    menu.exec(m_view->horizontalHeader()->mapToGlobal(pos));
}

void MainWindow::showBuildRefDialog()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Build Ref"));
    auto *form = new QFormLayout(&dialog);
    auto *ref = new QLineEdit(&dialog);
    ref->setObjectName(QStringLiteral("refEdit"));
    ref->setPlaceholderText(QStringLiteral("refs/changes/51/558751/1"));
    ref->setMinimumWidth(fontMetrics().averageCharWidth() * 44);
    auto *docker = new QComboBox(&dialog);
    docker->addItem(tr("Those of the branch it is based on"));
    QStringList versions;
    for (const BranchSpec &branch : m_workspace->manifest().branches) {
        for (const QString &version : branch.docker) {
            if (!versions.contains(version))
                versions.append(version);
        }
    }
    for (const QString &version : std::as_const(versions))
        docker->addItem(tr("Docker %1").arg(version), version);
    auto *hint = new QLabel(tr("A tag, a commit (full or abbreviated sha), or a ref such as a Gerrit change. It is "
                               "fetched where the mirrors lack it and shown as a column for the components whose "
                               "repositories have it."),
                            &dialog);
    hint->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Add Column"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(ref, &QLineEdit::textChanged, &dialog, [buttons](const QString &text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(tr("&Ref:"), ref);
    form->addRow(tr("&Docker:"), docker);
    form->addRow(hint);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString version = docker->currentData().toString();
    if (!addRefColumn(ref->text(), version.isEmpty() ? QStringList() : QStringList{version}))
        QMessageBox::warning(this, tr("Build Ref"), RefColumn::problem(m_workspace->manifest(), ref->text()));
}

namespace {
QString refSettingsKey(const QString &manifestPath)
{
    const QByteArray hash = QCryptographicHash::hash(QFileInfo(manifestPath).absoluteFilePath().toUtf8(),
                                                     QCryptographicHash::Sha1);
    return QStringLiteral("refColumns/") + QString::fromLatin1(hash.toHex().left(16));
}
} // namespace

void MainWindow::saveRefColumns() const
{
    const QString path = m_workspace->manifest().path;
    if (path.isEmpty() || path.startsWith(QLatin1Char(':')))
        return;
    QStringList entries;
    for (const BranchSpec &column : RefColumn::columns(m_workspace->manifest()))
        entries.append(column.ref + QLatin1Char('\n') + m_refDocker.value(column.ref).join(QLatin1Char(',')));
    QSettings settings;
    if (entries.isEmpty())
        settings.remove(refSettingsKey(path));
    else
        settings.setValue(refSettingsKey(path), entries);
}

void MainWindow::restoreRefColumns()
{
    const QString path = m_workspace->manifest().path;
    if (path.isEmpty() || path.startsWith(QLatin1Char(':')))
        return;
    const QStringList entries = QSettings().value(refSettingsKey(path)).toStringList();
    for (const QString &entry : entries) {
        const QString ref = entry.section(QLatin1Char('\n'), 0, 0);
        const QString docker = entry.section(QLatin1Char('\n'), 1);
        addRefColumn(ref, docker.split(QLatin1Char(','), Qt::SkipEmptyParts));
    }
}

bool MainWindow::openManifest(const QString &path)
{
    if (!loadManifest(path, false))
        return false;
    if (!path.startsWith(QLatin1Char(':')))
        QSettings().setValue(QStringLiteral("manifest/last"), QFileInfo(path).absoluteFilePath());
    m_workspace->scan(false);
    return true;
}

QString MainWindow::lastManifest()
{
    const QString last = QSettings().value(QStringLiteral("manifest/last")).toString();
    return !last.isEmpty() && QFileInfo::exists(last) ? last : QString();
}

void MainWindow::offerManifest()
{
    auto *dialog = new WelcomeDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::finished, this, [this, dialog] {
        switch (dialog->choice()) {
        case WelcomeDialog::Choice::Open:
            m_openAction->trigger();
            break;
        case WelcomeDialog::Choice::Monasca:
            openManifest(ManifestParser::defaultManifestPath());
            break;
        case WelcomeDialog::Choice::Demo:
            createDemo(dialog->demoFolder());
            break;
        case WelcomeDialog::Choice::None:
            break;
        }
    });
    dialog->open();
}

void MainWindow::createDemo(const QString &folder)
{
    // Git repositories and an engine probe: a worker thread's job.
    m_progress->setRange(0, 0);
    m_progress->show();
    statusBar()->showMessage(tr("Creating the demo workspace in %1…").arg(folder));
    auto *watcher = new QFutureWatcher<QString>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, folder] {
        watcher->deleteLater();
        m_progress->hide();
        const QString error = watcher->result();
        if (!error.isEmpty()) {
            statusBar()->clearMessage();
            showProblems({tr("Cannot create the demo in %1: %2").arg(folder, error)});
            return;
        }
        openManifest(QDir(folder).filePath(QStringLiteral("release.yaml")));
    });
    watcher->setFuture(QtConcurrent::run([folder] {
        const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 2000);
        QString error;
        DemoWorkspace::create(folder, false, engine.reachable ? engine.majorMinor() : QString(), &error);
        return error;
    }));
}

bool MainWindow::loadManifest(const QString &path, bool keepRefColumns)
{
    const ManifestResult result = ManifestParser::load(path);
    if (!result.ok()) {
        QStringList lines;
        for (const ManifestProblem &problem : result.problems)
            lines.append(problem.toString());
        showProblems(lines);
        return false;
    }
    showProblems({});
    m_manifestPath = path;
    m_changeBar->watch(path);
    if (keepRefColumns) {
        // A reload keeps the ref columns shown; the cells that stay keep what they show until the scan.
        Manifest manifest = result.manifest;
        for (const BranchSpec &column : RefColumn::columns(m_workspace->manifest()))
            manifest = RefColumn::withColumn(manifest, column);
        const QList<Cell> old = m_model->cells();
        m_workspace->setManifest(manifest);
        setManifest(manifest);
        const auto keys = m_model->columnKeys();
        QList<Cell> carried;
        for (Cell cell : old) {
            const qsizetype column = keys.indexOf(qMakePair(cell.branch, cell.docker));
            const Cell *now = m_model->find(cell.component, cell.branch, cell.docker);
            if (column < 0 || !now)
                continue;
            cell.column = int(column);
            cell.row = now->row;
            carried.append(cell);
        }
        m_model->applyCells(carried);
        return true;
    }
    m_workspace->setManifest(result.manifest);
    setManifest(result.manifest);
    m_refDocker.clear();
    restoreRefColumns(); // the ref columns this workspace had, fetched again in the background
    return true;
}

void MainWindow::setManifest(const Manifest &manifest)
{
    m_model->setManifest(manifest);
    m_details->setManifest(manifest);
    setWindowFilePath(manifest.path);
    setWindowTitle(manifest.path.isEmpty() ? tr("Monasca Release Console")
                                           : tr("%1 — Monasca Release Console").arg(QFileInfo(manifest.path).fileName()));

    QStringList branches;
    for (const BranchSpec &spec : manifest.branches)
        branches.append(spec.name);
    m_filterBar->setBranches(branches);
    fitMatrixWidth();

    QList<EngineStatus> pending;
    for (const EngineSpec &spec : manifest.engines)
        pending.append({spec.name, spec.host, false, {}, {}, tr("not probed yet")});
    showEngines(pending);
}

void MainWindow::showEnginesDialog()
{
    auto *dialog = new EnginesDialog(m_workspace->manifest(), m_engines, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void MainWindow::showImportContextsDialog()
{
    struct Found
    {
        QList<DockerContext> contexts;
        QStringList problems;
    };
    auto *watcher = new QFutureWatcher<Found>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Found found = watcher->result();
        QStringList present;
        for (const EngineSpec &engine : m_workspace->manifest().engines) {
            if (!engine.context.isEmpty())
                present.append(engine.context);
        }
        auto *dialog = new ContextImportDialog(found.contexts, found.problems, present, this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            const QStringList added = importContexts(dialog->chosen());
            if (!added.isEmpty())
                statusBar()->showMessage(tr("Added engine(s) %1 from Docker contexts").arg(added.join(QStringLiteral(", "))),
                                         10000);
        });
        dialog->open();
    });
    watcher->setFuture(QtConcurrent::run([] {
        Found found;
        found.contexts = DockerContext::list({}, &found.problems);
        return found;
    }));
}

QStringList MainWindow::importContexts(const QList<DockerContext> &contexts)
{
    Manifest updated = m_workspace->manifest();
    QStringList added;
    for (const DockerContext &context : contexts) {
        const bool present = std::any_of(updated.engines.cbegin(), updated.engines.cend(), [&](const EngineSpec &e) {
            return e.context == context.name;
        });
        if (present)
            continue;
        EngineSpec engine = context.toEngine();
        const auto taken = [&updated](const QString &name) {
            return std::any_of(updated.engines.cbegin(), updated.engines.cend(),
                               [&name](const EngineSpec &e) { return e.name == name; });
        };
        if (taken(engine.name))
            engine.name += QStringLiteral("-context");
        for (int n = 2; taken(engine.name); ++n)
            engine.name = context.name + QStringLiteral("-context-%1").arg(n);
        updated.engines.append(engine);
        added.append(engine.name);
    }
    if (added.isEmpty())
        return added;
    changeColumns(updated); // same grid, more engines; the rescan probes them
    return added;
}

void MainWindow::showEngines(const QList<EngineStatus> &engines)
{
    QLayout *layout = m_engineBox->layout();
    while (QLayoutItem *item = layout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const EngineStatus &engine : engines) {
        auto *label = new QLabel(m_engineBox);
        label->setObjectName(QStringLiteral("engine-%1").arg(engine.name));
        const CellState state = engine.reachable ? CellState::Ready : CellState::NoEngine;
        const QString text = engine.reachable
            ? tr("%1: Docker %2").arg(engine.name, engine.version)
            : tr("%1: unreachable").arg(engine.name);
        const int side = fontMetrics().height();
        label->setTextFormat(Qt::PlainText);
        label->setText(text);
        label->setToolTip(engine.reachable ? tr("%1 — API %2").arg(engine.host, engine.apiVersion)
                                           : tr("%1 — %2").arg(engine.host, engine.error));
        auto *icon = new QLabel(m_engineBox);
        icon->setPixmap(StateStyle::icon(state, side).pixmap(side, side));
        icon->setToolTip(label->toolTip());
        layout->addWidget(icon);
        layout->addWidget(label);
    }
}

void MainWindow::checkDockerPolicy(const QList<EngineStatus> &engines)
{
    QStringList versions;
    for (const EngineStatus &engine : engines) {
        if (engine.reachable)
            versions << engine.majorMinor();
    }
    const Manifest manifest = m_workspace->manifest();
    const quint64 check = ++m_policyCheck;
    // git reads the manifest's history: off the GUI thread.
    auto *watcher = new QFutureWatcher<ManifestProblems>(this);
    connect(watcher, &QFutureWatcher<ManifestProblems>::finished, this, [this, watcher, check] {
        watcher->deleteLater();
        if (check != m_policyCheck)
            return;
        const ManifestProblems findings = watcher->result();
        if (findings.isEmpty()) {
            m_policy->hide();
            return;
        }
        QStringList lines;
        for (const ManifestProblem &finding : findings)
            lines << finding.toString();
        QPalette palette = m_policy->palette();
        palette.setColor(QPalette::Window, StateStyle::background(CellState::NoEngine, palette));
        m_policy->setPalette(palette);
        m_policy->setText(tr("Docker version policy: %n finding(s)\n", nullptr, int(findings.size()))
                          + lines.join(QLatin1Char('\n')));
        m_policy->show();
    });
    watcher->setFuture(QtConcurrent::run([manifest, versions] {
        const std::optional<DockerPolicy::History> history = DockerPolicy::history(manifest.path);
        return DockerPolicy::check(manifest, versions, history ? &*history : nullptr);
    }));
}

void MainWindow::cutStableBranch()
{
    const QString path = m_workspace->manifest().path;
    if (path.isEmpty() || path.startsWith(QLatin1Char(':'))) {
        QMessageBox::information(this, tr("Cut Stable Branch"),
                                 tr("The built-in manifest cannot be changed; open a release.yaml first."));
        return;
    }
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Cut Stable Branch"),
                                               tr("New branch (master's Docker versions are frozen into it):"),
                                               QLineEdit::Normal, QStringLiteral("stable/"), &ok)
                             .trimmed();
    if (!ok || name.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(this, tr("Cut Stable Branch"), tr("Cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    const BranchCut::Result cut = BranchCut::cut(file.readAll(), path, name, QDate::currentDate());
    file.close();
    if (!cut.ok()) {
        QMessageBox::warning(this, tr("Cut Stable Branch"), cut.error);
        return;
    }
    QMessageBox confirm(QMessageBox::Question, tr("Cut Stable Branch"),
                        tr("Write this change to %1?").arg(QFileInfo(path).fileName()),
                        QMessageBox::Save | QMessageBox::Cancel, this);
    confirm.setObjectName(QStringLiteral("cutBranchConfirm"));
    confirm.setDetailedText(cut.diff);
    confirm.setInformativeText(cut.diff.section(QLatin1Char('\n'), 3));
    if (confirm.exec() != QMessageBox::Save)
        return;
    QSaveFile save(path);
    if (!save.open(QIODevice::WriteOnly) || save.write(cut.text) != cut.text.size() || !save.commit()) {
        QMessageBox::warning(this, tr("Cut Stable Branch"), tr("Cannot write %1: %2").arg(path, save.errorString()));
        return;
    }
    openManifest(path);
}

void MainWindow::showProblems(const QStringList &problems)
{
    if (problems.isEmpty()) {
        m_problems->hide();
        return;
    }
    QPalette palette = m_problems->palette();
    palette.setColor(QPalette::Window, StateStyle::background(CellState::Error, palette));
    m_problems->setPalette(palette);
    m_problems->setText(tr("The manifest has %n problem(s); the matrix still shows the last good one.\n",
                           nullptr, int(problems.size()))
                        + problems.join(QLatin1Char('\n')));
    m_problems->show();
}

void MainWindow::updateSelection()
{
    const QModelIndexList selected = m_view->selectionModel()->selectedIndexes();
    const QModelIndex current = m_filter->mapToSource(m_view->currentIndex());
    if (selected.size() > 1) {
        m_details->showCell(nullptr, int(selected.size()));
        return;
    }
    const Cell *cell = m_model->cellAt(current);
    m_removeRefAction->setEnabled(!currentRefColumn().isEmpty());
    m_details->showCell(cell, 1);
    const auto job = cell ? m_latestJobs.constFind(cell->component + QLatin1Char('\n') + cell->branch + QLatin1Char('\n') + cell->docker)
                          : m_latestJobs.constEnd();
    m_details->showJob(job != m_latestJobs.constEnd() ? &*job : nullptr);
}

void MainWindow::copySelectedCommits()
{
    QStringList lines;
    for (const QModelIndex &index : m_view->selectionModel()->selectedIndexes()) {
        const Cell *cell = m_model->cellAt(m_filter->mapToSource(index));
        if (cell && !cell->commit.isEmpty())
            lines.append(QStringLiteral("%1\t%2\t%3\t%4").arg(cell->component, cell->branch, cell->docker, cell->commit));
    }
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitterSet = m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1280, 760);
    m_detailsAction->setChecked(m_splitter->sizes().value(1) > 0 || !m_splitterSet);
}

void MainWindow::fitMatrixWidth()
{
    if (!m_detailsAction || m_splitterSet || !m_detailsAction->isChecked())
        return;
    const int total = std::max(m_splitter->width(), width() - 2);
    const int wanted = m_view->fullWidth();
    const int details = std::max(m_details->minimumWidth(), total - wanted - m_splitter->handleWidth());
    m_splitter->setSizes({total - details - m_splitter->handleWidth(), details});
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    fitMatrixWidth();
}

void MainWindow::setDetailsShown(bool shown)
{
    const QList<int> sizes = m_splitter->sizes();
    const int total = sizes.value(0) + sizes.value(1);
    if (!shown) {
        if (sizes.value(1) > 0)
            m_detailsWidth = sizes.value(1);
        m_splitter->setSizes({total, 0});
    } else if (sizes.value(1) == 0) {
        const int details = m_detailsWidth > 0 ? m_detailsWidth : m_details->minimumWidth();
        m_splitter->setSizes({std::max(0, total - details), details});
    }
    if (m_detailsAction->isChecked() != shown)
        m_detailsAction->setChecked(shown);
}

void MainWindow::saveSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("window/splitter"), m_splitter->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    m_workspace->cancel();
    event->accept();
}

} // namespace mrc
