// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/history.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <functional>

namespace mrc {

/** Rows of the job history (History::recent), newest first; the page fills it from a worker thread's answer. */
class HistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        WhenColumn,
        CellColumn,
        StateColumn,
        EngineColumn,
        CommitColumn,
        ImageColumn,
        DurationColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        StateRole = Qt::UserRole + 1, // int(JobState)
        LogPathRole,
        JobIdRole,
    };

    explicit HistoryModel(QObject *parent = nullptr);

    /** The state column's icon and text; the model has no widgets, so the views give them (StateStyle). */
    void setStateStyle(std::function<QIcon(JobState)> icon, std::function<QString(JobState)> label);

    void setRecords(const QList<JobRecord> &records);
    const JobRecord *recordAt(int row) const;
    /** The row of job @p id, or -1. */
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** "1 h 02 min", "3 min 05 s", "12 s"; empty when the job has no end. */
    static QString durationText(const QDateTime &started, const QDateTime &finished);

private:
    QList<JobRecord> m_records;
    std::function<QIcon(JobState)> m_icon;
    std::function<QString(JobState)> m_label;
};

} // namespace mrc
