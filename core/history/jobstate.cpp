// SPDX-License-Identifier: Apache-2.0
#include "history/jobstate.h"

#include <array>
#include <utility>

namespace mrc {

namespace {
constexpr std::array<std::pair<JobState, const char *>, 10> names{{
    {JobState::None, "none"},
    {JobState::Queued, "queued"},
    {JobState::Building, "building"},
    {JobState::Built, "built"},
    {JobState::UpToDate, "up-to-date"},
    {JobState::Failed, "failed"},
    {JobState::Blocked, "blocked"},
    {JobState::Cancelled, "cancelled"},
    {JobState::EngineLost, "engine-lost"},
    {JobState::Interrupted, "interrupted"},
}};
} // namespace

QString jobStateName(JobState state)
{
    for (const auto &[value, name] : names) {
        if (value == state)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("none");
}

JobState jobStateFromName(const QString &name)
{
    for (const auto &[value, text] : names) {
        if (name == QLatin1String(text))
            return value;
    }
    return JobState::None;
}

bool isFinal(JobState state)
{
    return state != JobState::None && state != JobState::Queued && state != JobState::Building;
}

bool isSuccess(JobState state)
{
    return state == JobState::Built || state == JobState::UpToDate;
}

} // namespace mrc
