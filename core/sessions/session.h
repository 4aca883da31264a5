// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QSemaphore>
#include <QString>
#include <atomic>
#include <memory>

namespace mrc {

class SessionThread;
struct SessionScope;

/**
 * What every session shares: a run id, a worker thread it owns (started by start(), quit and waited for by
 * stop() and the destructor), and a context object living on that thread for the session's runner and calls.
 * A subclass does its work in work(), on the worker thread, and ends it with finished(); its destructor calls
 * stop() first, so that work() never outlives the members it uses.
 */
class Session : public QObject
{
    Q_OBJECT
public:
    /** How the session ended: Done (it ran; look at its jobs), or why it stopped before running. */
    enum class Outcome
    {
        Running,
        Done,
        BadInput,
        NoEngine,
        Environment,
        Cancelled
    };

    ~Session() override;

    void start();
    /** Stops the planning, and each job through @p m_cancel and cancelWork(). */
    void cancel();
    /**
     * Cancels a running session, then waits up to @p ms for it to end by itself (a cancelled test removes its
     * containers first), without a nested event loop; true when it ended or never started. A window closing mid-run
     * uses it.
     */
    bool waitForEnd(int ms);
    QString runId() const { return m_runId; }
    Outcome outcome() const { return m_outcome; }

Q_SIGNALS:
    /** Why the session stopped before it ran (BadInput, NoEngine, Environment), when it says more than its notes. */
    void failed(const QString &text);
    void finished();

protected:
    explicit Session(QObject *parent);
    /** Runs on the worker thread. */
    virtual void work() = 0;
    /** Lives on the worker thread: the parent of the session's runner. */
    QObject *context() const { return m_context; }
    /** Ends the worker thread after deleting what lives on it (the runner stops its calls). */
    void stop();
    /** On the worker thread: cancels the running jobs. */
    virtual void cancelWork() {}
    /** On the worker thread: ends the session with @p outcome (and @p why, for failed()). */
    void finish(Outcome outcome, const QString &why = {});
    /** Ends the session when @p scope cannot run; true when it can. */
    bool scopeRuns(const SessionScope &scope);

    std::atomic_bool m_cancel{false};

private:
    Outcome m_outcome = Outcome::Running;
    std::atomic_bool m_ended{false};
    QSemaphore m_endSignal; // released by finish(), on the worker thread
    QString m_runId;
    std::unique_ptr<SessionThread> m_thread;
    QObject *m_context = nullptr;
};

} // namespace mrc
