// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QAction;
class QLabel;
class QSplitter;
class QTableView;
template<typename T> class QFutureWatcher;

namespace mrc {

class HistoryModel;
class LogModel;
class LogView;
struct HistoryLoad;

/**
 * History: the last 500 jobs (newest first), interrupted and engine-lost ones included, read on a worker thread
 * with its own database connection; selecting a job shows its log file below. F5 or showing the page refreshes.
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
    bool isLoading() const;

public Q_SLOTS:
    void refresh();

Q_SIGNALS:
    /** A refresh finished (with an error or not) and the table shows its rows. */
    void loaded();

protected:
    void showEvent(QShowEvent *event) override;

private:
    void onLoaded();
    void showSelectedLog();

    HistoryModel *m_model;
    LogModel *m_logModel;
    QTableView *m_table;
    LogView *m_logView;
    QLabel *m_status;
    QLabel *m_logTitle;
    QSplitter *m_splitter;
    QAction *m_refreshAction;
    QFutureWatcher<HistoryLoad> *m_watcher;
    QString m_openLog; // the file the log model shows; LogModel::path() outlives close()
    bool m_pending = false;
};

} // namespace mrc
