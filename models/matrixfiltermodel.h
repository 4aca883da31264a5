// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "workspace/cellselector.h"

#include <QSortFilterProxyModel>
#include <optional>

namespace mrc {

/**
 * Filters a grid by component (rows, by text), branch (columns) and state (rows and columns that hold at least one
 * cell in that state). Which rows and columns the component and branch filters keep is a CellSelector's verdict,
 * the one `mrc build --component C --branch B` uses. Works on role ids, not on a model type: a row's component is
 * its vertical header, a column's branch its header's `branchHeaderRole` and its Docker version its header text.
 */
class MatrixFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    MatrixFilterModel(int branchHeaderRole, int stateRole, QObject *parent = nullptr);

    void setComponentFilter(const QString &text);
    void setBranchFilter(const QString &branch); // empty: every branch
    void setStateFilter(std::optional<int> state);
    /**
     * Shows the rows and columns that hold a cell whose `role` has one of `values` (a build state, a test state, ...);
     * an empty list turns it off. setStateFilter(s) is setRoleFilter(stateRole, {s}).
     */
    void setRoleFilter(int role, const QList<int> &values);
    int filterRoleId() const { return m_filterRole; }
    QList<int> filterValues() const { return m_values; }

    QString componentFilter() const { return m_selector.componentText; }
    QString branchFilter() const { return m_selector.branches.value(0); }
    /** The component and branch filters as a selector. */
    const CellSelector &selector() const { return m_selector; }
    std::optional<int> stateFilter() const
    {
        return m_filterRole == m_stateRole && m_values.size() == 1 ? std::optional<int>(m_values.first())
                                                                   : std::nullopt;
    }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool filterAcceptsColumn(int sourceColumn, const QModelIndex &sourceParent) const override;

private:
    bool branchAccepts(int sourceColumn) const;
    bool cellAccepted(const QModelIndex &index) const;

    int m_branchRole;
    int m_stateRole;
    CellSelector m_selector;
    int m_filterRole = -1;
    QList<int> m_values;
};

} // namespace mrc
