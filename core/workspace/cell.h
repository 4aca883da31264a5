// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/history.h"
#include "history/jobstate.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace mrc {

/** What the console knows about one component × branch × Docker version. Build and test state come from the history. */
enum class CellState
{
    Unknown,   // not scanned yet
    Ready,     // commit resolved, context folder present, an engine serves the Docker version
    NoBranch,  // the branch does not exist in the repository
    NoContext, // the docker folder is missing at that commit
    NoEngine,  // no configured engine runs that Docker version
    Error,     // anything else, with a message (unreachable remote and no cache, ...)
};

QString cellStateName(CellState state); // "ready", "no-branch", ... as printed by the CLI
CellState cellStateFromName(const QString &name);

struct Cell
{
    int row = -1;    // component index in the manifest
    int column = -1; // index into Manifest::columns()
    QString component;
    QString image;
    QString branch;
    QString docker;
    CellState state = CellState::Unknown;
    QString commit;
    QString author;
    QDateTime commitDate;
    QString subject;
    QString message;      // why the state is what it is, for tooltips and the CLI
    int lintErrors = 0;   // error-level lint findings of the image folder at the commit
    int lintWarnings = 0; // warning-level ones

    // The cell's latest build job, when there is one.
    JobState job = JobState::None;
    QString jobMessage;
    qint64 jobId = 0; // history row
    int stepsDone = 0;
    int stepsTotal = 0;
    QString logPath;

    // The latest results of the cell's container tests (summarizeTests); independent of the build state above.
    TestState testState = TestState::Untested;
    QString testMessage; // failed: the first failing test's name and message; stale: why
    int testsPassed = 0;
    int testsTotal = 0;

    bool operator==(const Cell &other) const = default;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::Cell)
