// SPDX-License-Identifier: Apache-2.0
#include "matrixfiltermodel.h"

namespace mrc {

MatrixFilterModel::MatrixFilterModel(int branchHeaderRole, int stateRole, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_branchRole(branchHeaderRole)
    , m_stateRole(stateRole)
{
    // A cell's state change can bring a row into or out of a state filter.
    setDynamicSortFilter(true);
}

void MatrixFilterModel::setComponentFilter(const QString &text)
{
    if (text == m_component)
        return;
    m_component = text;
    invalidateRowsFilter();
}

void MatrixFilterModel::setBranchFilter(const QString &branch)
{
    if (branch == m_branch)
        return;
    m_branch = branch;
    invalidateFilter();
}

void MatrixFilterModel::setStateFilter(std::optional<int> state)
{
    if (state == m_state)
        return;
    m_state = state;
    invalidateFilter();
}

bool MatrixFilterModel::branchAccepts(int sourceColumn) const
{
    return m_branch.isEmpty()
        || sourceModel()->headerData(sourceColumn, Qt::Horizontal, m_branchRole).toString() == m_branch;
}

bool MatrixFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QAbstractItemModel *source = sourceModel();
    if (!m_component.isEmpty()) {
        const QString name = source->headerData(sourceRow, Qt::Vertical, Qt::DisplayRole).toString();
        if (!name.contains(m_component, Qt::CaseInsensitive))
            return false;
    }
    if (!m_state)
        return true;
    for (int column = 0; column < source->columnCount(sourceParent); ++column) {
        if (branchAccepts(column) && source->index(sourceRow, column, sourceParent).data(m_stateRole).toInt() == *m_state)
            return true;
    }
    return false;
}

bool MatrixFilterModel::filterAcceptsColumn(int sourceColumn, const QModelIndex &sourceParent) const
{
    if (!branchAccepts(sourceColumn))
        return false;
    if (!m_state)
        return true;
    const QAbstractItemModel *source = sourceModel();
    for (int row = 0; row < source->rowCount(sourceParent); ++row) {
        if (source->index(row, sourceColumn, sourceParent).data(m_stateRole).toInt() == *m_state)
            return true;
    }
    return false;
}

} // namespace mrc
