// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/automationrun.h"
#include "manifest/manifest.h"
#include "publish/pushsession.h"

#include <QDateTime>
#include <QFile>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace mrc {

class AutomationStore;
class BuildSession;
class TestSession;
struct SessionScope;
struct Cell;

/** One state change of a pipeline run, for the store's readers, `mrc watch` and the Automation page. */
struct PipelineUpdate
{
    qint64 run = 0;
    RunState state = RunState::Queued;
    std::optional<RunStage> stage; // the stage the change is about
    StageState stageState = StageState::Running;
    QString message;
    QString logPath; // the stage's log: its notes, job outcomes (with their own logs) and push lines
    QDateTime at;
    bool resumed = false; // the run started again after a crash or kill, after its last finished stage
};

/**
 * One run of the release pipeline: BuildSession, then TestSession, then PushSession, for one event with the
 * policy's decision (actions, components, Docker versions). Base images build first and a changed base rebuilds
 * its children (the event names them; the build plan orders them). A commit pushes sha-<7> and its branch tag
 * (master or the series name), a release tag its tag and, when it is the highest final release, latest (the
 * release-from-tag flow of `mrc push --release`); a Gerrit change is built and tested, and pushed only as
 * change-<number>-<patchset> to the policy's review namespace, never to the release namespace.
 *
 * start() begins after the run's last finished stage, so a killed run resumes; a tag that went up before the kill
 * is `unchanged` in the new plan and is not pushed again. Every stage is recorded in the store as it starts and
 * ends. The pipeline lives on the thread that makes it, which needs an event loop (the push reads the keychain
 * there), as does the store it is given; the sessions work on their own threads. Every update carries the run id.
 */
class Pipeline : public QObject
{
    Q_OBJECT
public:
    enum class Outcome
    {
        Running,
        Done,
        Failed,
        Skipped,
        Cancelled // stopped by cancel(): the run stays where it was, and the next start resumes it
    };

    /** @p store (may be null: nothing is recorded) must live on this thread. */
    Pipeline(Manifest manifest, AutomationRun run, AutomationStore *store, QObject *parent = nullptr);
    ~Pipeline() override;

    /** The folder for the stages' logs; default History::defaultLogDirectory()/automation. */
    void setLogDirectory(const QString &directory) { m_logDirectory = directory; }
    /** Builds and tests at once (default 2). */
    void setJobs(int jobs) { m_jobs = jobs; }
    /** Where changes go (the policy's review_namespace); empty: a change is never pushed. */
    void setReviewNamespace(const QString &ns) { m_reviewNamespace = ns; }
    void setInsecureRegistries(const QStringList &hosts) { m_insecureRegistries = hosts; }

    void start();
    /** Stops the running stage; the run ends Cancelled and stays resumable. */
    void cancel();

    qint64 runId() const { return m_run.id; }
    const AutomationRun &run() const { return m_run; }
    Outcome outcome() const { return m_outcome; }
    QString message() const { return m_message; }
    /** The tags that changed at the registry: "namespace/image:tag". */
    const QStringList &pushedTags() const { return m_pushed; }
    /** Why the store could not record a stage; empty when it could. */
    QString storeError() const { return m_storeError; }

    static QString outcomeName(Outcome outcome);
    /** "commit 1a2b3c4 on master", "tag 12.1.0", "change 1234/2". */
    static QString describe(const AutomationEvent &event);

Q_SIGNALS:
    void updated(const mrc::PipelineUpdate &update);
    /** A line worth telling: a session's note, a job's outcome, a push line. */
    void logLine(qint64 run, const QString &line);
    void finished(qint64 run);

private:
    void next();
    void startStage(RunStage stage);
    void runBuild();
    void runTest();
    void runPush();
    void onBuildFinished();
    void onTestFinished();
    void onPlanned(const PushPlan &plan);
    void onPushed(const PushResult &result);
    void stageEnded(RunStage stage, StageState state, const QString &message);
    void end(Outcome outcome, const QString &message);
    void say(const QString &line);
    void record(RunStage stage, StageState state, const QString &message);
    void emitUpdate(RunState state, std::optional<RunStage> stage, StageState stageState, const QString &message);
    CellSelector selector() const;
    QString logPath(RunStage stage) const;

    Manifest m_manifest;
    AutomationRun m_run;
    AutomationStore *m_store;
    bool m_resumed;
    QString m_logDirectory;
    QString m_reviewNamespace;
    QStringList m_insecureRegistries;
    int m_jobs = 2;
    Outcome m_outcome = Outcome::Running;
    std::optional<RunStage> m_stage;
    QString m_message;
    QStringList m_pushed;
    QString m_storeError;
    bool m_started = false;
    bool m_cancelled = false;
    std::unique_ptr<BuildSession> m_build;
    std::unique_ptr<TestSession> m_test;
    std::unique_ptr<PushSession> m_push;
    std::unique_ptr<QFile> m_log;
    // The build's scope and the cells that built, handed to the test stage (no second scan).
    std::unique_ptr<SessionScope> m_scope;
    QList<Cell> m_built;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::PipelineUpdate)
