// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/history.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <memory>

class QFileSystemWatcher;
class QTimer;

namespace mrc {

/**
 * Notices what other processes (`mrc build`, `mrc test`, `mrc push`, the watcher) write into the history database
 * while the console is open. inotify on the database and its WAL file (QFileSystemWatcher) answers within tens of
 * milliseconds; a cheap poll of SQLite's data_version backs it up where file events are lost. Only rows written
 * by other processes are reported, and only when they are new or changed. Lives on a worker thread: call start()
 * there.
 */
class HistoryWatcher : public QObject
{
    Q_OBJECT
public:
    explicit HistoryWatcher(const QString &historyPath = History::defaultPath(), int pollMs = 1000,
                            QObject *parent = nullptr);
    ~HistoryWatcher() override;

public Q_SLOTS:
    /** Opens the database, remembers what is there and reports the jobs and tests of other processes still running. */
    void start();
    /** Reads what changed since the last check (also called by the file watcher and the poll). */
    void check();

Q_SIGNALS:
    /** Jobs of other processes that are new or changed since the last report, oldest first. */
    void jobsChanged(const QList<mrc::JobRecord> &jobs);
    /** Tests of other processes that are new or changed since the last report, oldest first. */
    void testsChanged(const QList<mrc::TestRecord> &tests);
    /** Another process committed something (a job, a test, a push record): pages that list history may refresh. */
    void databaseChanged();

private:
    void watchFiles();
    void scheduleCheck();

    QString m_path;
    int m_pollMs;
    std::unique_ptr<History> m_history;
    QFileSystemWatcher *m_files = nullptr;
    QTimer *m_poll = nullptr;
    QTimer *m_soon = nullptr;
    qint64 m_dataVersion = -1;
    QHash<qint64, QString> m_jobs; // id -> what was last seen of it
    QHash<qint64, QString> m_tests;
};

} // namespace mrc
