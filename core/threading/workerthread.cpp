// SPDX-License-Identifier: Apache-2.0
#include "threading/workerthread.h"

#include <QDeadlineTimer>

namespace mrc {

WorkerThread::WorkerThread(const QString &name) : m_name(name) {}

WorkerThread::~WorkerThread()
{
    stop();
}

void WorkerThread::start(QObject *worker, std::function<void()> started)
{
    stop();
    Q_ASSERT(worker && !worker->parent());
    Q_ASSERT(worker->thread() == QThread::currentThread());
    m_thread = std::make_unique<QThread>();
    m_thread->setObjectName(m_name);
    worker->moveToThread(m_thread.get());
    QObject::connect(m_thread.get(), &QThread::finished, worker, &QObject::deleteLater);
    if (started) {
        QObject::connect(m_thread.get(), &QThread::started, worker, [worker, started = std::move(started)] {
            Q_ASSERT(QThread::currentThread() == worker->thread());
            started();
        });
    }
    m_thread->start();
}

void WorkerThread::run(std::function<void()> function)
{
    stop();
    m_thread.reset(QThread::create(std::move(function)));
    m_thread->setObjectName(m_name);
    m_thread->start();
}

void WorkerThread::stop()
{
    if (!m_thread)
        return;
    Q_ASSERT(QThread::currentThread() != m_thread.get());
    m_thread->quit();
    m_thread->wait();
    m_thread.reset();
}

bool WorkerThread::waitForEnd(int ms)
{
    if (!m_thread)
        return true;
    Q_ASSERT(QThread::currentThread() != m_thread.get());
    if (!m_thread->wait(QDeadlineTimer(ms)))
        return false;
    m_thread.reset();
    return true;
}

} // namespace mrc
