// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/automationrun.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <functional>

namespace mrc {

/**
 * The watcher's queue and runs (AutomationStore::runs), newest first, read-only: the History page's queue and the
 * Automation page's timeline. A refresh merges by run id: new runs are one insert at the top, runs that fell off
 * the limit one removal at the bottom, changed runs one merged dataChanged; anything else is a reset.
 */
class AutomationRunsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        RunColumn,
        EventColumn,
        BranchColumn,
        ComponentsColumn,
        CommitColumn,
        StateColumn,
        StagesColumn,
        QueuedColumn,
        DurationColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1, // the raw value: id, time, seconds
        RunIdRole,
        StateRole, // int(RunState)
        RunRole,   // the whole AutomationRun, for a timeline delegate
    };

    explicit AutomationRunsModel(QObject *parent = nullptr);

    /** The state column's icon; the model has no widgets, so the view gives it. */
    void setStateIcon(std::function<QIcon(RunState)> icon);

    /** A new snapshot, newest first, merged into the rows as the class says. */
    void setRuns(const QList<AutomationRun> &runs);
    const QList<AutomationRun> &runs() const { return m_runs; }
    const AutomationRun *runAt(int row) const;
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /** "build ✓ · test ✗ · push –": each stage of the run's actions with where it stands. */
    static QString stagesText(const AutomationRun &run);
    /** "commit master", "tag 12.1.0", "change 1234/2". */
    static QString eventText(const AutomationEvent &event);

private:
    QVariant display(const AutomationRun &run, int column) const;
    QVariant sortValue(const AutomationRun &run, int column) const;
    static bool sameRow(const AutomationRun &a, const AutomationRun &b);

    QList<AutomationRun> m_runs;
    std::function<QIcon(RunState)> m_icon;
};

} // namespace mrc
