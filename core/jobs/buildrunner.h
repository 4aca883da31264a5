// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/jobstate.h"
#include "jobs/buildplan.h"
#include "jobs/jobrunner.h"
#include "manifest/manifest.h"

#include <QDateTime>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <memory>

namespace mrc {

class EngineCall;
class EngineClient;
class History;

/** A job's progress, sent to the GUI and the CLI whenever something about it changes. */
struct JobUpdate
{
    int job = -1;         // index in the plan
    qint64 historyId = 0; // row in the history database
    QString runId;        // the run (BuildSession) the job belongs to
    QString component;
    QString branch;
    QString docker;
    QString engine;
    QString tag;
    JobState state = JobState::Queued;
    QString message; // why it failed, is blocked, is up to date
    QString imageId;
    QString logPath;
    int stepsDone = 0;
    int stepsTotal = 0;
    QDateTime started;
    QDateTime finished;
    // For a failed build: where to look and how to get in.
    QString failingStep;    // "Step 4/9 : RUN false"
    int dockerfileLine = 0; // 1-based line of the failing instruction in the Dockerfile
    QString lastLayerId;    // the last layer that built, to start a shell in
    // In a build pool: the plan job this one copies (a base built on a second engine, or a job retried after
    // its engine was lost), and the job that took over from this one.
    int copyOf = -1;
    int replacedBy = -1;

    double durationSeconds() const;
};

struct BuildOptions
{
    int jobs = 2;         // builds at once per engine, unless the manifest gives the engine `jobs:`
    bool noCache = false; // also: no build avoidance (Force rebuild)
    QString cacheRoot;    // git mirrors; empty: the default
    QString historyPath;  // empty: the default
    QString logDirectory; // empty: the default
    QString rebuildHint = QStringLiteral("use --no-cache to rebuild"); // how this client forces a rebuild
};

/**
 * Runs a BuildPlan on the manifest's engines: base images first, at most `jobs` builds at once per engine, build
 * avoidance through the images' revision labels, every log line written to its file as it arrives and every state
 * change written to the history. Lives on one thread with an event loop (a worker thread in the GUI, the main thread in
 * the CLI); everything it does is asynchronous except reading git objects for the build context.
 */
class BuildRunner : public JobRunner
{
    Q_OBJECT
public:
    BuildRunner(Manifest manifest, BuildPlan plan, BuildOptions options, QObject *parent = nullptr);
    ~BuildRunner() override;

    const BuildPlan &plan() const { return m_plan; }
    /** The first update of each planned job (queued), as jobs() holds them before the run starts. */
    static QList<JobUpdate> queuedJobs(const BuildPlan &plan);
    /** Tags every update with @p runId; call before start(). */
    void setRunId(const QString &runId);
    const QList<JobUpdate> &jobs() const { return m_jobs; }
    /** True when every planned cell has an image: each job succeeded, or the job that replaced it did. */
    bool succeeded() const;
    /** False for a job whose work another job finished (replacedBy): it does not count as a failure. */
    bool counts(int job) const;
    /**
     * The 1-based Dockerfile line of a failing step header ("Step 4/9 : RUN false"): the classic builder numbers
     * every instruction of the file, ARGs before FROM included. 0 when the header does not match the file.
     */
    static int dockerfileLineOf(const QString &stepHeader, const QByteArray &dockerfile);
    /** The engines found lost during the run. */
    QStringList lostEngines() const { return m_lost; }

Q_SIGNALS:
    void jobUpdated(const mrc::JobUpdate &update);

private:
    struct Running;

    // JobRunner: cancel(job) stops a running build on the engine by closing its connection.
    int jobCount() const override { return int(m_jobs.size()); }
    void registerJob(int job) override;
    void failUnstarted(int job, const QString &why) override;
    void cancelJob(int job) override;
    void schedule() override;
    void placeJob(int job);
    void rebuildBases(int job, const QStringList &pool);
    void startJob(int job);
    void checkUpToDate(int job);
    void runBuild(int job);
    /** Ends an engine call of @p job: false when the job is gone, was cancelled or the call failed (it is then
     *  settled), true when its answer is there to read. */
    bool answered(int job, EngineCall *call);
    void sendBuild(int job);
    void onBuildData(int job, const QByteArray &chunk);
    void onBuildFinished(int job);
    void settle(int job, JobState state, const QString &message);
    void blockDependants(int job);
    void publish(int job);
    void appendLog(int job, const QString &line);
    EngineClient *client(const QString &engine);
    void locateFailure(int job);

    // The build pool: which engines a job may use, how busy each is, where a base image already is.
    enum class Deps
    {
        Ready,
        Pending,
        Missing
    };
    QStringList livePool(int job) const;
    int limitOf(const QString &engine) const;
    int runningOn(const QString &engine) const;
    Deps dependenciesOn(int job, const QString &engine) const;
    Deps copyOn(int origin, const QString &engine) const;
    int addCopy(int job, const QString &engine);
    void assignEngine(int job, const QString &engine);
    void markEngineLost(const QString &engine);
    bool familyAlive(int origin) const;
    /** Another job of the same cell that gives or may still give its image on an engine that is not lost. */
    int liveCopy(int job) const;

    BuildPlan m_plan;
    BuildOptions m_options;
    QList<JobUpdate> m_jobs;
    QHash<int, std::shared_ptr<Running>> m_running;
    QHash<QString, QString> m_networkMode; // per engine: "none" when it has no bridge network, else empty
    QList<int> m_origin;                   // per job: the plan job it stands for (itself, or what it copies)
    QList<bool> m_pinned;                  // per job: its engine is fixed (a base copy, or a pool of one)
    QHash<QString, int> m_startedOn;       // per engine: jobs started there, to spread ties
    QStringList m_lost;                    // engines that went away during the run
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::JobUpdate)
