// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>
#include <QThread>
#include <functional>
#include <memory>

namespace mrc {

/**
 * A thread owned by value: the destructor (or stop()) quits its event loop and waits for it, so no thread outlives
 * its owner. A worker QObject given to start() moves onto the thread and is deleted there when the thread ends.
 */
class WorkerThread
{
public:
    explicit WorkerThread(const QString &name);
    ~WorkerThread();
    WorkerThread(const WorkerThread &) = delete;
    WorkerThread &operator=(const WorkerThread &) = delete;

    /** Moves @p worker (no parent) onto a new thread that runs an event loop, and starts it; then @p started runs
     *  there. The thread deletes the worker when it ends. */
    void start(QObject *worker, std::function<void()> started = {});
    /** Runs @p function on a new thread without an event loop. */
    void run(std::function<void()> function);
    /** Quits the event loop, waits, and forgets the thread; the worker is deleted. Safe when nothing runs. */
    void stop();
    /**
     * Waits up to @p ms for the thread to end by itself (a worker that quits its thread when it is done), without
     * a nested event loop; true when it ended. The thread is then forgotten; false leaves it running.
     */
    bool waitForEnd(int ms);

    bool isRunning() const { return m_thread != nullptr; }
    QThread *thread() const { return m_thread.get(); }

private:
    QString m_name;
    std::unique_ptr<QThread> m_thread;
};

} // namespace mrc
