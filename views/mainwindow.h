// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/buildrunner.h"
#include "workspace/cell.h"
#include "manifest/dockercontext.h"
#include "engine/enginestatus.h"
#include "manifest/manifest.h"
#include "workspace/refcolumn.h"
#include "imagetests/testrunner.h"

#include <QFuture>
#include <QHash>
#include <QSet>
#include <QMainWindow>

#include <atomic>
#include <memory>

class QAction;
class QFileSystemWatcher;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSplitter;
class QTabWidget;
class QThread;
class QPoint;

namespace mrc {

class BuildRunner;
class DetailsPanel;
class HistoryWatcher;
struct JobRecord;
struct TestRecord;
class JobsModel;
struct JobUpdate;
class ManifestChangeBar;
class MatrixFilterBar;
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
    /** The first minute: asks whether to open a manifest, create the demo, or use the built-in Monasca manifest. */
    void offerManifest();
    /** The manifest opened last (kept in the settings), when it still exists; else empty. */
    static QString lastManifest();

    /** Adds a page (Templates, Lint, ...) as a tab after the matrix; Ctrl+1…9 switch pages. */
    void addPage(QWidget *page, const QIcon &icon, const QString &title);
    QTabWidget *pages() const { return m_pages; }

    /**
     * Builds the cells (plus the base images they need) on a worker thread; false when nothing can be built.
     * The lint gate reads the git mirrors first, off the GUI thread; a plan that lint empties is reported then.
     */
    bool buildCells(const QList<Cell> &cells, bool force = false);
    /**
     * Builds the cells as buildCells does, then runs the tests of each cell whose build ended built or up to date
     * (in the Tests panel's runner). Build Selected does the same while "Test After Build" is on.
     */
    bool buildAndTest(const QList<Cell> &cells, bool force = false);
    /** The "Test After Build" option (on by default, kept in the settings). */
    bool testAfterBuild() const;
    void setTestAfterBuild(bool on);
    /** True while tests started from this window or the Tests panel run. */
    bool isTesting() const;
    /** True from the moment a build is asked for (while its lint gate runs) until it has finished. */
    bool isBuilding() const { return m_buildThread != nullptr || m_planning; }
    JobsModel *jobsModel() const { return m_jobsModel; }

    /**
     * Ref columns: a tag, a commit or a change ref such as refs/changes/51/558751/1, shown and built like a branch
     * in the components whose repositories have it. Adding resolves the ref on a worker thread (fetching it where
     * the mirrors lack it), then adds the column and rescans; refColumnAdded or refColumnFailed tells how it went.
     * `docker` empty: the Docker versions of the branch the ref is based on. False when it cannot even start.
     */
    bool addRefColumn(const QString &ref, const QStringList &docker = {});
    /** Removes a ref column (no question asked); false when `ref` is not one. */
    bool removeRefColumn(const QString &ref);
    /** The refs shown as columns, in order. */
    QStringList refColumns() const;
    bool isResolvingRef() const { return m_resolvingRefs > 0; }

    /** Engines → Engines…: the details of every engine, from the last probe. */
    void showEnginesDialog();
    /** Engines → Import Docker Contexts…: reads the docker CLI's contexts off the GUI thread, then asks. */
    void showImportContextsDialog();
    /** Adds the contexts as engines of this session's manifest (`context:` engines) and rescans; returns the names
     *  of the engines added (a name already taken gets the suffix "-context"). */
    QStringList importContexts(const QList<DockerContext> &contexts);
    QList<EngineStatus> engines() const { return m_engines; }

    MatrixModel *matrixModel() const { return m_model; }
    MatrixFilterModel *filterModel() const { return m_filter; }
    MatrixView *matrixView() const { return m_view; }
    DetailsPanel *detailsPanel() const { return m_details; }
    QSplitter *matrixSplitter() const { return m_splitter; }
    MatrixFilterBar *filterBar() const { return m_filterBar; }

Q_SIGNALS:
    void refColumnAdded(const QString &ref);
    void refColumnFailed(const QString &ref, const QString &error);
    /** The test states of these cells were read from the history into the matrix. */
    void testStatesLoaded();

protected:
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void createActions();
    void createFilterBar();
    /** Parses and shows a manifest; `keepRefColumns` (a reload of the same file) keeps the ref columns and cells. */
    bool loadManifest(const QString &path, bool keepRefColumns);
    /** Gives the grid the width its columns need (the details panel the rest), unless the user set the splitter. */
    void fitMatrixWidth();
    void setDetailsShown(bool shown);
    void createDemo(const QString &folder);
    void createPages();
    void setManifest(const Manifest &manifest);
    void showEngines(const QList<EngineStatus> &engines);
    void showProblems(const QStringList &problems);
    void updateSelection();
    void copySelectedCommits();
    QList<Cell> selectedCells() const;
    void onJobUpdated(const JobUpdate &job);
    void stopBuilds();
    void startBuild(const Manifest &manifest, const BuildPlan &plan, const QList<Cell> &ready, int skipped, bool force);
    void setBuildActionsEnabled(bool enabled);
    bool buildAndTestIf(const QList<Cell> &cells, bool force, bool test);
    void testBuiltCells();
    void onTestUpdated(const TestUpdate &update);
    /** Reads the cells' test states (latest results against the latest image) from the history, off the GUI thread. */
    void reloadTests(const QList<Cell> &cells);
    /** Reads the cells' latest finished builds from the history, off the GUI thread (cells this window built keep theirs). */
    void reloadBuildStates();
    void createJobsDock();
    void showBuildRefDialog();
    void changeColumns(const Manifest &updated);
    void confirmRemoveRefColumn(const QString &ref);
    void showHeaderMenu(const QPoint &pos);
    QString currentRefColumn() const;
    void saveRefColumns() const;
    void restoreRefColumns();
    /** Shows builds and tests that other processes (mrc build, mrc test, the watcher) run meanwhile. */
    void followOtherProcesses();
    void showOtherJobs(const QList<JobRecord> &jobs);
    void showOtherTests(const QList<TestRecord> &tests);
    void restoreSettings();
    void saveSettings() const;
    void checkDockerPolicy(const QList<EngineStatus> &engines);
    void cutStableBranch();

    Workspace *m_workspace;
    QString m_manifestPath;
    MatrixModel *m_model;
    MatrixFilterModel *m_filter;
    MatrixView *m_view;
    DetailsPanel *m_details;
    QSplitter *m_splitter;
    bool m_splitterSet = false; // restored from the settings, or moved by the user
    int m_detailsWidth = 0;     // the details panel's width before it was collapsed
    QAction *m_detailsAction = nullptr;
    QTabWidget *m_pages;
    QLabel *m_problems;
    QLabel *m_policy = nullptr;     // the Docker version policy findings of the manifest
    quint64 m_policyCheck = 0;      // drops a policy result that a newer check replaced
    MatrixFilterBar *m_filterBar = nullptr;
    ManifestChangeBar *m_changeBar = nullptr;
    QLineEdit *m_componentFilter = nullptr;
    QComboBox *m_branchFilter = nullptr;
    QComboBox *m_stateFilter = nullptr;
    QWidget *m_engineBox;
    QProgressBar *m_progress;
    QAction *m_openAction = nullptr;
    QAction *m_fetchAction = nullptr;
    QAction *m_rescanAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QAction *m_buildAction = nullptr;
    QAction *m_buildColumnAction = nullptr;
    QAction *m_forceBuildAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_retryAction = nullptr;
    QAction *m_buildTestAction = nullptr;
    QAction *m_testAfterBuildAction = nullptr;
    QAction *m_buildRefAction = nullptr;
    QAction *m_removeRefAction = nullptr;
    int m_resolvingRefs = 0;
    QList<QFuture<RefColumnResult>> m_refFutures; // waited for on destruction: they report to this window
    std::shared_ptr<std::atomic_bool> m_refCancel;
    QHash<QString, QStringList> m_refDocker; // ref column -> the Docker versions asked for (empty: its branch's)
    QList<EngineStatus> m_engines;
    JobsModel *m_jobsModel;
    QThread *m_buildThread = nullptr;
    BuildRunner *m_runner = nullptr; // lives on m_buildThread
    bool m_planning = false;         // the lint gate of a build runs on a worker thread
    QHash<QString, JobUpdate> m_latestJobs; // by component/branch/docker
    QList<Cell> m_lastBuilt;
    bool m_testThisBuild = false;   // the running build's cells get tested when it ends
    bool m_stopRequested = false;   // Stop was asked for: no tests after the build
    QHash<QString, TestState> m_runningTests; // cell key + test -> state, for the tests running now
    int m_testsDone = 0;
    quint64 m_testLoad = 0;
    QHash<QString, quint64> m_testLoaded; // cell key -> the reload its test state came from
    QThread *m_historyThread = nullptr;
    HistoryWatcher *m_historyWatcher = nullptr; // lives on m_historyThread
    QFileSystemWatcher *m_otherLogs = nullptr;  // the logs of other processes' running builds
    QSet<QString> m_otherLogsToCome;            // their logs that do not exist yet
};

} // namespace mrc
