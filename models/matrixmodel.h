// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "imagetests/testplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifest.h"
#include "workspace/cell.h"
#include "workspace/repostatus.h"

#include <QAbstractTableModel>
#include <QHash>

namespace mrc {

/** Rows are components, columns are (branch, Docker version) pairs grouped by branch; each cell a snapshot. */
class MatrixModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Role
    {
        CellRole = Qt::UserRole + 1, // QVariant<mrc::Cell>
        StateRole,                   // int(CellState), also the sort role
        CommitRole,                  // full sha
        ShortCommitRole,             // 7 characters
        CommitDateRole,              // QDateTime
        AgeTextRole,                 // "3d", "5w"
        MessageRole,
        ComponentRole,
        BranchRole, // on cells and on horizontal headers: the group a column belongs to
        DockerRole,
        StaleRole,       // on vertical headers: "stale since …" or empty
        JobStateRole,    // int(JobState) of the cell's latest build, JobState::None when none
        JobProgressRole, // "3/9" while building
        LintRole,        // "1E 2W": lint errors and warnings of the cell's image folder, empty when clean
        TestStateRole,   // int(TestState) of the cell's latest tests
        TestTextRole,    // the test badge: "6 passed", "healthy", "stale", "testing", "untested"; empty: no tests
    };
    Q_ENUM(Role)

    explicit MatrixModel(QObject *parent = nullptr);

    /** The engines as last probed: a column that no reachable engine serves says why in its header tooltip. */
    void setEngines(const QList<EngineStatus> &engines);
    /** A new grid: resets the model, every cell Unknown. */
    void setManifest(const Manifest &manifest);
    /** Merges updated cells; emits one dataChanged per run of neighbouring rows. */
    void applyCells(const QList<Cell> &cells);
    void setRepoStatus(const RepoStatus &status);
    /** A build job of a cell changed; returns false when no cell matches. */
    bool applyJob(const JobUpdate &update);
    /** A cell's test state, as summarizeTests() gives it, for the cell of component, branch and Docker version. */
    struct TestStatusUpdate
    {
        QString component;
        QString branch;
        QString docker;
        CellTestStatus status;
    };
    /** Sets the cells' test states; emits one dataChanged per run of neighbouring rows. */
    void applyTests(const QList<TestStatusUpdate> &updates);
    /** The cell of @p component, @p branch, @p docker; nullptr when the grid has none. */
    const Cell *find(const QString &component, const QString &branch, const QString &docker) const;

    const Cell &cell(int row, int column) const { return m_cells[row * m_columns.size() + column]; }
    const Cell *cellAt(const QModelIndex &index) const;
    /** A line about the published image of a component and branch ("registry master was built from …"), shown in
     *  the tooltips of the branch's cells; empty clears it. */
    void setDrift(const QString &component, const QString &branch, const QString &text);
    QString drift(const QString &component, const QString &branch) const;
    const QList<Cell> &cells() const { return m_cells; }
    QList<QPair<QString, QString>> columnKeys() const { return m_columns; }
    /** The first column of each branch group, and the group's length, in column order. */
    QList<QPair<int, int>> branchSpans() const;

    /** "3d", "5w", "2y": compact enough for a cell. */
    /** "1E 2W", "3W", or empty when there are no findings worth a badge. */
    static QString lintText(int errors, int warnings);
    static QString ageText(const QDateTime &when, const QDateTime &now);
    /** The test badge's text; empty when the cell's component has no tests and none ran. */
    static QString testText(const Cell &cell, bool hasTests);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    QString toolTip(const Cell &cell) const;
    QList<EngineStatus> m_engines;
    bool m_enginesKnown = false;
    /** Stores whole cells; emits one dataChanged per run of neighbouring rows. */
    void store(const QList<Cell> &cells);

    QList<ComponentSpec> m_components;
    QList<QPair<QString, QString>> m_columns;
    QList<Cell> m_cells;
    QList<bool> m_hasTests;             // per row: the component has tests (its own or a stack's)
    QHash<QString, RepoStatus> m_repos; // by url
    QHash<QString, QString> m_drift;    // component + '\n' + branch -> text
};

} // namespace mrc
