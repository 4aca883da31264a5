// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "workspace/fleetlint.h"

#include <QAbstractTableModel>
#include <QStringList>

namespace mrc {

/**
 * The fleet at one branch as a grid: a row per component, a column per rule (every known rule first, then rules
 * only hadolint knows), each cell empty (pass) or the number of findings, coloured by the worst severity.
 */
class LintGridModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        SeverityRole = Qt::UserRole, // "pass", or the worst severity's name ("error", "warning", ...)
        CountRole,                   // the number of findings of the cell's rule (int)
        RuleRole,                    // the column's rule id
    };

    explicit LintGridModel(QObject *parent = nullptr);

    /** A new snapshot: one reset. */
    void setResults(const QList<FleetLint::Result> &results);
    const QList<FleetLint::Result> &results() const { return m_results; }
    QStringList columns() const { return m_columns; }
    const FleetLint::Result *resultAt(int row) const;
    /** Cells whose worst finding is an error, and those whose worst is a warning. */
    int errorCells() const { return m_errorCells; }
    int warningCells() const { return m_warningCells; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct GridCell
    {
        int count = 0;
        LintSeverity worst = LintSeverity::Off;
        QString tip;
    };

    QList<FleetLint::Result> m_results;
    QStringList m_columns;
    QList<QList<GridCell>> m_cells; // [row][column]
    int m_errorCells = 0;
    int m_warningCells = 0;
};

} // namespace mrc
