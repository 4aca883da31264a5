// SPDX-License-Identifier: Apache-2.0
#include "models/labeldiffmodel.h"

#include <QFont>
#include <algorithm>

namespace mrc {

LabelDiffModel::LabelDiffModel(QObject *parent) : QAbstractTableModel(parent) {}

void LabelDiffModel::setSides(const QString &leftName, const Labels &left, const QString &rightName,
                              const Labels &right)
{
    beginResetModel();
    m_leftName = leftName;
    m_rightName = rightName;
    m_all = LabelDiff::diff(left, right);
    refilter();
    endResetModel();
    Q_EMIT headerDataChanged(Qt::Horizontal, LeftColumn, RightColumn);
}

void LabelDiffModel::setHideSame(bool hide)
{
    if (hide == m_hideSame)
        return;
    beginResetModel();
    m_hideSame = hide;
    refilter();
    endResetModel();
}

void LabelDiffModel::refilter()
{
    m_shown.clear();
    for (const LabelDiffRow &row : std::as_const(m_all)) {
        if (!m_hideSame || row.change != LabelChange::Same)
            m_shown << row;
    }
}

int LabelDiffModel::differences() const
{
    return int(std::count_if(m_all.cbegin(), m_all.cend(),
                             [](const LabelDiffRow &r) { return r.change != LabelChange::Same; }));
}

int LabelDiffModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

int LabelDiffModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LabelDiffModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_shown.size())
        return {};
    const LabelDiffRow &row = m_shown.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (index.column()) {
        case KeyColumn:
            return row.key;
        case LeftColumn:
            return row.change == LabelChange::Added ? QStringLiteral("—") : row.left;
        case RightColumn:
            return row.change == LabelChange::Removed ? QStringLiteral("—") : row.right;
        case ChangeColumn:
            return LabelDiff::changeName(row.change);
        }
        break;
    case ChangeRole:
        return int(row.change);
    case Qt::DecorationRole:
        if (index.column() == ChangeColumn && m_icon)
            return m_icon(row.change);
        break;
    case Qt::FontRole:
        if (row.change != LabelChange::Same && index.column() == ChangeColumn) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant LabelDiffModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case KeyColumn:
        return tr("Label");
    case LeftColumn:
        return m_leftName.isEmpty() ? tr("Left") : m_leftName;
    case RightColumn:
        return m_rightName.isEmpty() ? tr("Right") : m_rightName;
    case ChangeColumn:
        return tr("Change");
    }
    return {};
}

} // namespace mrc
