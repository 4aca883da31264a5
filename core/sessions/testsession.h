// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "imagetests/testplan.h"
#include "imagetests/testrunner.h"
#include "sessions/session.h"
#include "sessions/sessionscope.h"
#include "workspace/cellselector.h"

#include <atomic>
#include <memory>
#include <optional>

namespace mrc {

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
class TestSession : public Session
{
    Q_OBJECT
public:
    TestSession(Manifest manifest, TestSessionOptions options, QObject *parent = nullptr);
    ~TestSession() override;

    const SessionScope &scope() const { return m_scope; }
    const TestPlan &plan() const { return m_plan; }
    const QList<TestUpdate> &jobs() const { return m_jobs; }
    QString historyError() const { return m_historyError; }

Q_SIGNALS:
    void note(const QString &text);
    void planned();
    void jobUpdated(const mrc::TestUpdate &update);
    void logLines(int job, const QByteArray &lines);

private:
    void work() override;
    void cancelWork() override;

    Manifest m_manifest;
    TestSessionOptions m_options;
    TestRunner *m_runner = nullptr; // worker thread only
    SessionScope m_scope;
    TestPlan m_plan;
    QList<TestUpdate> m_jobs;
    QString m_historyError;
};

} // namespace mrc
