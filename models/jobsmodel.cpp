// SPDX-License-Identifier: Apache-2.0
#include "models/jobsmodel.h"

namespace mrc {

JobsModel::JobsModel(QObject *parent) : QAbstractTableModel(parent) {}

void JobsModel::reset(const QList<JobUpdate> &jobs)
{
    beginResetModel();
    m_jobs = jobs;
    endResetModel();
}

void JobsModel::update(const JobUpdate &job)
{
    if (job.job < 0)
        return;
    if (job.job >= m_jobs.size()) {
        beginInsertRows({}, int(m_jobs.size()), job.job);
        while (m_jobs.size() <= job.job) {
            JobUpdate placeholder;
            placeholder.job = int(m_jobs.size());
            m_jobs.append(placeholder);
        }
        m_jobs[job.job] = job;
        endInsertRows();
        return;
    }
    m_jobs[job.job] = job;
    Q_EMIT dataChanged(index(job.job, 0), index(job.job, ColumnCount - 1));
}

void JobsModel::track(const JobUpdate &job)
{
    for (int row = 0; row < m_jobs.size(); ++row) {
        if (job.historyId > 0 && m_jobs[row].historyId == job.historyId) {
            JobUpdate updated = job;
            updated.job = m_jobs[row].job;
            m_jobs[row] = updated;
            Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
            return;
        }
    }
    beginInsertRows({}, int(m_jobs.size()), int(m_jobs.size()));
    m_jobs.append(job);
    endInsertRows();
}

const JobUpdate *JobsModel::jobAt(int row) const
{
    return row >= 0 && row < m_jobs.size() ? &m_jobs[row] : nullptr;
}

void JobsModel::tick()
{
    int first = -1;
    int last = -1;
    for (int row = 0; row < m_jobs.size(); ++row) {
        if (m_jobs[row].state == JobState::Building) {
            first = first < 0 ? row : first;
            last = row;
        }
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, ElapsedColumn), index(last, ElapsedColumn), {Qt::DisplayRole});
}

int JobsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

int JobsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant JobsModel::data(const QModelIndex &index, int role) const
{
    const JobUpdate *job = index.isValid() ? jobAt(index.row()) : nullptr;
    if (!job)
        return {};
    switch (role) {
    case JobRole:
        return QVariant::fromValue(*job);
    case StateRole:
        return int(job->state);
    case ProgressRole:
        if (isSuccess(job->state))
            return 100;
        return job->stepsTotal > 0 ? 100 * job->stepsDone / job->stepsTotal : -1;
    case Qt::ToolTipRole:
        return job->message;
    case Qt::DisplayRole:
        switch (index.column()) {
        case CellColumn:
            return QStringLiteral("%1@%2 · %3").arg(job->component, job->branch, job->docker);
        case EngineColumn:
            return job->engine;
        case StateColumn:
            return jobStateName(job->state);
        case StepsColumn:
            return job->stepsTotal > 0 ? QStringLiteral("%1/%2").arg(job->stepsDone).arg(job->stepsTotal) : QString();
        case ElapsedColumn:
            return job->started.isValid() ? QStringLiteral("%1 s").arg(job->durationSeconds(), 0, 'f', 1) : QString();
        case MessageColumn:
            return job->message;
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case CellColumn:
        return tr("Cell");
    case EngineColumn:
        return tr("Engine");
    case StateColumn:
        return tr("State");
    case StepsColumn:
        return tr("Steps");
    case ElapsedColumn:
        return tr("Elapsed");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace mrc
