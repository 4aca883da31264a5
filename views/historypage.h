// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/history.h"
#include "threading/jobtracker.h"

#include <QFuture>
#include <QWidget>

class QAction;
class QLabel;
class QSplitter;
class QTableView;
class QTabWidget;

namespace mrc {

class AutomationQueueView;
class HistoryModel;
class LogModel;
class LogView;

/** What a refresh read on its worker thread. */
struct HistoryLoad
{
    QList<JobRecord> records;
    QString error;
};

/**
 * History: the last 500 jobs (newest first), interrupted and engine-lost ones included, read on a worker thread
 * with its own database connection; selecting a job shows its log file below. A second tab lists the watcher's
 * queue and pipeline runs. F5 or showing the page refreshes both.
 */
class HistoryPage : public QWidget
{
    Q_OBJECT
public:
    explicit HistoryPage(QWidget *parent = nullptr);
    ~HistoryPage() override;

    HistoryModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    LogView *logView() const { return m_logView; }
    QAction *refreshAction() const { return m_refreshAction; }
    AutomationQueueView *queueView() const { return m_queue; }
    QTabWidget *tabs() const { return m_tabs; }
    bool isLoading() const;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    /** A refresh finished (with an error or not) and the table shows its rows. */
    void loaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void onLoaded(quint64 job, const HistoryLoad &load);
    void showSelectedLog();

    HistoryModel *m_model;
    LogModel *m_logModel;
    QTableView *m_table;
    LogView *m_logView;
    QLabel *m_status;
    QLabel *m_logTitle;
    QSplitter *m_splitter;
    QTabWidget *m_tabs;
    AutomationQueueView *m_queue;
    QAction *m_refreshAction;
    JobTracker m_jobs{this};
    QFuture<HistoryLoad> m_latest; // the destructor waits for it
    QString m_openLog;             // the file the log model shows; LogModel::path() outlives close()
};

} // namespace mrc
