// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace mrc {

/** Where a build job stands. The names are what the CLI prints and the history database stores. */
enum class JobState
{
    None, // never built in this session or history
    Queued,
    Building,
    Built,
    UpToDate, // an image with the same revisions exists; nothing was built
    Failed,
    Blocked, // a job it depends on did not succeed
    Cancelled,
    EngineLost,  // the engine went away during the build
    Interrupted, // the console died while the job ran
};

QString jobStateName(JobState state);
JobState jobStateFromName(const QString &name);
/** True for states a job never leaves. */
bool isFinal(JobState state);
/** True when the image exists after the job: built or up to date. */
bool isSuccess(JobState state);

} // namespace mrc
