// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QSortFilterProxyModel>
#include <optional>

namespace mrc {

/**
 * Filters a grid by component (rows, by text), branch (columns) and state (rows and columns that hold at least one
 * cell in that state). Works on role ids, not on a model type.
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

    QString componentFilter() const { return m_component; }
    QString branchFilter() const { return m_branch; }
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
    QString m_component;
    QString m_branch;
    int m_filterRole = -1;
    QList<int> m_values;
};

} // namespace mrc
