// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/buildrunner.h"

#include <QAbstractTableModel>

namespace mrc {

/** The jobs of the current build run, one row each, updated in place as JobUpdates arrive. */
class JobsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        CellColumn,
        EngineColumn,
        StateColumn,
        StepsColumn,
        ElapsedColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        JobRole = Qt::UserRole + 1, // QVariant<JobUpdate>
        StateRole,                  // int(JobState), also the sort role of the state column
        ProgressRole,               // 0..100, or -1 when unknown
    };

    explicit JobsModel(QObject *parent = nullptr);

    /** A new run: one row per planned job. */
    void reset(const QList<JobUpdate> &jobs);
    /** Updates a job's row; a job the runner added during the run (a base copy, a retry) gets a new row. */
    void update(const JobUpdate &job);
    /** A job another process runs (mrc build in a terminal): updates its row, found by history id, or appends one. */
    void track(const JobUpdate &job);
    const JobUpdate *jobAt(int row) const;
    /** Elapsed times of running jobs move on: refresh that column. */
    void tick();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<JobUpdate> m_jobs;
};

} // namespace mrc
