// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/history.h"
#include "imagetests/testplan.h"
#include "jobs/jobrunner.h"
#include "manifest/manifest.h"

#include <QDateTime>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <functional>
#include <memory>

namespace mrc {

class EngineCall;
class EngineClient;

/** A test's progress, sent to the GUI and the CLI whenever something about it changes. */
struct TestUpdate
{
    int job = -1;         // index in the plan
    qint64 historyId = 0; // row in the history's tests table
    QString runId;
    QString component;
    QString branch;
    QString docker;
    QString engine;
    QString tag;
    QString imageId;
    QString test;
    QString kind; // run, health, stack
    TestState state = TestState::Queued;
    QString message; // why it failed
    QString logPath;
    QDateTime started;
    QDateTime finished;

    double durationSeconds() const;
};

struct TestOptions
{
    int jobs = 2;         // tests at once
    QString cacheRoot;    // git mirrors; empty: the default
    QString historyPath;  // empty: the default
    QString logDirectory; // empty: the default
    QString composeProgram = QStringLiteral("docker-compose");
};

/**
 * Runs a TestPlan through the Engine API (and docker-compose for stacks): every container it makes carries the label
 * `io.github.monasca.mrc.test=<run id>`, each test's log goes to its own file as it comes, and every state change to
 * the history. Whatever a test made is removed when it ends: passed, failed, timed out or cancelled. Lives on one
 * thread with an event loop, like BuildRunner.
 */
class TestRunner : public JobRunner
{
    Q_OBJECT
public:
    /** The label on every container, network and volume a test makes; its value is the run id. */
    static constexpr const char *Label = "io.github.monasca.mrc.test";

    TestRunner(Manifest manifest, TestPlan plan, TestOptions options, QObject *parent = nullptr);
    ~TestRunner() override;

    const TestPlan &plan() const { return m_plan; }
    const QList<TestUpdate> &jobs() const { return m_jobs; }
    /** Names the run (labels, compose projects, updates) @p runId instead of a fresh one; call before start(). */
    void setRunId(const QString &runId);

Q_SIGNALS:
    void jobUpdated(const mrc::TestUpdate &update);

private:
    friend class StackTest;
    struct Running;
    using Done = std::function<void(EngineCall *)>;

    // JobRunner: cancel(job) stops a running test and removes what it made before it reports cancelled.
    int jobCount() const override { return int(m_jobs.size()); }
    void registerJob(int job) override;
    void failUnstarted(int job, const QString &why) override;
    void cancelJob(int job) override;
    void schedule() override;

    void startJob(int job);
    void runTest(int job);
    void runHealth(int job);
    /** create → start → follow logs and wait; @p exited gets the exit code (or -1 when it could not run). */
    void runContainer(int job, const QJsonObject &config, const QString &prefix, std::function<void(int)> exited);
    void pollHealth(int job);
    /** Ends the test: diagnostics, then removal of everything it made, then the final state. */
    void fail(int job, const QString &message);
    void pass(int job, const QString &message = {});
    void finishJob(int job, TestState state, const QString &message);
    void cleanup(int job, std::function<void()> then);
    void settle(int job);
    void track(int job, EngineCall *call, Done done);
    void publish(int job);
    /** The test runs and is not ending; with @p idle, no call of it is out either. */
    bool isRunning(int job, bool idle = false) const;
    TestRecord record(int job) const;
    void appendLog(int job, const QString &line);
    void appendContainerLines(int job, const QString &prefix, const QByteArray &chunk, bool end);
    QJsonObject labels() const;
    EngineClient *client(const QString &engine);

    TestPlan m_plan;
    TestOptions m_options;
    QList<TestUpdate> m_jobs;
    QHash<int, std::shared_ptr<Running>> m_running;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::TestUpdate)
