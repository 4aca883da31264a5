// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "threading/jobtracker.h"
#include "workspace/fleetlint.h"

#include <QFutureWatcher>
#include <QWidget>
#include <atomic>
#include <memory>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace mrc {

class LintGridModel;
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
    QTableView *grid() const { return m_grid; }
    LintGridModel *model() const { return m_model; }
    QPlainTextEdit *viewer() const { return m_viewer; }
    const QList<FleetLint::Result> &results() const;
    /** The rule ids of the grid's columns. */
    QStringList columns() const;

public Q_SLOTS:
    /** Lints the selected branch again. */
    void relint();
    /** Shows the component's Dockerfile with the first finding of `rule` selected (any finding when empty). */
    void openFinding(int row, const QString &rule);

Q_SIGNALS:
    /** The grid shows the results of the latest request. */
    void linted();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void reloadManifest();
    void showResults(quint64 job, const QList<FleetLint::Result> &results);

    Workspace *m_workspace;
    QComboBox *m_branch;
    QPushButton *m_relint;
    QLabel *m_status;
    LintGridModel *m_model;
    QTableView *m_grid;
    QPlainTextEdit *m_viewer;
    QLabel *m_viewerTitle;
    JobTracker m_jobs{this};
    bool m_stale = false; // a manifest came while the page was hidden: lint when it is shown
    std::shared_ptr<std::atomic_bool> m_cancel;
    QFutureWatcher<QList<FleetLint::Result>> m_watcher;
};

} // namespace mrc
