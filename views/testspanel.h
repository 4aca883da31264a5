// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "history/history.h"
#include "imagetests/testrunner.h"
#include "manifest/manifest.h"
#include "threading/jobtracker.h"
#include "workspace/cell.h"

#include <QList>
#include <QWidget>
#include <memory>

class QLabel;
class QPushButton;
class QTreeView;

namespace mrc {

class LogModel;
class TestListModel;
class TestSession;
class LogView;

/**
 * The Tests tab of a cell: each of its tests with its state, duration and message (the latest result from the
 * history, or the run going on), a button that runs them, and the selected test's log, followed live. A run is a
 * TestSession (as `mrc test` runs it) on the window's manifest and engines; the history is read off the GUI thread.
 */
class TestsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TestsPanel(QWidget *parent = nullptr);
    ~TestsPanel() override;

    void setManifest(const Manifest &manifest);
    void setEngines(const QList<EngineStatus> &engines) { m_engines = engines; }
    /** Where runs read git mirrors and write their history and logs; empty: the defaults. */
    void setOptions(const TestOptions &options) { m_options = options; }
    /** Shows the cell's tests and loads their latest results; nullptr clears the panel. */
    void showCell(const Cell *cell);

    /** Runs every test of the shown cell; false when there is nothing to run or a run is going on. */
    bool runTests();
    /**
     * Runs every test of @p cells (Build and Test runs those whose build succeeded); false when none has tests or a
     * run is going on. The panel shows the run's results for whichever cell it shows meanwhile.
     */
    bool runTests(const QList<Cell> &cells);
    void cancel();
    bool isRunning() const { return m_session != nullptr; }

    QTreeView *testList() const { return m_list; }
    TestListModel *testModel() const { return m_tests; }
    LogView *logView() const { return m_logView; }
    /** The state column of the row of @p test, as shown. */
    QString stateOf(const QString &test) const;
    QString summaryText() const;

Q_SIGNALS:
    void resultsLoaded();
    /** A run started: @p tests tests of @p cells cells. */
    void testsStarted(int tests, int cells);
    /** Every change of a running test, of any cell of the run. */
    void testUpdated(const mrc::TestUpdate &update);
    void testsFinished();
    /** Run Tests on a cell without an image: the user chose to build it first, then test it. */
    void buildFirstRequested(const mrc::Cell &cell);

private:
    /** The Run button: runs the tests, or for a cell never built offers Build and Test first. */
    void runTestsOrOfferBuild();
    void setRow(const QString &test, const QString &kind, TestState state, double seconds, const QString &message,
                const QString &logPath);
    void onUpdate(const TestUpdate &update);
    void showSelectedLog();
    /** Ends the run's session: a running one is cancelled and its cleanup waited for (bounded). */
    void endSession();
    void updateSummary();

    Manifest m_manifest;
    QList<EngineStatus> m_engines;
    TestOptions m_options;
    Cell m_cell;
    bool m_hasCell = false;
    JobTracker m_loads{this};
    QString m_currentImageId;
    QList<TestRecord> m_latest;
    QHash<QString, TestUpdate> m_runUpdates; // the running run's latest update per cell and test

    QLabel *m_summary;
    QPushButton *m_run;
    QPushButton *m_stop;
    TestListModel *m_tests;
    QTreeView *m_list;
    LogModel *m_logModel;
    LogView *m_logView;
    QString m_logPath;
    std::unique_ptr<TestSession> m_session;
};

} // namespace mrc
