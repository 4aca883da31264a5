// SPDX-License-Identifier: Apache-2.0
#include "models/automationrunsmodel.h"

#include "models/historymodel.h"

#include <QLocale>

namespace mrc {

AutomationRunsModel::AutomationRunsModel(QObject *parent) : QAbstractTableModel(parent) {}

void AutomationRunsModel::setStateIcon(std::function<QIcon(RunState)> icon)
{
    m_icon = std::move(icon);
    if (!m_runs.isEmpty())
        Q_EMIT dataChanged(index(0, StateColumn), index(rowCount() - 1, StateColumn), {Qt::DecorationRole});
}

bool AutomationRunsModel::sameRow(const AutomationRun &a, const AutomationRun &b)
{
    if (a.state != b.state || a.message != b.message || a.finished != b.finished || a.started != b.started ||
        a.stages.size() != b.stages.size() || a.pid != b.pid)
        return false;
    for (qsizetype i = 0; i < a.stages.size(); ++i) {
        const StageRecord &x = a.stages.at(i);
        const StageRecord &y = b.stages.at(i);
        if (x.state != y.state || x.finished != y.finished || x.message != y.message || x.logPath != y.logPath)
            return false;
    }
    return true;
}

void AutomationRunsModel::setRuns(const QList<AutomationRun> &runs)
{
    // New runs have higher ids and come first; the old rows follow in the same order, the oldest may have dropped
    // off the end. Anything else (a store that was replaced) is a new snapshot.
    const qint64 newestOld = m_runs.isEmpty() ? 0 : m_runs.first().id;
    qsizetype added = 0;
    while (added < runs.size() && runs.at(added).id > newestOld)
        ++added;
    const qsizetype kept = runs.size() - added;
    bool merge = !m_runs.isEmpty() && kept <= m_runs.size();
    for (qsizetype i = 0; merge && i < kept; ++i)
        merge = runs.at(added + i).id == m_runs.at(i).id;
    if (!merge) {
        beginResetModel();
        m_runs = runs;
        endResetModel();
        return;
    }
    if (kept < m_runs.size()) {
        beginRemoveRows({}, int(kept), int(m_runs.size() - 1));
        m_runs.resize(kept);
        endRemoveRows();
    }
    int first = -1;
    int last = -1;
    for (qsizetype i = 0; i < kept; ++i) {
        if (!sameRow(m_runs.at(i), runs.at(added + i))) {
            m_runs[i] = runs.at(added + i);
            if (first < 0)
                first = int(i);
            last = int(i);
        }
    }
    if (added > 0) {
        beginInsertRows({}, 0, int(added - 1));
        m_runs = runs.mid(0, added) + m_runs;
        endInsertRows();
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first + int(added), 0), index(last + int(added), ColumnCount - 1));
}

const AutomationRun *AutomationRunsModel::runAt(int row) const
{
    return row >= 0 && row < m_runs.size() ? &m_runs.at(row) : nullptr;
}

int AutomationRunsModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_runs.size(); ++row) {
        if (m_runs.at(row).id == id)
            return row;
    }
    return -1;
}

int AutomationRunsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_runs.size());
}

int AutomationRunsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AutomationRunsModel::eventText(const AutomationEvent &event)
{
    return QStringLiteral("%1 %2").arg(automationEventKindName(event.kind), event.name());
}

QString AutomationRunsModel::stagesText(const AutomationRun &run)
{
    const bool wanted[] = {run.actions.build, run.actions.test, run.actions.push};
    QStringList parts;
    for (RunStage stage : {RunStage::Build, RunStage::Test, RunStage::Push}) {
        if (!wanted[int(stage)])
            continue;
        const StageRecord *record = run.stage(stage);
        QString mark = QStringLiteral("–");
        if (record) {
            switch (record->state) {
            case StageState::Running:
                mark = isFinal(run.state) || run.state == RunState::Queued ? QStringLiteral("?") : QStringLiteral("…");
                break;
            case StageState::Done:
                mark = QStringLiteral("✓");
                break;
            case StageState::Failed:
                mark = QStringLiteral("✗");
                break;
            case StageState::Skipped:
                mark = QStringLiteral("skipped");
                break;
            }
        }
        parts << QStringLiteral("%1 %2").arg(runStageName(stage), mark);
    }
    return parts.join(QStringLiteral(" · "));
}

QVariant AutomationRunsModel::display(const AutomationRun &r, int column) const
{
    switch (column) {
    case RunColumn:
        return r.attempt > 1 ? QStringLiteral("%1 (try %2)").arg(r.id).arg(r.attempt) : QString::number(r.id);
    case EventColumn:
        return eventText(r.event);
    case BranchColumn:
        return r.event.branch;
    case ComponentsColumn:
        return r.components.join(QStringLiteral(", "));
    case CommitColumn:
        return r.event.sha.left(7);
    case StateColumn:
        return runStateName(r.state);
    case StagesColumn:
        return stagesText(r);
    case QueuedColumn:
        return QLocale().toString(r.queued.toLocalTime(), QLocale::ShortFormat);
    case DurationColumn:
        return HistoryModel::durationText(r.started, r.finished);
    case MessageColumn:
        return r.message;
    default:
        return {};
    }
}

QVariant AutomationRunsModel::sortValue(const AutomationRun &r, int column) const
{
    switch (column) {
    case RunColumn:
        return r.id;
    case QueuedColumn:
        return r.queued;
    case DurationColumn:
        return r.started.isValid() && r.finished.isValid() ? r.started.msecsTo(r.finished) : qint64(-1);
    case StateColumn:
        return int(r.state);
    default:
        return display(r, column);
    }
}

QVariant AutomationRunsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AutomationRun &r = m_runs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(r, index.column());
    case Qt::ToolTipRole:
        switch (index.column()) {
        case CommitColumn:
            return QStringLiteral("%1\n%2").arg(r.event.sha, r.event.subject);
        case EventColumn:
            return r.event.ref;
        case QueuedColumn:
            return r.queued.toUTC().toString(Qt::ISODate);
        default: {
            const QString text = display(r, index.column()).toString();
            return text.isEmpty() ? QVariant() : QVariant(text);
        }
        }
    case Qt::DecorationRole:
        if (index.column() == StateColumn && m_icon)
            return m_icon(r.state);
        return {};
    case SortRole:
        return sortValue(r, index.column());
    case RunIdRole:
        return r.id;
    case StateRole:
        return int(r.state);
    case RunRole:
        return QVariant::fromValue(r);
    default:
        return {};
    }
}

QVariant AutomationRunsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char *const names[] = {
        QT_TR_NOOP("Run"),   QT_TR_NOOP("Event"),  QT_TR_NOOP("Branch"), QT_TR_NOOP("Images"),   QT_TR_NOOP("Commit"),
        QT_TR_NOOP("State"), QT_TR_NOOP("Stages"), QT_TR_NOOP("Queued"), QT_TR_NOOP("Duration"), QT_TR_NOOP("Message")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace mrc
