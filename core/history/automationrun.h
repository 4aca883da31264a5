// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/automationevent.h"

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace mrc {

/** Where a pipeline run stands. The names are what the history database stores and `mrc watch --json` prints. */
enum class RunState
{
    Queued,
    Building,
    Testing,
    Pushing,
    Done,
    Failed,
    Skipped,
    Superseded
};

QString runStateName(RunState state);
std::optional<RunState> runStateFromName(const QString &name);
/** Done, Failed, Skipped and Superseded: a run never leaves them. */
bool isFinal(RunState state);

/** The three stages of a pipeline, in the order they run. */
enum class RunStage
{
    Build,
    Test,
    Push
};

QString runStageName(RunStage stage);
std::optional<RunStage> runStageFromName(const QString &name);
/** Building, Testing or Pushing. */
RunState runStateFor(RunStage stage);

/** Where one stage of a run stands. */
enum class StageState
{
    Running,
    Done,
    Failed,
    Skipped
};

QString stageStateName(StageState state);
std::optional<StageState> stageStateFromName(const QString &name);

/** One row of a run's stages: when it ran, how it ended, where its log is. */
struct StageRecord
{
    qint64 id = 0;
    qint64 runId = 0;
    RunStage stage = RunStage::Build;
    StageState state = StageState::Running;
    QDateTime started;
    QDateTime finished;
    QString logPath;
    QString message;

    double durationSeconds() const;
};

/**
 * One pipeline run for one event: what the policy decided (actions, components, Docker versions), where the
 * run stands, and its stages so far. A run whose process died before it ended is interrupted: the watcher
 * resumes it after its last finished stage.
 */
struct AutomationRun
{
    qint64 id = 0;
    AutomationEvent event; // event.id links the run to its event
    AutomationActions actions;
    QStringList components; // base first
    QStringList docker;     // empty: every Docker version of the branch
    RunState state = RunState::Queued;
    int attempt = 1; // 2 and more: a retry after a failure's back-off
    QDateTime queued;
    QDateTime started;
    QDateTime finished;
    QString message;
    qint64 supersededBy = 0; // the run that replaced it
    qint64 pid = 0;          // the process working on it; 0 while queued
    QList<StageRecord> stages;

    /** The last stage that ended Done (or Skipped); nullopt when none has. */
    std::optional<RunStage> lastFinishedStage() const;
    /** The first stage of the run's actions after lastFinishedStage(); nullopt when nothing is left. */
    std::optional<RunStage> nextStage() const;
    const StageRecord *stage(RunStage stage) const;
    QString lane() const { return event.lane(); }
};

/** A lane's failures: how many in a row, on which commit, and when the next try may start. */
struct BackoffRecord
{
    QString lane;
    int failures = 0;
    QString sha; // the commit that failed last
    QDateTime lastFailure;
    QDateTime retryAfter;   // invalid: no back-off
    bool exhausted = false; // the retries of `sha` are used up: the lane waits for the next commit
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::AutomationRun)
