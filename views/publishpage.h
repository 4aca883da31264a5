// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "history/pushaudit.h"
#include "publish/publishplanner.h"
#include "publish/pushsession.h"
#include "workspace/cell.h"

#include <QWidget>
#include <functional>

class QAction;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QStandardItemModel;
class QTabWidget;
class QTableView;
class QTreeWidget;
class QTreeWidgetItem;

namespace mrc {

class TagPlanModel;
class PushAuditModel;
class Workspace;

/** What the page needs to know about the matrix: every cell, the selected ones and the probed engines. */
struct MatrixAccess
{
    std::function<QList<Cell>()> allCells;
    std::function<QList<Cell>()> selectedCells;
    std::function<QList<EngineStatus>()> engines;
};

/**
 * Publish: the tag plan of the selected matrix cells, a Push that carries out exactly that plan with a progress bar
 * per image and per layer and a log, and the Audit tab: every recorded push, exportable as CSV or JSON. Planning and
 * pushing are a PushSession's, as for `mrc tags` and `mrc push`: the push checks the credentials and the push rights
 * before anything moves.
 */
class PublishPage : public QWidget
{
    Q_OBJECT
public:
    PublishPage(Workspace *workspace, const MatrixAccess &matrix, QWidget *parent = nullptr);
    ~PublishPage() override;

    QTabWidget *tabs() const { return m_tabs; }
    QTableView *planTable() const { return m_planTable; }
    TagPlanModel *planModel() const { return m_planModel; }
    QTableView *auditTable() const { return m_auditTable; }
    PushAuditModel *auditModel() const { return m_auditModel; }
    QTreeWidget *progressTree() const { return m_progressTree; }
    QPlainTextEdit *log() const { return m_log; }
    QLabel *status() const { return m_status; }
    QAction *planAction() const { return m_planAction; }
    QAction *pushAction() const { return m_pushAction; }
    QAction *cancelAction() const { return m_cancelAction; }

    bool isPlanning() const;
    bool isPushing() const;
    const PublishPlanner::Result &planResult() const { return m_plan.result; }
    /** "2 creates, 1 move, 0 refused, 3 unchanged": what the confirmation asks about. */
    QString planSummary() const;
    const QList<PushRecord> &auditRecords() const { return m_records; }

    /** Writes the audit rows shown to @p path as CSV or JSON; false with @p error when it cannot. */
    bool exportAudit(const QString &path, bool json, QString *error = nullptr) const;

public Q_SLOTS:
    /** Plans the selected cells on a worker thread; planned() when done. */
    void plan();
    /** Carries out the current plan without asking (the Push action asks first). */
    void startPush();
    void cancel();
    void refreshAudit();

Q_SIGNALS:
    void planned();
    void pushFinished(bool ok);

private:
    void onPlanned(int run, const PushPlan &plan);
    void confirmAndPush();
    void onProgress(int run, const PushProgress &progress);
    void onTagFinished(int run, int engine, int cell, const TagOutcome &outcome);
    void onPushFinished(int run, const PushResult &result);
    void updateActions();
    void appendLog(const QString &line);
    void exportWithDialog(bool json);
    QTreeWidgetItem *imageItem(int engine, int cell) const;

    Workspace *m_workspace;
    MatrixAccess m_matrix;
    QTabWidget *m_tabs;
    QTableView *m_planTable;
    TagPlanModel *m_planModel;
    QLabel *m_status;
    QTreeWidget *m_progressTree;
    QPlainTextEdit *m_log;
    QTableView *m_auditTable;
    PushAuditModel *m_auditModel;
    QLabel *m_auditStatus;
    QAction *m_planAction;
    QAction *m_pushAction;
    QAction *m_cancelAction;
    QAction *m_refreshAuditAction;
    PushSession *m_session;
    int m_run = -1;
    PushPlan m_plan;
    QString m_registryHost;
    QString m_lastWarning; // of the running push: why it stopped, when it did
    QList<PushRecord> m_records;

    QList<QTreeWidgetItem *> m_imageItems; // per engine, per cell, flattened
    QList<int> m_engineOffsets;
};

} // namespace mrc
