// SPDX-License-Identifier: Apache-2.0
#include "history/automationrun.h"

namespace mrc {

QString runStateName(RunState state)
{
    switch (state) {
    case RunState::Queued:
        return QStringLiteral("queued");
    case RunState::Building:
        return QStringLiteral("building");
    case RunState::Testing:
        return QStringLiteral("testing");
    case RunState::Pushing:
        return QStringLiteral("pushing");
    case RunState::Done:
        return QStringLiteral("done");
    case RunState::Failed:
        return QStringLiteral("failed");
    case RunState::Skipped:
        return QStringLiteral("skipped");
    case RunState::Superseded:
        return QStringLiteral("superseded");
    }
    return {};
}

std::optional<RunState> runStateFromName(const QString &name)
{
    for (RunState state : {RunState::Queued, RunState::Building, RunState::Testing, RunState::Pushing, RunState::Done,
                           RunState::Failed, RunState::Skipped, RunState::Superseded}) {
        if (runStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

bool isFinal(RunState state)
{
    return state == RunState::Done || state == RunState::Failed || state == RunState::Skipped ||
           state == RunState::Superseded;
}

QString runStageName(RunStage stage)
{
    switch (stage) {
    case RunStage::Build:
        return QStringLiteral("build");
    case RunStage::Test:
        return QStringLiteral("test");
    case RunStage::Push:
        return QStringLiteral("push");
    }
    return {};
}

std::optional<RunStage> runStageFromName(const QString &name)
{
    for (RunStage stage : {RunStage::Build, RunStage::Test, RunStage::Push}) {
        if (runStageName(stage) == name)
            return stage;
    }
    return std::nullopt;
}

RunState runStateFor(RunStage stage)
{
    switch (stage) {
    case RunStage::Build:
        return RunState::Building;
    case RunStage::Test:
        return RunState::Testing;
    case RunStage::Push:
        return RunState::Pushing;
    }
    return RunState::Building;
}

QString stageStateName(StageState state)
{
    switch (state) {
    case StageState::Running:
        return QStringLiteral("running");
    case StageState::Done:
        return QStringLiteral("done");
    case StageState::Failed:
        return QStringLiteral("failed");
    case StageState::Skipped:
        return QStringLiteral("skipped");
    }
    return {};
}

std::optional<StageState> stageStateFromName(const QString &name)
{
    for (StageState state : {StageState::Running, StageState::Done, StageState::Failed, StageState::Skipped}) {
        if (stageStateName(state) == name)
            return state;
    }
    return std::nullopt;
}

double StageRecord::durationSeconds() const
{
    if (!started.isValid())
        return 0;
    const QDateTime end = finished.isValid() ? finished : QDateTime::currentDateTimeUtc();
    return started.msecsTo(end) / 1000.0;
}

std::optional<RunStage> AutomationRun::lastFinishedStage() const
{
    std::optional<RunStage> last;
    for (const StageRecord &record : stages) {
        if ((record.state == StageState::Done || record.state == StageState::Skipped) &&
            (!last || int(record.stage) > int(*last)))
            last = record.stage;
    }
    return last;
}

std::optional<RunStage> AutomationRun::nextStage() const
{
    const std::optional<RunStage> last = lastFinishedStage();
    const bool wanted[] = {actions.build, actions.test, actions.push};
    for (int stage = last ? int(*last) + 1 : 0; stage <= int(RunStage::Push); ++stage) {
        if (wanted[stage])
            return RunStage(stage);
    }
    return std::nullopt;
}

const StageRecord *AutomationRun::stage(RunStage stage) const
{
    // The newest row of the stage: a resumed run may have started it twice.
    for (auto it = stages.crbegin(); it != stages.crend(); ++it) {
        if (it->stage == stage)
            return &*it;
    }
    return nullptr;
}

} // namespace mrc
