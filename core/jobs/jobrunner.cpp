// SPDX-License-Identifier: Apache-2.0
#include "jobs/jobrunner.h"

#include <QTimer>

namespace mrc {

JobRunner::JobRunner(Manifest manifest, int clientTimeoutMs, QObject *parent)
    : QObject(parent), m_manifest(std::move(manifest)), m_core(m_manifest, this, clientTimeoutMs)
{
}

JobRunner::~JobRunner() = default;

void JobRunner::start()
{
    if (m_started)
        return;
    m_started = true;
    // A run that cannot be recorded is not started: the matrix, the watcher and `mrc history` would never know of
    // it, and "built" or "passed" would stand on nothing. Each job says why, and the rows already added say so too.
    m_core.begin(
        m_records.historyPath, m_records.logDirectory, jobCount(), [this](int job) { registerJob(job); },
        [this](int job, const QString &why) { failUnstarted(job, why); }, m_records.nothingDone);
    QTimer::singleShot(0, this, [this] { schedule(); });
}

void JobRunner::cancel(int job)
{
    if (job < 0)
        m_cancelAll = true;
    for (int j = 0; j < jobCount(); ++j) {
        if (job < 0 || j == job)
            cancelJob(j);
    }
    QTimer::singleShot(0, this, [this] { schedule(); });
}

} // namespace mrc
