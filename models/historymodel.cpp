// SPDX-License-Identifier: Apache-2.0
#include "models/historymodel.h"

namespace mrc {

namespace {

QString shortId(const QString &id)
{
    QString text = id;
    if (text.startsWith(QLatin1String("sha256:")))
        text = text.mid(7);
    return text.left(12);
}

} // namespace

HistoryModel::HistoryModel(QObject *parent) : QAbstractTableModel(parent) {}

void HistoryModel::setStateStyle(std::function<QIcon(JobState)> icon, std::function<QString(JobState)> label)
{
    m_icon = std::move(icon);
    m_label = std::move(label);
    if (!m_records.isEmpty())
        Q_EMIT dataChanged(index(0, StateColumn), index(m_records.size() - 1, StateColumn));
}

void HistoryModel::setRecords(const QList<JobRecord> &records)
{
    beginResetModel();
    m_records = records;
    endResetModel();
}

const JobRecord *HistoryModel::recordAt(int row) const
{
    return row >= 0 && row < m_records.size() ? &m_records.at(row) : nullptr;
}

int HistoryModel::rowOf(qint64 id) const
{
    for (int row = 0; row < m_records.size(); ++row) {
        if (m_records.at(row).id == id)
            return row;
    }
    return -1;
}

int HistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int HistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(ColumnCount);
}

QString HistoryModel::durationText(const QDateTime &started, const QDateTime &finished)
{
    if (!started.isValid() || !finished.isValid())
        return {};
    const qint64 seconds = qMax<qint64>(0, started.secsTo(finished));
    if (seconds >= 3600)
        return QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg((seconds % 3600) / 60, 2, 10, QLatin1Char('0'));
    if (seconds >= 60)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 s").arg(seconds);
}

QVariant HistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const JobRecord &r = m_records.at(index.row());
    switch (role) {
    case StateRole:
        return int(r.state);
    case LogPathRole:
        return r.logPath;
    case JobIdRole:
        return r.id;
    case Qt::DecorationRole:
        if (index.column() == StateColumn && m_icon)
            return m_icon(r.state);
        return {};
    case Qt::ToolTipRole:
        switch (index.column()) {
        case CommitColumn:
            return r.commit;
        case ImageColumn:
            return r.tag.isEmpty() ? r.imageId : QStringLiteral("%1\n%2").arg(r.tag, r.imageId);
        case MessageColumn:
            return r.message;
        case WhenColumn:
            return r.started.toLocalTime().toString(Qt::ISODate);
        default:
            return {};
        }
    case Qt::DisplayRole:
        switch (index.column()) {
        case WhenColumn:
            return r.started.isValid() ? r.started.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                                       : QString();
        case CellColumn:
            return QStringLiteral("%1@%2 %3").arg(r.component, r.branch, r.docker);
        case StateColumn:
            return m_label ? m_label(r.state) : jobStateName(r.state);
        case EngineColumn:
            return r.engine;
        case CommitColumn:
            return r.commit.left(10);
        case ImageColumn:
            return shortId(r.imageId);
        case DurationColumn:
            return durationText(r.started, r.finished);
        case MessageColumn:
            return r.message;
        default:
            return {};
        }
    default:
        return {};
    }
}

QVariant HistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case WhenColumn:
        return tr("When");
    case CellColumn:
        return tr("Cell");
    case StateColumn:
        return tr("State");
    case EngineColumn:
        return tr("Engine");
    case CommitColumn:
        return tr("Commit");
    case ImageColumn:
        return tr("Image");
    case DurationColumn:
        return tr("Duration");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace mrc
