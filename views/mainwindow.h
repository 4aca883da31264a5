// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "buildrunner.h"
#include "cell.h"
#include "enginestatus.h"
#include "manifest.h"

#include <QHash>
#include <QMainWindow>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSplitter;
class QTabWidget;
class QThread;

namespace mrc {

class BuildRunner;
class DetailsPanel;
class JobsModel;
struct JobUpdate;
class MatrixFilterModel;
class MatrixModel;
class MatrixView;
class Workspace;

/** The console's one screen: toolbar, filter bar, the matrix and the details of the selected cell. */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /** The window shows `workspace`'s manifest and drives its scans; it does not own it. */
    explicit MainWindow(Workspace *workspace, QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Loads a manifest file and scans it; on problems, shows them and keeps the current grid. */
    bool openManifest(const QString &path);

    /** Adds a page (Templates, Lint, ...) as a tab after the matrix; Ctrl+1…9 switch pages. */
    void addPage(QWidget *page, const QIcon &icon, const QString &title);
    QTabWidget *pages() const { return m_pages; }

    /** Builds the cells (plus the base images they need) on a worker thread; false when nothing can be built. */
    bool buildCells(const QList<Cell> &cells, bool force = false);
    bool isBuilding() const { return m_buildThread != nullptr; }
    JobsModel *jobsModel() const { return m_jobsModel; }

    MatrixModel *matrixModel() const { return m_model; }
    MatrixFilterModel *filterModel() const { return m_filter; }
    MatrixView *matrixView() const { return m_view; }
    DetailsPanel *detailsPanel() const { return m_details; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createFilterBar();
    void createPages();
    void setManifest(const Manifest &manifest);
    void showEngines(const QList<EngineStatus> &engines);
    void showProblems(const QStringList &problems);
    void updateSelection();
    void copySelectedCommits();
    QList<Cell> selectedCells() const;
    void onJobUpdated(const JobUpdate &job);
    void stopBuilds();
    void createJobsDock();
    void restoreSettings();
    void saveSettings() const;

    Workspace *m_workspace;
    QString m_manifestPath;
    MatrixModel *m_model;
    MatrixFilterModel *m_filter;
    MatrixView *m_view;
    DetailsPanel *m_details;
    QSplitter *m_splitter;
    QTabWidget *m_pages;
    QLabel *m_problems;
    QLineEdit *m_componentFilter = nullptr;
    QComboBox *m_branchFilter = nullptr;
    QComboBox *m_stateFilter = nullptr;
    QWidget *m_engineBox;
    QProgressBar *m_progress;
    QAction *m_fetchAction = nullptr;
    QAction *m_rescanAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_buildAction = nullptr;
    QAction *m_buildColumnAction = nullptr;
    QAction *m_forceBuildAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_retryAction = nullptr;
    QList<EngineStatus> m_engines;
    JobsModel *m_jobsModel;
    QThread *m_buildThread = nullptr;
    BuildRunner *m_runner = nullptr; // lives on m_buildThread
    QHash<QString, JobUpdate> m_latestJobs; // by component/branch/docker
    QList<Cell> m_lastBuilt;
};

} // namespace mrc
