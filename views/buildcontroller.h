// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "imagetests/testrunner.h"
#include "jobs/buildrunner.h"
#include "threading/jobtracker.h"
#include "workspace/cell.h"

#include <QHash>
#include <QObject>
#include <functional>
#include <map>
#include <memory>

class QAction;
class QMainWindow;
class QMenu;
class QProgressBar;

namespace mrc {

class BuildSession;
class DetailsPanel;
class JobsModel;
struct JobRecord;
struct TestRecord;
class MatrixFilterModel;
class MatrixModel;
class MatrixView;
class Workspace;

/**
 * Builds and tests started from the window: the Build menu, Stop and Retry, the tests after a build, and the cells'
 * build and test states read from the history. A build is a BuildSession (as `mrc build` runs it) on the window's
 * scan and the selected cells, and its tests a TestSession in the Tests panel: this only wires them to the
 * widgets and paints job and test states into them.
 */
class BuildController : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        Workspace *workspace;
        MatrixModel *model;
        MatrixFilterModel *filter;
        MatrixView *view;
        DetailsPanel *details;
        JobsModel *jobs;
        QProgressBar *progress;
        QMainWindow *window;                          // status bar messages and dialogs
        std::function<QList<EngineStatus>()> engines; // the engines of the last probe
    };
    explicit BuildController(const Parts &parts, QObject *parent = nullptr);
    ~BuildController() override;

    /** Adds Build Selected, Build and Test, Test After Build, Build Column, Force Rebuild, Stop and Retry. */
    void createActions(QMenu *buildMenu);
    QAction *buildAction() const { return m_buildAction; }
    QAction *buildTestAction() const { return m_buildTestAction; }
    QAction *stopAction() const { return m_stopAction; }

    bool buildCells(const QList<Cell> &cells, bool force = false);
    bool buildAndTest(const QList<Cell> &cells, bool force = false);
    bool testAfterBuild() const;
    void setTestAfterBuild(bool on);
    bool isTesting() const;
    bool isBuilding() const { return m_build != nullptr; }
    /** The cells selected in the matrix. */
    QList<Cell> selectedCells() const;
    /** Cancels a running build and waits for its session's thread. */
    void stopBuilds();

    /** The latest build this window knows of for the cell (its own or another process's); null when none. */
    const JobUpdate *latestJob(const QString &component, const QString &branch, const QString &docker) const;
    /** A build another process ran: shown unless this window's own build of the cell is newer (then false). */
    bool applyOtherJob(const JobUpdate &job);
    /** Tests another process runs or ran. */
    void applyOtherTests(const QList<TestRecord> &tests);

    /** Reads the cells' test states (latest results against the latest image) from the history, off the GUI thread. */
    void reloadTests(const QList<Cell> &cells);
    /** Reads the cells' latest finished builds from the history, off the GUI thread (cells this window built keep
     * theirs). */
    void reloadBuildStates();

Q_SIGNALS:
    /** The test states of these cells were read from the history into the matrix. */
    void testStatesLoaded();
    /** The build states of the cells were read from the history into the matrix. */
    void buildStatesLoaded();

private:
    void connectTests();
    void onTestsFinished();
    void retryFailed();
    void buildCurrentColumn();
    bool buildAndTestIf(const QList<Cell> &cells, bool force, bool test);
    void nothingToBuild(const QStringList &why);
    void onBuildPlanned(const QStringList &skipped);
    void onBuildFinished();
    void setBuildActionsEnabled(bool enabled);
    void onJobUpdated(const JobUpdate &job);
    void showIfCurrent(const JobUpdate &job, bool logGrew);
    void testBuiltCells(const QList<Cell> &built);
    void onTestUpdated(const TestUpdate &update);
    void showStatus(const QString &message, int timeout = 0);
    /** The tracker of the history reads of a cell's test states: a newer read or a live update makes older stale. */
    JobTracker &testReads(const QString &cellKey);

    Parts m_parts;
    QAction *m_buildAction = nullptr;
    QAction *m_buildColumnAction = nullptr;
    QAction *m_forceBuildAction = nullptr;
    QAction *m_stopAction = nullptr;
    QAction *m_retryAction = nullptr;
    QAction *m_buildTestAction = nullptr;
    QAction *m_testAfterBuildAction = nullptr;
    std::unique_ptr<BuildSession> m_build;    // the running build: planning, lint gate and runner on its own thread
    QString m_runId;                          // its run id: updates of an earlier session are dropped
    bool m_planEmpty = false;                 // it planned nothing (the dialog said why)
    QHash<QString, JobUpdate> m_latestJobs;   // by component/branch/docker
    bool m_testThisBuild = false;             // the running build's cells get tested when it ends
    bool m_stopRequested = false;             // Stop was asked for: no tests after the build
    QHash<QString, TestState> m_runningTests; // cell key + test -> state, for the tests running now
    int m_testsDone = 0;
    std::map<QString, JobTracker> m_testReads; // by cell key
};

} // namespace mrc
