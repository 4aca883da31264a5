// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "workspace/fleetlint.h"

#include <QFutureWatcher>
#include <QWidget>

#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace mrc {

class Workspace;

/**
 * The fleet at one branch: components × rules, each cell empty (pass) or the number of findings coloured by the
 * worst severity. Clicking a cell shows the Dockerfile with the finding's lines selected. Linting reads the git
 * mirrors on a worker thread; a result that arrives after a newer request is dropped.
 */
class LintPage : public QWidget
{
    Q_OBJECT
public:
    explicit LintPage(Workspace *workspace, QWidget *parent = nullptr);
    ~LintPage() override;

    QComboBox *branchBox() const { return m_branch; }
    QTableWidget *grid() const { return m_grid; }
    QPlainTextEdit *viewer() const { return m_viewer; }
    const QList<FleetLint::Result> &results() const { return m_results; }
    /** The rule ids of the grid's columns. */
    QStringList columns() const { return m_columns; }

public Q_SLOTS:
    /** Lints the selected branch again. */
    void relint();
    /** Shows the component's Dockerfile with the first finding of `rule` selected (any finding when empty). */
    void openFinding(int row, const QString &rule);

Q_SIGNALS:
    /** The grid shows the results of the latest request. */
    void linted();

private:
    void reloadManifest();
    void showResults(quint64 job, const QList<FleetLint::Result> &results);

    Workspace *m_workspace;
    QComboBox *m_branch;
    QPushButton *m_relint;
    QLabel *m_status;
    QTableWidget *m_grid;
    QPlainTextEdit *m_viewer;
    QLabel *m_viewerTitle;
    QList<FleetLint::Result> m_results;
    QStringList m_columns;
    quint64 m_job = 0;
    std::shared_ptr<std::atomic_bool> m_cancel;
    QFutureWatcher<QList<FleetLint::Result>> m_watcher;
};

} // namespace mrc
