// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/automationrun.h"
#include "threading/jobtracker.h"

#include <QFuture>
#include <QWidget>

class QLabel;
class QTableView;

namespace mrc {

class AutomationRunsModel;

/** What a refresh of the queue read on its worker thread. */
struct AutomationQueueLoad
{
    QList<AutomationRun> runs;
    QString error;
};

/**
 * The watcher's queue and pipeline runs (AutomationStore::runs), newest first, read on a worker thread with its
 * own connection to the history database: the History page's "Pipeline runs" tab. Read-only.
 */
class AutomationQueueView : public QWidget
{
    Q_OBJECT
public:
    explicit AutomationQueueView(QString databasePath, QWidget *parent = nullptr);
    ~AutomationQueueView() override;

    AutomationRunsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QString statusText() const;
    bool isLoading() const;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    void loaded();

private:
    void onLoaded(quint64 job, const AutomationQueueLoad &load);

    QString m_path;
    AutomationRunsModel *m_model;
    QTableView *m_table;
    QLabel *m_status;
    JobTracker m_jobs{this};
    QFuture<AutomationQueueLoad> m_latest; // the destructor waits for it
};

} // namespace mrc
