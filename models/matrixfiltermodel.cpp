// SPDX-License-Identifier: Apache-2.0
#include "models/matrixfiltermodel.h"

namespace mrc {

MatrixFilterModel::MatrixFilterModel(int branchHeaderRole, int stateRole, QObject *parent)
    : QSortFilterProxyModel(parent), m_branchRole(branchHeaderRole), m_stateRole(stateRole)
{
    // A cell's state change can bring a row into or out of a state filter.
    setDynamicSortFilter(true);
}

void MatrixFilterModel::setComponentFilter(const QString &text)
{
    if (text == m_selector.componentText)
        return;
    m_selector.componentText = text;
    invalidateRowsFilter();
}

void MatrixFilterModel::setBranchFilter(const QString &branch)
{
    if (branch == branchFilter())
        return;
    m_selector.branches = branch.isEmpty() ? QStringList() : QStringList{branch};
    invalidateFilter();
}

void MatrixFilterModel::setStateFilter(std::optional<int> state)
{
    setRoleFilter(m_stateRole, state ? QList<int>{*state} : QList<int>());
}

void MatrixFilterModel::setRoleFilter(int role, const QList<int> &values)
{
    const int r = values.isEmpty() ? -1 : role;
    if (r == m_filterRole && values == m_values)
        return;
    m_filterRole = r;
    m_values = values;
    invalidateFilter();
}

bool MatrixFilterModel::cellAccepted(const QModelIndex &index) const
{
    return m_values.contains(index.data(m_filterRole).toInt());
}

bool MatrixFilterModel::branchAccepts(int sourceColumn) const
{
    const QAbstractItemModel *source = sourceModel();
    return m_selector.matchesColumn(source->headerData(sourceColumn, Qt::Horizontal, m_branchRole).toString(),
                                    source->headerData(sourceColumn, Qt::Horizontal, Qt::DisplayRole).toString());
}

bool MatrixFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    if (!m_selector.matchesComponent(source->headerData(sourceRow, Qt::Vertical, Qt::DisplayRole).toString()))
        return false;
    if (m_values.isEmpty())
        return true;
    for (int column = 0; column < source->columnCount(sourceParent); ++column) {
        if (branchAccepts(column) && cellAccepted(source->index(sourceRow, column, sourceParent)))
            return true;
    }
    return false;
}

bool MatrixFilterModel::filterAcceptsColumn(int sourceColumn, const QModelIndex &sourceParent) const
{
    if (!branchAccepts(sourceColumn))
        return false;
    if (m_values.isEmpty())
        return true;
    const QAbstractItemModel *source = sourceModel();
    for (int row = 0; row < source->rowCount(sourceParent); ++row) {
        if (cellAccepted(source->index(row, sourceColumn, sourceParent)))
            return true;
    }
    return false;
}

} // namespace mrc
