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

    QString componentFilter() const { return m_component; }
    QString branchFilter() const { return m_branch; }
    std::optional<int> stateFilter() const { return m_state; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool filterAcceptsColumn(int sourceColumn, const QModelIndex &sourceParent) const override;

private:
    bool branchAccepts(int sourceColumn) const;

    int m_branchRole;
    int m_stateRole;
    QString m_component;
    QString m_branch;
    std::optional<int> m_state;
};

} // namespace mrc
