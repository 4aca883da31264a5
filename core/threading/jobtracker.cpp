// SPDX-License-Identifier: Apache-2.0
#include "threading/jobtracker.h"

namespace mrc {

JobTracker::JobTracker(QObject *context) : m_context(context), m_state(std::make_shared<State>())
{
    Q_ASSERT(context);
}

quint64 JobTracker::start()
{
    Q_ASSERT(QThread::currentThread() == m_context->thread());
    const quint64 job = m_state->current.fetch_add(1) + 1;
    m_state->running.store(job);
    return job;
}

void JobTracker::invalidate()
{
    m_state->current.fetch_add(1);
    m_state->running.store(0);
}

void JobTracker::finish(quint64 job)
{
    Q_ASSERT(QThread::currentThread() == m_context->thread());
    quint64 expected = job;
    m_state->running.compare_exchange_strong(expected, 0);
}

} // namespace mrc
