// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/jobstate.h"
#include "jobs/buildplan.h"
#include "jobs/runnercore.h"
#include "manifest/manifest.h"

#include <QDateTime>
#include <QHash>
#include <QMetaType>
#include <QObject>
#include <memory>

namespace mrc {

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
class BuildRunner : public QObject
{
    Q_OBJECT
public:
    BuildRunner(Manifest manifest, BuildPlan plan, BuildOptions options, QObject *parent = nullptr);
    ~BuildRunner() override;

    const BuildPlan &plan() const { return m_plan; }
    /** Tags every update with @p runId; call before start(). */
    void setRunId(const QString &runId);
    const QList<JobUpdate> &jobs() const { return m_jobs; }
    bool isFinished() const { return m_finished; }
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
    /** Why a job or its outcome could not be written to the history database; empty when all were. */
    QString historyError() const { return m_core.historyError(); }

public Q_SLOTS:
    void start();
    /** Cancels one job (-1: all). A running build is stopped on the engine by closing its connection. */
    void cancel(int job = -1);

Q_SIGNALS:
    void jobUpdated(const mrc::JobUpdate &update);
    /** Complete lines (UTF-8) just appended to a job's log file. */
    void logLines(int job, const QByteArray &lines);
    void finished();

private:
    struct Running;

    void schedule();
    void placeJob(int job);
    void rebuildBases(int job, const QStringList &pool);
    void startJob(int job);
    void checkUpToDate(int job);
    void runBuild(int job);
    void sendBuild(int job);
    void onBuildData(int job, const QByteArray &chunk);
    void onBuildFinished(int job);
    void settle(int job, JobState state, const QString &message);
    void blockDependants(int job);
    void publish(int job);
    void registerJob(int job);
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

    Manifest m_manifest;
    BuildPlan m_plan;
    BuildOptions m_options;
    RunnerCore m_core;
    QString m_runId;
    QList<JobUpdate> m_jobs;
    QHash<int, std::shared_ptr<Running>> m_running;
    QHash<QString, QString> m_networkMode; // per engine: "none" when it has no bridge network, else empty
    QList<int> m_origin;                   // per job: the plan job it stands for (itself, or what it copies)
    QList<bool> m_pinned;                  // per job: its engine is fixed (a base copy, or a pool of one)
    QHash<QString, int> m_startedOn;       // per engine: jobs started there, to spread ties
    QStringList m_lost;                    // engines that went away during the run
    bool m_started = false;
    bool m_finished = false;
    bool m_cancelAll = false;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::JobUpdate)
