// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/dockercontext.h"
#include "manifest/manifest.h"
#include "views/lazypage.h"
#include "workspace/cell.h"

#include <QMainWindow>

class QAction;
class QLabel;
class QMenu;
class QProgressBar;
class QSplitter;
class QTabWidget;

namespace mrc {

class Banner;
class BuildController;
class DetailsPanel;
class EngineStatusBox;
class EnginesController;
class FirstStart;
class HistoryFollower;
class JobsModel;
class ManifestChangeBar;
class MatrixFilterBar;
class MatrixFilterModel;
class MatrixModel;
class MatrixSplitter;
class MatrixView;
class PolicyBanner;
class RefColumnsController;
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
    /** Adds a page that is built when its tab is first shown (LazyPage), so that start-up builds only the matrix. */
    void addLazyPage(const LazyPage::Factory &factory, const QIcon &icon, const QString &title)
    {
        addPage(new LazyPage(factory, this), icon, title);
    }
    QTabWidget *pages() const { return m_pages; }
    /** The page of tab `index`, built now when it is a lazy page not shown yet; null for no such tab. */
    QWidget *page(int index) const { return LazyPage::pageOf(m_pages->widget(index)); }

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
    bool isBuilding() const;
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
    bool isResolvingRef() const;

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
    QSplitter *matrixSplitter() const;
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
    void createCentral();
    void createStatusBar();
    void connectWorkspace();
    void createControllers();
    void createActions();
    void createFileMenu(QMenu *fileMenu);
    void createViewMenu(QMenu *viewMenu);
    void createHelpMenu(QMenu *helpMenu);
    void createFilterBar();
    /** Parses and shows a manifest; `keepRefColumns` (a reload of the same file) keeps the ref columns and cells. */
    bool loadManifest(const QString &path, bool keepRefColumns);
    void createPages();
    void setManifest(const Manifest &manifest);
    void showProblems(const QStringList &problems);
    void updateSelection();
    void copySelectedCommits();
    void createJobsDock();
    /** Shows the manifest with other columns (a ref column more or less, more engines) and rescans. */
    void changeColumns(const Manifest &updated);
    /** Shows `manifest`; the cells it still has keep what they show until the rescan brings them up to date. */
    void showKeepingCells(const Manifest &manifest);
    void restoreSettings();
    void saveSettings() const;

    Workspace *m_workspace;
    QString m_manifestPath;
    MatrixModel *m_model;
    MatrixFilterModel *m_filter;
    MatrixView *m_view;
    DetailsPanel *m_details;
    MatrixSplitter *m_splitter;
    QTabWidget *m_pages;
    Banner *m_problems;
    PolicyBanner *m_policy = nullptr; // the Docker version policy findings of the manifest
    MatrixFilterBar *m_filterBar = nullptr;
    ManifestChangeBar *m_changeBar = nullptr;
    EngineStatusBox *m_engineBox;
    QProgressBar *m_progress;
    QAction *m_openAction = nullptr;
    QAction *m_fetchAction = nullptr;
    QAction *m_rescanAction = nullptr;
    QAction *m_cancelAction = nullptr;
    QList<EngineStatus> m_engines;
    JobsModel *m_jobsModel;
    BuildController *m_builds = nullptr;
    RefColumnsController *m_refColumns = nullptr;
    EnginesController *m_enginesMenu = nullptr;
    HistoryFollower *m_follower = nullptr;
    FirstStart *m_firstStart = nullptr;
};

} // namespace mrc
