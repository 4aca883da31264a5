// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "threading/workerthread.h"

#include <QObject>
#include <QSet>

class QFileSystemWatcher;
class QWidget;

namespace mrc {

class BuildController;
struct JobUpdate;
class DetailsPanel;
class HistoryWatcher;
struct JobRecord;
class MatrixModel;

/**
 * Shows in the window what other processes (mrc build, mrc test, the watcher) run meanwhile: their builds and
 * tests in the matrix and the Jobs panel, their logs growing in the details panel, and new rows on a shown
 * History page. The history database is watched on a worker thread (HistoryWatcher).
 */
class HistoryFollower : public QObject
{
    Q_OBJECT
public:
    HistoryFollower(MatrixModel *model, DetailsPanel *details, BuildController *builds, QWidget *window);
    /** Stops the watcher's thread. */
    ~HistoryFollower() override;

    /** Starts watching the history database. */
    void start();
    void stop();

private:
    void showOtherJobs(const QList<JobRecord> &jobs);
    /** Reads where another process's failed build stopped (its log, its Dockerfile) off the GUI thread, then shows
     *  it as this window's own failures show: the failure banner of the log with the step and the shell command. */
    void locateFailure(const JobUpdate &job, const QString &commit);
    void followLog(const QString &logPath, bool final);
    void refreshHistoryPage();
    void logFolderChanged();

    MatrixModel *m_model;
    DetailsPanel *m_details;
    BuildController *m_builds;
    QWidget *m_window;
    WorkerThread m_thread{QStringLiteral("mrc-history-watch")};
    HistoryWatcher *m_watcher = nullptr;       // lives on m_thread
    QFileSystemWatcher *m_otherLogs = nullptr; // the logs of other processes' running builds
    QSet<QString> m_otherLogsToCome;           // their logs that do not exist yet
    QSet<qint64> m_located;                    // failed jobs whose failure was read (or is being read)
};

} // namespace mrc
