// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFutureWatcher>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QtConcurrent>
#include <atomic>
#include <memory>
#include <type_traits>
#include <utility>

namespace mrc {

/**
 * Drops results that arrive late. Each start() hands out a new job id and makes every earlier id stale; a worker
 * carries the id it was started with, and deliver() runs its result on the context's thread only while that id is
 * still the current one and the context still lives. Owned by the context (a page, the workspace), on its thread.
 */
class JobTracker
{
public:
    explicit JobTracker(QObject *context);
    JobTracker(const JobTracker &) = delete;
    JobTracker &operator=(const JobTracker &) = delete;

    /** A new job: its id, which makes every earlier one stale. */
    quint64 start();
    /** Makes every job stale, e.g. before a new manifest or when the owner goes away. */
    void invalidate();
    /** The job last started: stale ones never finish. */
    void finish(quint64 job);

    quint64 current() const { return m_state->current.load(); }
    /** Safe on any thread: a worker may ask it to stop early. */
    bool isCurrent(quint64 job) const { return m_state->current.load() == job; }
    /** A job was started and neither finished nor made stale. */
    bool isRunning() const { return m_state->running.load() != 0 && m_state->running.load() == current(); }

    /**
     * Queues @p fn on the context's thread, where it runs with the context only when @p job is still current.
     * Callable from any thread while the context lives: a worker thread that delivers is joined before its context
     * goes (WorkerThread). The tracker itself may be gone when the result arrives (the state is shared).
     */
    template<typename Fn> void deliver(quint64 job, Fn &&fn) const
    {
        QPointer<QObject> context(m_context);
        QMetaObject::invokeMethod(
            m_context,
            [context, state = m_state, job, fn = std::forward<Fn>(fn)]() mutable {
                if (!context || state->current.load() != job)
                    return;
                Q_ASSERT(QThread::currentThread() == context->thread());
                fn();
            },
            Qt::QueuedConnection);
    }

    /** Wraps @p fn, for a queued slot or a watcher's finished signal, so that it runs only for the current job. */
    template<typename Fn> auto guard(quint64 job, Fn &&fn) const
    {
        return [state = m_state, job, fn = std::forward<Fn>(fn)](auto &&...args) mutable {
            if (state->current.load() == job)
                fn(std::forward<decltype(args)>(args)...);
        };
    }

    /**
     * Starts a job that runs @p work on the global thread pool and hands its result to @p done(job, result) on the
     * context's thread, unless a later start() made the job stale. The owner keeps the returned future and waits for
     * it in its destructor, after invalidate().
     */
    template<typename Work, typename Done> auto run(Work &&work, Done &&done)
    {
        using Result = std::invoke_result_t<std::decay_t<Work>>;
        const quint64 job = start();
        auto *watcher = new QFutureWatcher<Result>(m_context);
        QObject::connect(watcher, &QFutureWatcher<Result>::finished, watcher, &QObject::deleteLater);
        QObject::connect(
            watcher, &QFutureWatcher<Result>::finished, m_context,
            guard(job, [watcher, job, done = std::forward<Done>(done)]() mutable { done(job, watcher->result()); }));
        QFuture<Result> future = QtConcurrent::run(std::forward<Work>(work));
        watcher->setFuture(future);
        return future;
    }

private:
    struct State
    {
        std::atomic<quint64> current{0};
        std::atomic<quint64> running{0}; // the id of the job started and not yet finished, 0 for none
    };
    QObject *m_context;
    std::shared_ptr<State> m_state;
};

} // namespace mrc
