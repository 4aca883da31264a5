// SPDX-License-Identifier: Apache-2.0
#include "jobs/buildstatereader.h"

#include "history/history.h"

namespace mrc {

JobUpdate BuildStateReader::fromRecord(const JobRecord &record)
{
    JobUpdate update;
    update.historyId = record.id;
    update.component = record.component;
    update.branch = record.branch;
    update.docker = record.docker;
    update.engine = record.engine;
    update.tag = record.tag;
    update.state = record.state;
    update.message = record.message;
    update.imageId = record.imageId;
    update.logPath = record.logPath;
    update.started = record.started;
    update.finished = record.finished;
    return update;
}

JobRecord BuildStateReader::toRecord(const JobUpdate &update, const QString &commit, const QString &baseCommit)
{
    JobRecord record;
    record.id = update.historyId;
    record.component = update.component;
    record.branch = update.branch;
    record.docker = update.docker;
    record.engine = update.engine;
    record.commit = commit;
    record.baseCommit = baseCommit;
    record.tag = update.tag;
    record.imageId = update.imageId;
    record.state = update.state;
    record.started = update.started;
    record.finished = update.finished;
    record.logPath = update.logPath;
    record.message = update.message;
    return record;
}

QList<JobUpdate> BuildStateReader::read(const QString &historyPath, const QList<Cell> &cells)
{
    QList<JobUpdate> updates;
    History history(historyPath);
    QString error;
    if (!history.open(&error))
        return updates;
    for (const Cell &cell : cells) {
        const std::optional<JobRecord> record = history.latest(cell.component, cell.branch, cell.docker);
        // A job still running belongs to whoever runs it; only finished builds say whether an image exists.
        if (!record || record->kind != QLatin1String("build") || !isFinal(record->state))
            continue;
        updates.append(fromRecord(*record));
    }
    return updates;
}

} // namespace mrc
