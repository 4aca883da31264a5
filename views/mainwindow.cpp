// SPDX-License-Identifier: Apache-2.0
#include "mainwindow.h"

#include "detailspanel.h"
#include "manifestparser.h"
#include "matrixfiltermodel.h"
#include "matrixmodel.h"
#include "matrixview.h"
#include "statestyle.h"
#include "workspace.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
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
    , m_problems(new QLabel(this))
    , m_engineBox(new QWidget(this))
    , m_progress(new QProgressBar(this))
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
    layout->addWidget(m_splitter, 1);
    setCentralWidget(central);

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
    connect(m_workspace, &Workspace::enginesProbed, this, &MainWindow::showEngines);
    connect(m_workspace, &Workspace::repoScanned, m_model, &MatrixModel::setRepoStatus);
    connect(m_workspace, &Workspace::cellsUpdated, m_model, &MatrixModel::applyCells);
    connect(m_workspace, &Workspace::scanFinished, this, [this](bool cancelled) {
        m_progress->hide();
        m_cancelAction->setEnabled(false);
        statusBar()->showMessage(cancelled ? tr("Scan cancelled") : tr("Matrix up to date"), 5000);
    });

    restoreSettings();
    setManifest(m_workspace->manifest());
}

MainWindow::~MainWindow() = default;

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

    fileMenu->addSeparator();
    auto *copy = fileMenu->addAction(tr("&Copy Commits"));
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(copy);
    connect(copy, &QAction::triggered, this, &MainWindow::copySelectedCommits);

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
    m_details->showCell(m_model->cellAt(current), 1);
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
