// SPDX-License-Identifier: Apache-2.0
#include "models/testlistmodel.h"

#include <QBrush>
#include <QColor>

namespace mrc {

TestListModel::TestListModel(QObject *parent) : QAbstractTableModel(parent) {}

void TestListModel::clear()
{
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int TestListModel::setRow(const Row &row)
{
    const int at = rowOf(row.test);
    if (at >= 0) {
        m_rows[at] = row;
        Q_EMIT dataChanged(index(at, 0), index(at, ColumnCount - 1));
        return at;
    }
    const int end = int(m_rows.size());
    beginInsertRows({}, end, end);
    m_rows << row;
    endInsertRows();
    return end;
}

int TestListModel::rowOf(const QString &test) const
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).test == test)
            return i;
    }
    return -1;
}

const TestListModel::Row *TestListModel::rowAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? &m_rows.at(row) : nullptr;
}

int TestListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TestListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TestListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return row.test;
        case KindColumn:
            return row.kind;
        case StateColumn:
            return testStateName(row.state);
        case TimeColumn:
            return row.seconds > 0 ? QStringLiteral("%1 s").arg(row.seconds, 0, 'f', 1) : QString();
        case MessageColumn:
            return row.message;
        default:
            return {};
        }
    case Qt::ToolTipRole:
        return index.column() == MessageColumn && !row.message.isEmpty() ? QVariant(row.message) : QVariant();
    case Qt::ForegroundRole: {
        if (index.column() != StateColumn)
            return {};
        const QColor colour = row.state == TestState::Passed   ? QColor(0x2e, 0x7d, 0x32)
                              : row.state == TestState::Failed ? QColor(0xc6, 0x28, 0x28)
                              : row.state == TestState::Stale  ? QColor(0x9e, 0x6a, 0x00)
                                                               : QColor();
        return colour.isValid() ? QVariant(QBrush(colour)) : QVariant();
    }
    case LogPathRole:
        return row.logPath;
    case StateRole:
        return int(row.state);
    case SecondsRole:
        return row.seconds;
    default:
        return {};
    }
}

QVariant TestListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Test");
    case KindColumn:
        return tr("Kind");
    case StateColumn:
        return tr("State");
    case TimeColumn:
        return tr("Time");
    case MessageColumn:
        return tr("Message");
    default:
        return {};
    }
}

} // namespace mrc
