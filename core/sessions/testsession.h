// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cellselector.h"
#include "sessionscope.h"
#include "testplan.h"
#include "testrunner.h"

#include <QObject>
#include <atomic>
#include <memory>
#include <optional>

namespace mrc {

class SessionThread;

struct TestSessionOptions
{
    CellSelector selector;
    bool fetch = false;
    QStringList tests; // test names; empty: every test
    TestOptions test;  // jobs, locations, compose program
    /** A scope made already (by the BuildSession of `mrc test --build`): no second scan. */
    std::optional<SessionScope> scope;
    /** Test these cells of the scope instead of its selection (the cells that built). */
    std::optional<QList<Cell>> cells;
};

/**
 * One test run, from options to outcome: scan and select (or a BuildSession's scope), plan the tests and run a
 * TestRunner, on a worker thread it owns. Signals carry values (TestUpdate tagged with the run id) and arrive
 * queued on the thread that made it. plan() is valid after planned(); jobs() and historyError() after finished().
 */
class TestSession : public QObject
{
    Q_OBJECT
public:
    enum class Outcome
    {
        Running,
        Done,
        BadInput,
        NoEngine,
        Cancelled
    };

    TestSession(Manifest manifest, TestSessionOptions options, QObject *parent = nullptr);
    ~TestSession() override;

    void start();
    /** Cancels every test; a running test removes what it made before it reports cancelled. */
    void cancel();

    QString runId() const { return m_runId; }
    const SessionScope &scope() const { return m_scope; }
    const TestPlan &plan() const { return m_plan; }
    Outcome outcome() const { return m_outcome; }
    const QList<TestUpdate> &jobs() const { return m_jobs; }
    QString historyError() const { return m_historyError; }

Q_SIGNALS:
    void note(const QString &text);
    void planned();
    void jobUpdated(const mrc::TestUpdate &update);
    void logLines(int job, const QByteArray &lines);
    void finished();

private:
    void work();
    void finish(Outcome outcome);

    Manifest m_manifest;
    TestSessionOptions m_options;
    QString m_runId;
    std::unique_ptr<SessionThread> m_thread;
    QObject *m_context = nullptr;   // lives on the worker thread
    TestRunner *m_runner = nullptr; // worker thread only
    std::atomic_bool m_cancel{false};
    SessionScope m_scope;
    TestPlan m_plan;
    Outcome m_outcome = Outcome::Running;
    QList<TestUpdate> m_jobs;
    QString m_historyError;
};

} // namespace mrc
