// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "buildplan.h"
#include "detailspanel.h"
#include "historypage.h"
#include "labelspage.h"
#include "publishpage.h"
#include "jobsmodel.h"
#include "lintpage.h"
#include "logindialog.h"
#include "manifestparser.h"
#include "matrixfiltermodel.h"
#include "matrixmodel.h"
#include "matrixview.h"
#include "statestyle.h"
#include "templatespage.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QThread>
#include <QTimer>
#include <QTreeView>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
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
    m_splitter->addWidget(m_view);
    m_splitter->addWidget(m_details);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    m_splitter->setChildrenCollapsible(false);
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
        showEngines(engines);
    });
    connect(m_workspace, &Workspace::repoScanned, m_model, &MatrixModel::setRepoStatus);
    connect(m_workspace, &Workspace::cellsUpdated, m_model, &MatrixModel::applyCells);
    connect(m_workspace, &Workspace::scanFinished, this, [this](bool cancelled) {
        m_progress->hide();
        m_cancelAction->setEnabled(false);
        statusBar()->showMessage(cancelled ? tr("Scan cancelled") : tr("Matrix up to date"), 5000);
    });

    createJobsDock();
    restoreSettings();
    setManifest(m_workspace->manifest());
}

MainWindow::~MainWindow()
{
    stopBuilds();
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
    addPage(new PublishPage(m_workspace, matrix, this), style()->standardIcon(QStyle::SP_ArrowUp), tr("&Publish"));
    auto *labels = new LabelsPage(m_workspace, matrix, this);
    connect(labels, &LabelsPage::driftFound, m_model, &MatrixModel::setDrift);
    addPage(labels, style()->standardIcon(QStyle::SP_FileDialogInfoView), tr("L&abels"));
}

void MainWindow::createActions()
{
    QMenu *fileMenu = menuBar()->addMenu(tr("&File"));
    QMenu *viewMenu = menuBar()->addMenu(tr("&View"));
    QMenu *helpMenu = menuBar()->addMenu(tr("&Help"));
    QToolBar *toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->setMovable(false);

    auto *open = fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open Manifest…"));
    open->setShortcut(QKeySequence::Open);
    connect(open, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open release manifest"), m_manifestPath,
                                                          tr("Manifests (*.yaml *.yml);;All files (*)"));
        if (!path.isEmpty())
            openManifest(path);
    });

    m_fetchAction = fileMenu->addAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("&Fetch"));
    m_fetchAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_fetchAction->setToolTip(tr("Fetch every repository and rescan the matrix (F5)"));
    connect(m_fetchAction, &QAction::triggered, m_workspace, [this] { m_workspace->scan(true); });

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
    m_buildAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
    m_buildAction->setToolTip(tr("Build the selected cells and the base images they need (Ctrl+B)"));
    connect(m_buildAction, &QAction::triggered, this, [this] { buildCells(selectedCells()); });
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
    m_stopAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    m_stopAction->setEnabled(false);
    connect(m_stopAction, &QAction::triggered, this, [this] {
        if (m_runner)
            QMetaObject::invokeMethod(m_runner, [runner = m_runner] { runner->cancel(-1); }, Qt::QueuedConnection);
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

    auto *filter = viewMenu->addAction(tr("&Filter Components"));
    filter->setShortcut(QKeySequence::Find);
    connect(filter, &QAction::triggered, this, [this] {
        m_componentFilter->setFocus(Qt::ShortcutFocusReason);
        m_componentFilter->selectAll();
    });
    auto *clear = viewMenu->addAction(tr("C&lear Filters"));
    clear->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    connect(clear, &QAction::triggered, this, [this] {
        m_componentFilter->clear();
        m_branchFilter->setCurrentIndex(0);
        m_stateFilter->setCurrentIndex(0);
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
    if (m_buildThread) {
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
    BuildPlan plan = BuildPlan::make(m_workspace->manifest(), m_model->cells(), ready, m_engines,
                                     QDateTime::currentDateTimeUtc());
    BuildPlan::applyLintGate(plan, m_workspace->manifest(), m_workspace->cacheRoot());
    if (plan.jobs.isEmpty()) {
        QMessageBox::information(this, tr("Nothing to build"),
                                 tr("None of the selected cells can be built.\n\n%1")
                                     .arg((skipped + plan.problems).join(QLatin1Char('\n'))));
        return false;
    }
    if (!skipped.isEmpty() || !plan.problems.isEmpty())
        statusBar()->showMessage(tr("Skipped %n cell(s) that cannot be built", nullptr, int(skipped.size() + plan.problems.size())), 8000);

    BuildOptions options;
    options.noCache = force;
    options.cacheRoot = m_workspace->cacheRoot();
    m_lastBuilt = ready;
    m_buildThread = new QThread(this);
    m_buildThread->setObjectName(QStringLiteral("mrc-build"));
    m_runner = new BuildRunner(m_workspace->manifest(), plan, options);
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
        const int failed = int(std::count_if(m_latestJobs.cbegin(), m_latestJobs.cend(),
                                             [](const JobUpdate &j) { return !isSuccess(j.state); }));
        stopBuilds();
        statusBar()->showMessage(failed ? tr("Build finished: %n job(s) did not succeed", nullptr, failed)
                                        : tr("Build finished: every image built or up to date"), 10000);
        m_retryAction->setEnabled(failed > 0);
    });
    m_stopAction->setEnabled(true);
    m_buildAction->setEnabled(false);
    m_buildColumnAction->setEnabled(false);
    m_forceBuildAction->setEnabled(false);
    m_buildThread->start();
    statusBar()->showMessage(tr("Building %n image(s)…", nullptr, int(plan.jobs.size())));
    return true;
}

void MainWindow::onJobUpdated(const JobUpdate &job)
{
    m_jobsModel->update(job);
    m_model->applyJob(job);
    m_latestJobs.insert(job.component + QLatin1Char('\n') + job.branch + QLatin1Char('\n') + job.docker, job);
    const Cell *current = m_model->cellAt(m_filter->mapToSource(m_view->currentIndex()));
    if (current && current->component == job.component && current->branch == job.branch && current->docker == job.docker)
        m_details->showJob(&job);
    if (job.state == JobState::EngineLost)
        m_workspace->scan(false); // its cells turn no-engine until it answers again
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
    m_buildAction->setEnabled(true);
    m_buildColumnAction->setEnabled(true);
    m_forceBuildAction->setEnabled(true);
}

void MainWindow::createFilterBar()
{
    QToolBar *bar = addToolBar(tr("Filter"));
    bar->setObjectName(QStringLiteral("filterToolbar"));
    bar->setMovable(false);

    m_componentFilter = new QLineEdit(bar);
    m_componentFilter->setObjectName(QStringLiteral("componentFilter"));
    m_componentFilter->setPlaceholderText(tr("Filter components (Ctrl+F)"));
    m_componentFilter->setClearButtonEnabled(true);
    m_componentFilter->setMaximumWidth(260);
    connect(m_componentFilter, &QLineEdit::textChanged, m_filter, &MatrixFilterModel::setComponentFilter);

    m_branchFilter = new QComboBox(bar);
    m_branchFilter->setObjectName(QStringLiteral("branchFilter"));
    m_branchFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_branchFilter, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setBranchFilter(m_branchFilter->currentData().toString()); });

    m_stateFilter = new QComboBox(bar);
    m_stateFilter->setObjectName(QStringLiteral("stateFilter"));
    m_stateFilter->addItem(tr("All states"));
    for (CellState state : {CellState::Ready, CellState::NoBranch, CellState::NoContext, CellState::NoEngine,
                            CellState::Error, CellState::Unknown})
        m_stateFilter->addItem(StateStyle::icon(state), StateStyle::label(state), int(state));
    connect(m_stateFilter, &QComboBox::currentIndexChanged, this, [this] {
        const QVariant state = m_stateFilter->currentData();
        m_filter->setStateFilter(state.isValid() ? std::optional<int>(state.toInt()) : std::nullopt);
    });

    auto *label = new QLabel(tr("Show:"), bar);
    label->setContentsMargins(8, 0, 4, 0);
    bar->addWidget(m_componentFilter);
    bar->addWidget(label);
    bar->addWidget(m_branchFilter);
    bar->addWidget(m_stateFilter);
}

bool MainWindow::openManifest(const QString &path)
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
    m_workspace->setManifest(result.manifest);
    setManifest(result.manifest);
    m_workspace->scan(false);
    return true;
}

void MainWindow::setManifest(const Manifest &manifest)
{
    m_model->setManifest(manifest);
    m_details->setManifest(manifest);
    setWindowFilePath(manifest.path);
    setWindowTitle(tr("%1 — Monasca Release Console").arg(QFileInfo(manifest.path).fileName()));

    const QString branch = m_branchFilter->currentData().toString();
    QSignalBlocker blocker(m_branchFilter);
    m_branchFilter->clear();
    m_branchFilter->addItem(tr("All branches"));
    for (const BranchSpec &spec : manifest.branches)
        m_branchFilter->addItem(spec.name, spec.name);
    m_branchFilter->setCurrentIndex(std::max(0, m_branchFilter->findData(branch)));
    m_filter->setBranchFilter(m_branchFilter->currentData().toString());

    QList<EngineStatus> pending;
    for (const EngineSpec &spec : manifest.engines)
        pending.append({spec.name, spec.host, false, {}, {}, tr("not probed yet")});
    showEngines(pending);
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
    m_splitter->restoreState(settings.value(QStringLiteral("window/splitter")).toByteArray());
    if (!settings.contains(QStringLiteral("window/geometry")))
        resize(1280, 760);
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
