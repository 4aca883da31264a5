// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "jobs/runnercore.h"
#include "manifest/manifest.h"

#include <QByteArray>
#include <QObject>
#include <QString>

namespace mrc {

/**
 * The QObject side that BuildRunner and TestRunner share: the manifest and the RunnerCore, a start that registers
 * every job in the history before anything runs (and fails them all when the run cannot be recorded), cancel of one
 * job or all, the log and finished signals, and the run id. Each runner adds its typed jobUpdated signal, its
 * scheduling and what one job does.
 */
class JobRunner : public QObject
{
    Q_OBJECT
public:
    ~JobRunner() override;

    QString runId() const { return m_runId; }
    bool isFinished() const { return m_finished; }
    /** Why a job or its outcome could not be written to the history database; empty when all were. */
    QString historyError() const { return m_core.historyError(); }

public Q_SLOTS:
    /** Registers every job in the history, then runs them; a second call does nothing. */
    void start();
    /** Cancels one job (-1: all). */
    void cancel(int job = -1);

Q_SIGNALS:
    /** Complete lines (UTF-8) just appended to a job's log file. */
    void logLines(int job, const QByteArray &lines);
    void finished();

protected:
    /** Where a run records itself, and what its jobs say when it cannot ("nothing was built"). */
    struct Records
    {
        QString historyPath;
        QString logDirectory;
        QString nothingDone;
    };

    JobRunner(Manifest manifest, int clientTimeoutMs, QObject *parent);

    virtual int jobCount() const = 0;
    /** Adds the job's history row and names its log; then publishes it. */
    virtual void registerJob(int job) = 0;
    /** Ends a job that never ran as failed, with @p why, and publishes it. */
    virtual void failUnstarted(int job, const QString &why) = 0;
    /** Cancels one job: a queued one at once, a running one by stopping it. */
    virtual void cancelJob(int job) = 0;
    /** Starts what may start now; emits finished() when all is done. */
    virtual void schedule() = 0;

    Manifest m_manifest;
    RunnerCore m_core;
    Records m_records;
    QString m_runId;
    bool m_started = false;
    bool m_finished = false;
    bool m_cancelAll = false;
};

} // namespace mrc
