// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/buildrunner.h"
#include "workspace/cell.h"

#include <QList>
#include <QString>

namespace mrc {

/**
 * The latest finished build of each cell, as the history database has it: what a reopened window shows before any
 * build of its own, so that a built image does not look like a never-built one. Blocking: call it off the GUI thread.
 */
class BuildStateReader
{
public:
    /** One JobUpdate per cell that has a finished build in the history at `historyPath`. */
    static QList<JobUpdate> read(const QString &historyPath, const QList<Cell> &cells);
    /** A history row as a job's update, and back: the one mapping between the two, both ways. */
    static JobUpdate fromRecord(const JobRecord &record);
    static JobRecord toRecord(const JobUpdate &update, const QString &commit, const QString &baseCommit);
};

} // namespace mrc
