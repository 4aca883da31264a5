// SPDX-License-Identifier: Apache-2.0
#include "views/mainwindow.h"

#include "lint/lintrule.h"
#include "manifest/manifestparser.h"
#include "models/jobsmodel.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "views/automationpage.h"
#include "views/banner.h"
#include "views/buildcontroller.h"
#include "views/detailspanel.h"
#include "views/enginescontroller.h"
#include "views/enginestatusbox.h"
#include "views/firststart.h"
#include "views/historyfollower.h"
#include "views/historypage.h"
#include "views/jobsdock.h"
#include "views/labelspage.h"
#include "views/lintpage.h"
#include "views/logindialog.h"
#include "views/manifestchangebar.h"
#include "views/matrixfilterbar.h"
#include "views/matrixsplitter.h"
#include "views/matrixview.h"
#include "views/policybanner.h"
#include "views/publishpage.h"
#include "views/publishshortcuts.h"
#include "views/refcolumnscontroller.h"
#include "views/stablebranchcut.h"
#include "views/templatespage.h"
#include "workspace/refcolumn.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QResizeEvent>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QTabWidget>
#include <QToolBar>
#include <QVBoxLayout>

namespace mrc {

MainWindow::MainWindow(Workspace *workspace, QWidget *parent)
    : QMainWindow(parent), m_workspace(workspace), m_model(new MatrixModel(this)),
      m_filter(new MatrixFilterModel(MatrixModel::BranchRole, MatrixModel::StateRole, this)),
      m_view(new MatrixView(this)), m_details(new DetailsPanel(workspace->cacheRoot(), this)),
      m_splitter(new MatrixSplitter(m_view, m_details, this)), m_pages(new QTabWidget(this)),
      m_problems(new Banner(QStringLiteral("problemsBanner"), this)), m_engineBox(new EngineStatusBox(this)),
      m_progress(new QProgressBar(this)), m_jobsModel(new JobsModel(this))
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("Monasca Release Console"));
    setWindowIcon(QIcon(QStringLiteral(":/mrc/icons/mrc.svg")));

    m_filter->setSourceModel(m_model);
    m_view->setModel(m_filter);
    createCentral();
    createPages();
    createStatusBar();

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MainWindow::updateSelection);
    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this, &MainWindow::updateSelection);
    connect(m_model, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                const QModelIndex current = m_filter->mapToSource(m_view->currentIndex());
                if (current.isValid() && current.row() >= topLeft.row() && current.row() <= bottomRight.row() &&
                    current.column() >= topLeft.column() && current.column() <= bottomRight.column())
                    updateSelection();
            });
    connectWorkspace();
    createJobsDock();
    restoreSettings();
    setManifest(m_workspace->manifest());
    m_follower->start(); // builds and tests that other processes run meanwhile
}

MainWindow::~MainWindow()
{
    m_refColumns->cancelAndWait();
    m_builds->stopBuilds();
    m_follower->stop();
}

void MainWindow::createCentral()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    createActions();
    createFilterBar();
    layout->addWidget(m_problems);
    m_policy = new PolicyBanner(this);
    layout->addWidget(m_policy);
    m_changeBar = new ManifestChangeBar(this);
    connect(m_changeBar, &ManifestChangeBar::reloadRequested, m_fetchAction, &QAction::trigger);
    layout->addWidget(m_changeBar);
    m_splitter->setPanes(m_filterBar);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_pages->setDocumentMode(true);
    m_pages->addTab(m_splitter, tr("&Matrix"));
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
}

void MainWindow::createStatusBar()
{
    m_progress->setMaximumWidth(180);
    m_progress->setTextVisible(true);
    m_progress->hide();
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_engineBox);
}

void MainWindow::connectWorkspace()
{
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
        m_engineBox->setEngines(engines);
        m_policy->check(m_workspace->manifest(), engines);
    });
    connect(m_workspace, &Workspace::repoScanned, m_model, &MatrixModel::setRepoStatus);
    connect(m_workspace, &Workspace::cellsUpdated, m_model, &MatrixModel::applyCells);
    connect(m_workspace, &Workspace::scanFinished, this, [this](bool cancelled) {
        m_builds->reloadTests(m_model->cells());
        m_builds->reloadBuildStates();
        m_progress->hide();
        m_cancelAction->setEnabled(false);
        statusBar()->showMessage(cancelled ? tr("Scan cancelled") : tr("Matrix up to date"), 5000);
    });
}

void MainWindow::createControllers()
{
    m_builds = new BuildController({m_workspace, m_model, m_filter, m_view, m_details, m_jobsModel, m_progress, this,
                                    [this] { return m_engines; }},
                                   this);
    connect(m_builds, &BuildController::testStatesLoaded, this, &MainWindow::testStatesLoaded);
    connect(m_builds, &BuildController::buildStatesLoaded, this, &MainWindow::updateSelection);
    m_refColumns =
        new RefColumnsController({m_workspace, m_model, m_filter, m_view, m_progress, m_cancelAction, this}, this);
    connect(m_refColumns, &RefColumnsController::refColumnAdded, this, &MainWindow::refColumnAdded);
    connect(m_refColumns, &RefColumnsController::refColumnFailed, this, &MainWindow::refColumnFailed);
    connect(m_refColumns, &RefColumnsController::columnsChanged, this, &MainWindow::changeColumns);
    m_follower = new HistoryFollower(m_model, m_details, m_builds, this);
    m_enginesMenu = new EnginesController(
        m_workspace, [this] { return m_engines; }, this);
    connect(m_enginesMenu, &EnginesController::enginesChanged, this, &MainWindow::changeColumns);
    connect(m_enginesMenu, &EnginesController::status, statusBar(), &QStatusBar::showMessage);
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

    createFileMenu(fileMenu);
    createControllers();
    QMenu *buildMenu = menuBar()->addMenu(tr("&Build"));
    menuBar()->insertMenu(viewMenu->menuAction(), buildMenu);
    m_builds->createActions(buildMenu);
    QMenu *enginesMenu = menuBar()->addMenu(tr("&Engines"));
    menuBar()->insertMenu(viewMenu->menuAction(), enginesMenu);
    m_enginesMenu->createActions(enginesMenu);
    buildMenu->addSeparator();
    m_refColumns->createActions(buildMenu);
    auto *cutBranch = buildMenu->addAction(tr("Cut &Stable Branch…"));
    cutBranch->setObjectName(QStringLiteral("cutStableBranchAction"));
    cutBranch->setToolTip(tr("Add a stable branch to the manifest with master's Docker versions frozen"));
    connect(cutBranch, &QAction::triggered, this, [this] {
        if (StableBranchCut::ask(this, m_workspace->manifest().path))
            openManifest(m_workspace->manifest().path);
    });
    createViewMenu(viewMenu);
    createHelpMenu(helpMenu);

    toolbar->addAction(m_openAction);
    toolbar->addSeparator();
    toolbar->addAction(m_fetchAction);
    toolbar->addAction(m_rescanAction);
    toolbar->addAction(m_cancelAction);
    toolbar->addSeparator();
    toolbar->addAction(m_builds->buildAction());
    toolbar->addAction(m_builds->buildTestAction());
    toolbar->addAction(m_builds->stopAction());
}

void MainWindow::createFileMenu(QMenu *fileMenu)
{
    m_openAction = fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Manifest…"));
    m_openAction->setShortcut(QKeySequence::Open);
    connect(m_openAction, &QAction::triggered, this, [this] {
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
    m_rescanAction =
        fileMenu->addAction(style()->standardIcon(QStyle::SP_FileDialogContentsView), tr("&Rescan from Cache"));
    m_rescanAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_rescanAction->setToolTip(tr("Resolve the matrix from the local mirrors without fetching (Ctrl+R)"));
    connect(m_rescanAction, &QAction::triggered, m_workspace, [this] { m_workspace->scan(false); });
    m_cancelAction = fileMenu->addAction(style()->standardIcon(QStyle::SP_BrowserStop), tr("&Cancel"));
    m_cancelAction->setShortcut(QKeySequence(Qt::Key_Escape));
    m_cancelAction->setEnabled(false);
    connect(m_cancelAction, &QAction::triggered, m_workspace, &Workspace::cancel);

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
}

void MainWindow::createViewMenu(QMenu *viewMenu)
{
    m_splitter->createDetailsAction(viewMenu);
}

void MainWindow::createHelpMenu(QMenu *helpMenu)
{
    auto *about = helpMenu->addAction(tr("&About"));
    connect(about, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About mrc"),
                           tr("<b>Monasca Release Console</b> %1<br/>Builds, tests and publishes the Docker images of "
                              "OpenStack Monasca.")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::createFilterBar()
{
    m_filterBar = new MatrixFilterBar(
        m_filter, {MatrixModel::StateRole, MatrixModel::JobStateRole, MatrixModel::TestStateRole}, this);
    if (QMenu *viewMenu = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu")))
        m_filterBar->addActionsTo(viewMenu); // after Details Panel, before Jobs Panel
    connect(m_filterBar, &MatrixFilterBar::filtersChanged, this,
            [this] { m_view->setEmptyText(m_filterBar->emptyText()); });
    m_view->setEmptyText(m_filterBar->emptyText());
}

void MainWindow::createJobsDock()
{
    auto *dock = new JobsDock(m_jobsModel, this);
    addDockWidget(Qt::BottomDockWidgetArea, dock);
    // A closed Jobs panel comes back from the View menu.
    if (QMenu *viewMenu = menuBar()->findChild<QMenu *>(QStringLiteral("viewMenu")))
        viewMenu->addAction(dock->toggleViewAction());
    resizeDocks({dock}, {fontMetrics().height() * 8}, Qt::Vertical);
    // Selecting a job selects its cell, so the details panel shows its log.
    connect(dock, &JobsDock::jobActivated, this, [this](const JobUpdate &job) {
        if (const Cell *cell = m_model->find(job.component, job.branch, job.docker)) {
            const QModelIndex shown = m_filter->mapFromSource(m_model->index(cell->row, cell->column));
            if (shown.isValid())
                m_view->setCurrentIndex(shown);
        }
    });
}

bool MainWindow::buildCells(const QList<Cell> &cells, bool force)
{
    return m_builds->buildCells(cells, force);
}

bool MainWindow::buildAndTest(const QList<Cell> &cells, bool force)
{
    return m_builds->buildAndTest(cells, force);
}

bool MainWindow::testAfterBuild() const
{
    return m_builds->testAfterBuild();
}

void MainWindow::setTestAfterBuild(bool on)
{
    m_builds->setTestAfterBuild(on);
}

bool MainWindow::isTesting() const
{
    return m_builds->isTesting();
}

bool MainWindow::isBuilding() const
{
    return m_builds->isBuilding();
}

bool MainWindow::addRefColumn(const QString &ref, const QStringList &docker)
{
    return m_refColumns->addRefColumn(ref, docker);
}

bool MainWindow::removeRefColumn(const QString &ref)
{
    return m_refColumns->removeRefColumn(ref);
}

QStringList MainWindow::refColumns() const
{
    return m_refColumns->refColumns();
}

void MainWindow::showEnginesDialog()
{
    m_enginesMenu->showEnginesDialog();
}

void MainWindow::showImportContextsDialog()
{
    m_enginesMenu->showImportContextsDialog();
}

QStringList MainWindow::importContexts(const QList<DockerContext> &contexts)
{
    return m_enginesMenu->importContexts(contexts);
}

QSplitter *MainWindow::matrixSplitter() const
{
    return m_splitter;
}

bool MainWindow::isResolvingRef() const
{
    return m_refColumns->isResolvingRef();
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
    m_refColumns->updateActions();
    m_details->showCell(cell, 1);
    m_details->showJob(cell ? m_builds->latestJob(cell->component, cell->branch, cell->docker) : nullptr);
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

void MainWindow::offerManifest()
{
    if (!m_firstStart) {
        m_firstStart = new FirstStart(this, m_progress);
        connect(m_firstStart, &FirstStart::browseRequested, m_openAction, &QAction::trigger);
        connect(m_firstStart, &FirstStart::openRequested, this, &MainWindow::openManifest);
        connect(m_firstStart, &FirstStart::failed, this, [this](const QString &problem) { showProblems({problem}); });
    }
    m_firstStart->offer();
}

QString MainWindow::lastManifest()
{
    const QString last = QSettings().value(QStringLiteral("manifest/last")).toString();
    return !last.isEmpty() && QFileInfo::exists(last) ? last : QString();
}

bool MainWindow::loadManifest(const QString &path, bool keepRefColumns)
{
    ManifestResult result = ManifestParser::load(path);
    LintRule::checkRules(result); // as the CLI does: an unknown lint rule is refused with its line
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
        showKeepingCells(manifest);
        return true;
    }
    m_workspace->setManifest(result.manifest);
    setManifest(result.manifest);
    m_refColumns->restore(); // the ref columns this workspace had, fetched again in the background
    return true;
}

void MainWindow::setManifest(const Manifest &manifest)
{
    m_model->setManifest(manifest);
    m_details->setManifest(manifest);
    setWindowFilePath(manifest.path);
    setWindowTitle(manifest.path.isEmpty()
                       ? tr("Monasca Release Console")
                       : tr("%1 — Monasca Release Console").arg(QFileInfo(manifest.path).fileName()));

    QStringList branches;
    for (const BranchSpec &spec : manifest.branches)
        branches.append(spec.name);
    m_filterBar->setBranches(branches);
    m_splitter->fitMatrixWidth(width());

    m_engineBox->setPending(manifest.engines);
}

void MainWindow::showProblems(const QStringList &problems)
{
    if (problems.isEmpty()) {
        m_problems->hide();
        return;
    }
    m_problems->showText(tr("The manifest has %n problem(s); the matrix still shows the last good one.\n", nullptr,
                            int(problems.size())) +
                             problems.join(QLatin1Char('\n')),
                         CellState::Error);
}

void MainWindow::copySelectedCommits()
{
    QStringList lines;
    for (const Cell &cell : m_builds->selectedCells())
        if (!cell.commit.isEmpty())
            lines.append(QStringLiteral("%1\t%2\t%3\t%4").arg(cell.component, cell.branch, cell.docker, cell.commit));
    if (!lines.isEmpty())
        QApplication::clipboard()->setText(lines.join(QLatin1Char('\n')));
}

void MainWindow::restoreSettings()
{
    QSettings settings;
    restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("window/state")).toByteArray());
    m_splitter->restoreSizes(settings.value(QStringLiteral("window/splitter")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1280, 760);
    m_splitter->updateDetailsAction();
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    m_splitter->fitMatrixWidth(width());
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
    // Pages get the workspace (manifest, mirror cache) through their constructors; each one is a tab, built when
    // it is first shown (start-up builds only the matrix).
    auto *matrixShortcut = new QAction(this);
    matrixShortcut->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    connect(matrixShortcut, &QAction::triggered, m_pages, [this] { m_pages->setCurrentIndex(0); });
    addAction(matrixShortcut);
    // -- pages of later features are added here, one addPage() or addLazyPage() call each --
    addLazyPage([this](QWidget *parent) { return new LintPage(m_workspace, parent); },
                style()->standardIcon(QStyle::SP_MessageBoxWarning), tr("&Lint"));
    addLazyPage([this](QWidget *parent) { return new TemplatesPage(m_workspace, parent); },
                style()->standardIcon(QStyle::SP_FileDialogDetailedView), tr("&Templates"));
    addLazyPage([](QWidget *parent) { return new HistoryPage(parent); }, QIcon(), tr("Hi&story"));
    const MatrixAccess matrix{[this] { return m_model->cells(); }, [this] { return m_builds->selectedCells(); },
                              [this] { return m_engines; }};
    auto *publish =
        new LazyPage([this, matrix](QWidget *parent) { return new PublishPage(m_workspace, matrix, parent); }, this);
    addPage(publish, style()->standardIcon(QStyle::SP_ArrowUp), tr("&Publish"));
    PublishShortcuts::install(this, m_pages, publish);
    addLazyPage(
        [this, matrix](QWidget *parent) {
            auto *labels = new LabelsPage(m_workspace, matrix, parent);
            connect(labels, &LabelsPage::driftFound, m_model, &MatrixModel::setDrift);
            return labels;
        },
        style()->standardIcon(QStyle::SP_FileDialogInfoView), tr("L&abels"));
    addLazyPage([this](QWidget *parent) { return new AutomationPage(m_workspace, parent); },
                style()->standardIcon(QStyle::SP_BrowserReload), tr("A&utomation"));
}

void MainWindow::changeColumns(const Manifest &updated)
{
    showKeepingCells(updated);
    m_refColumns->save();
    m_workspace->scan(false);
}

void MainWindow::showKeepingCells(const Manifest &manifest)
{
    // The cells that stay keep what they show (commit, job) until the rescan brings them up to date.
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
}

} // namespace mrc
