// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "workspace/cell.h"
#include "engine/enginestatus.h"
#include "publish/publisher.h"
#include "publish/publishplanner.h"
#include "history/pushaudit.h"

#include <QPointer>
#include <QWidget>

#include <functional>
#include <memory>

class QAction;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QStandardItemModel;
class QTabWidget;
class QTableView;
class QTreeWidget;
class QTreeWidgetItem;
template<typename T> class QFutureWatcher;

namespace mrc {

class EngineClient;
class Publisher;
class RegistryClient;
class Workspace;
struct PlanLoad;

/** What the page needs to know about the matrix: every cell, the selected ones and the probed engines. */
struct MatrixAccess
{
    std::function<QList<Cell>()> allCells;
    std::function<QList<Cell>()> selectedCells;
    std::function<QList<EngineStatus>()> engines;
};

/**
 * Publish: the tag plan of the selected matrix cells (computed on a worker thread, which makes its own engine and
 * registry clients), a Push that carries out exactly that plan with a progress bar per image and per layer and a
 * log, and the Audit tab: every recorded push, exportable as CSV or JSON.
 */
class PublishPage : public QWidget
{
    Q_OBJECT
public:
    enum PlanColumn { ImageColumn, TagColumn, KindColumn, ActionColumn, NowColumn, AfterColumn, WhyColumn, PlanColumnCount };

    PublishPage(Workspace *workspace, const MatrixAccess &matrix, QWidget *parent = nullptr);
    ~PublishPage() override;

    QTabWidget *tabs() const { return m_tabs; }
    QTableView *planTable() const { return m_planTable; }
    QStandardItemModel *planModel() const { return m_planModel; }
    QTableView *auditTable() const { return m_auditTable; }
    QStandardItemModel *auditModel() const { return m_auditModel; }
    QTreeWidget *progressTree() const { return m_progressTree; }
    QPlainTextEdit *log() const { return m_log; }
    QLabel *status() const { return m_status; }
    QAction *planAction() const { return m_planAction; }
    QAction *pushAction() const { return m_pushAction; }
    QAction *cancelAction() const { return m_cancelAction; }

    bool isPlanning() const;
    bool isPushing() const { return m_pushing; }
    const PublishPlanner::Result &planResult() const { return m_result; }
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
    void onPlanned();
    void showPlan();
    void confirmAndPush();
    void pushNextEngine();
    void onPublisherProgress(int cell);
    void onTagFinished(int cell, const TagOutcome &outcome);
    void finishPush(bool ok, const QString &message);
    void updateActions();
    void appendLog(const QString &line);
    void exportWithDialog(bool json);
    QTreeWidgetItem *imageItem(int engine, int cell) const;

    Workspace *m_workspace;
    MatrixAccess m_matrix;
    QTabWidget *m_tabs;
    QTableView *m_planTable;
    QStandardItemModel *m_planModel;
    QLabel *m_status;
    QTreeWidget *m_progressTree;
    QPlainTextEdit *m_log;
    QTableView *m_auditTable;
    QStandardItemModel *m_auditModel;
    QLabel *m_auditStatus;
    QAction *m_planAction;
    QAction *m_pushAction;
    QAction *m_cancelAction;
    QAction *m_refreshAuditAction;
    QFutureWatcher<PlanLoad> *m_watcher;
    PublishPlanner::Result m_result;
    QString m_registryHost;
    QString m_planNote; // about the credentials of the last plan
    bool m_credentialPending = false;
    QList<PushRecord> m_records;

    // The push: one Publisher per engine, one after the other, on the GUI thread (all asynchronous).
    bool m_pushing = false;
    bool m_cancelled = false;
    int m_engineIndex = -1;
    bool m_pushOk = true;
    QByteArray m_auth;
    QString m_user;
    std::unique_ptr<RegistryClient> m_registry;
    std::unique_ptr<EngineClient> m_engine;
    std::unique_ptr<PushAudit> m_audit;
    QPointer<Publisher> m_publisher;
    QList<QTreeWidgetItem *> m_imageItems; // per engine, per cell, flattened
    QList<int> m_engineOffsets;
};

} // namespace mrc
