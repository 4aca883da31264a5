// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "sessions/session.h"
#include "sessions/sessionscope.h"
#include "workspace/cellselector.h"

#include <atomic>
#include <memory>
#include <optional>

namespace mrc {

struct BuildSessionOptions
{
    CellSelector selector;
    bool fetch = false;    // fetch every git mirror first
    bool planOnly = false; // plan (with the build arguments) and build nothing: `mrc build --dry-run`
    BuildOptions build;    // jobs, no-cache, locations
    /**
     * A scope made already: the window's scan (its manifest, cells and probed engines) and, as `selected`, the ready
     * cells the user picked in the matrix. No second scan; the selector is not used.
     */
    std::optional<SessionScope> scope;
};

/**
 * One build, from options to outcome, for the CLI, the window and the watcher alike: it resolves the refs, scans,
 * selects the cells, plans (build arguments, lint gate) and runs a BuildRunner, all on a worker thread it owns.
 * Its signals carry values (JobUpdate tagged with the run id) and arrive queued on the thread that made it.
 * plan() and scope() are valid after planned(); jobs(), succeeded() and historyError() after finished().
 */
class BuildSession : public Session
{
    Q_OBJECT
public:
    BuildSession(Manifest manifest, BuildSessionOptions options, QObject *parent = nullptr);
    ~BuildSession() override;

    const SessionScope &scope() const { return m_scope; }
    const BuildPlan &plan() const { return m_plan; }
    const QList<JobUpdate> &jobs() const { return m_jobs; }
    bool succeeded() const { return m_succeeded; }
    QString historyError() const { return m_historyError; }
    /** The plan job @p update builds (a copy's origin): for its commit and its engine pool. */
    const BuildJobSpec *specOf(const JobUpdate &update) const;
    /** The selected cells whose image is there after the run: built, up to date, or built by a job that took over. */
    QList<Cell> builtCells() const;
    /** The selected cells that did not end with an image. */
    QList<Cell> failedCells() const;

Q_SIGNALS:
    /** A line worth telling while planning: a ref's column, a skipped cell, an unreachable engine, a plan problem. */
    void note(const QString &text);
    void planned();
    void jobUpdated(const mrc::JobUpdate &update);
    /** Complete lines (UTF-8) just appended to a job's log file. */
    void logLines(int job, const QByteArray &lines);

private:
    void work() override;
    void cancelWork() override;

    Manifest m_manifest;
    BuildSessionOptions m_options;
    BuildRunner *m_runner = nullptr; // worker thread only
    SessionScope m_scope;
    BuildPlan m_plan;
    QList<JobUpdate> m_jobs;
    bool m_succeeded = false;
    QString m_historyError;
};

} // namespace mrc
