// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"
#include "publish/enginepush.h"
#include "publish/publisher.h"
#include "publish/publishplanner.h"
#include "secrets/credentialrequest.h"
#include "workspace/cellselector.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <atomic>
#include <memory>

class QThread;

namespace mrc {

class PushWorker;

/** How a plan or a push ended; the CLI's exit codes follow it one to one. */
enum class PushOutcome
{
    Ok,
    Failure,
    BadInput,
    Environment,
    Authentication
};

/** What a push session works on. */
struct PushOptions
{
    Manifest manifest;
    /** The cells, when no matrix is given: `mrc push --component/--branch/--docker`. */
    CellSelector selector;
    /** The window's matrix: every cell, the picked ones and the probed engines. When allCells is empty the session
     *  scans the manifest (WorkspaceScan) on its thread and selects with `selector`. */
    QList<Cell> allCells;
    QList<Cell> picked;
    QList<EngineStatus> engines;
    /** A release tag's column (`--release TAG`): published from the tag's commit. */
    QString release;
    /** A Gerrit change's column (refs/changes/NN/NUMBER/PATCHSET): published only as change-NUMBER-PATCHSET, for
     *  review; the caller points the manifest's namespace at a review namespace. */
    QString change;
    QStringList insecureRegistries;
    bool fetch = false; // fetch every git mirror before the scan
    QString cacheRoot;  // the planner's mirrors (empty: the planner's default)
    /** true: a keychain that does not answer fails the plan (`mrc push`); false: the registry is read anonymously
     *  and the failure is kept for push() (`mrc tags`, the window). */
    bool keychainRequired = false;
};

/** The plan of a run: the planner's result and what the session said while making it. */
struct PushPlan
{
    PushOutcome outcome = PushOutcome::Ok; // not Ok: nothing was planned, `messages` say why
    QString registry;
    QString user;             // empty: anonymous
    QString credentialSource; // where the user's credentials came from: "keychain", "docker-credential-…", ...
    QStringList messages;     // notes and errors before the keychain is read (the release column, the names)
    CredentialError keychain = CredentialError::None; // NotFound: anonymous; another error: keychainMessage
    QString keychainMessage;
    QStringList errors; // why the plan failed after the keychain was read (no ready cell, the registry, ...)
    PublishPlanner::Result result;

    bool anyRefused() const;
    /** Tags that a push would change (create or move). */
    int changes() const;
};

/** One snapshot of a running image push, for progress displays. */
struct PushProgress
{
    int engine = -1; // index into PushPlan::result.engines
    int cell = -1;   // index into that engine's plans
    qint64 bytesDone = 0;
    qint64 bytesTotal = 0;
    QList<LayerProgress> layers;
};

struct PushResult
{
    PushOutcome outcome = PushOutcome::Ok;
    bool cancelled = false;
    bool started = false;             // the checks passed and the publishers ran
    bool pushedAll = false;           // every engine's publisher succeeded (problems of the plan aside)
    QString message;                  // why it stopped early, when it did
    QList<CellPublishResult> results; // every engine's, in plan order
};

/**
 * The push of the selected cells, shared by `mrc tags`, `mrc push` and the Publish page. plan() resolves the
 * release column, checks the names, reads the credentials (CredentialResolver: the keychain, then Docker's
 * credential helpers and config.json), scans (or takes the window's
 * matrix) and asks the registry about each tag; push() then checks the credentials (login) and the push rights on
 * every repository that gets an upload, opens the audit trail and carries out the plan engine by engine.
 *
 * Everything but the keychain read runs on a worker thread that the session owns (quit and waited in the
 * destructor); the keychain is read asynchronously on the session's thread, where QtKeychain's D-Bus connection
 * lives. Every signal carries the run id that plan() returned, so a client drops what a previous run says.
 */
class PushSession : public QObject
{
    Q_OBJECT
public:
    explicit PushSession(QObject *parent = nullptr);
    ~PushSession() override;

    /** Starts a new run; planned() when done. Returns the run id. */
    int plan(const PushOptions &options);
    /** Carries out the last plan; finished() when done (also at once when there is nothing to do). */
    void push();
    /** Stops the push after the current request; a plan that is being made still ends with planned(). */
    void cancel();

    int run() const { return m_run; }
    bool isPlanning() const { return m_planning; }
    bool isPushing() const { return m_pushing; }
    const PushPlan &lastPlan() const { return m_plan; }

Q_SIGNALS:
    void planned(int run, const mrc::PushPlan &plan);
    /** A line of the push log ("[api@master] pushed ..."). */
    void logLine(int run, const QString &line);
    /** Something went wrong in the push that the user must read ("no push rights: ..."). */
    void warning(int run, const QString &line);
    void progress(int run, const mrc::PushProgress &progress);
    void tagFinished(int run, int engine, int cell, const mrc::TagOutcome &outcome);
    void finished(int run, const mrc::PushResult &result);

private:
    void onPrepared(int run, const mrc::PushPlan &plan);
    void onPlanned(int run, const mrc::PushPlan &plan);
    void onFinished(int run, const mrc::PushResult &result);

    std::unique_ptr<QThread> m_thread;
    PushWorker *m_worker; // lives on m_thread, deleted when it finishes
    std::shared_ptr<std::atomic_bool> m_cancelled;
    PushOptions m_options;
    PushPlan m_plan;
    QString m_keychainError; // a keychain that failed while planning: push() refuses to push anonymously
    int m_run = 0;
    bool m_planning = false;
    bool m_pushing = false;
};

} // namespace mrc
