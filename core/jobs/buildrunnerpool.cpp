// SPDX-License-Identifier: Apache-2.0
// The build pool half of BuildRunner: which engine a job goes to, copies of bases, and lost engines.
#include "jobs/buildrunner.h"

#include <QDateTime>

namespace mrc {

int BuildRunner::addCopy(int job, const QString &engine)
{
    const int origin = m_origin[job];
    BuildJobSpec spec = m_plan.jobs[origin];
    spec.id = int(m_plan.jobs.size());
    spec.engine = engine;
    m_plan.jobs.append(spec);
    JobUpdate update;
    update.job = spec.id;
    update.component = spec.cell.component;
    update.branch = spec.cell.branch;
    update.docker = spec.cell.docker;
    update.engine = engine;
    update.tag = spec.tag;
    update.copyOf = origin;
    update.runId = m_runId;
    m_jobs.append(update);
    m_origin.append(origin);
    m_pinned.append(!engine.isEmpty());
    if (m_started)
        registerJob(spec.id);
    return spec.id;
}

QStringList BuildRunner::livePool(int job) const
{
    QStringList pool = m_pinned[job] ? QStringList{m_plan.jobs[job].engine} : m_plan.jobs[job].engines;
    pool.removeIf([this](const QString &engine) { return engine.isEmpty() || m_lost.contains(engine); });
    return pool;
}

int BuildRunner::limitOf(const QString &engine) const
{
    for (const EngineSpec &spec : m_manifest.engines) {
        if (spec.name == engine && spec.jobs > 0)
            return spec.jobs;
    }
    return m_options.jobs;
}

int BuildRunner::runningOn(const QString &engine) const
{
    int count = 0;
    for (auto it = m_running.cbegin(); it != m_running.cend(); ++it)
        count += m_jobs[it.key()].engine == engine ? 1 : 0;
    return count;
}

BuildRunner::Deps BuildRunner::copyOn(int origin, const QString &engine) const
{
    bool pending = false;
    for (int job = 0; job < m_jobs.size(); ++job) {
        if (m_origin[job] != origin)
            continue;
        const JobUpdate &update = m_jobs[job];
        if (update.engine.isEmpty() && update.state == JobState::Queued) {
            pending = true; // it may still land on this engine
        } else if (update.engine == engine) {
            if (isSuccess(update.state))
                return Deps::Ready;
            pending = pending || !isFinal(update.state);
        }
    }
    return pending ? Deps::Pending : Deps::Missing;
}

BuildRunner::Deps BuildRunner::dependenciesOn(int job, const QString &engine) const
{
    Deps worst = Deps::Ready;
    for (int dependency : m_plan.jobs[job].dependsOn) {
        const Deps deps = copyOn(dependency, engine);
        if (deps == Deps::Missing)
            return Deps::Missing;
        if (deps == Deps::Pending)
            worst = Deps::Pending;
    }
    return worst;
}

bool BuildRunner::familyAlive(int origin) const
{
    for (int job = 0; job < m_jobs.size(); ++job) {
        if (m_origin[job] == origin && (!isFinal(m_jobs[job].state) || isSuccess(m_jobs[job].state)))
            return true;
    }
    return false;
}

int BuildRunner::liveCopy(int job) const
{
    for (int j = 0; j < m_jobs.size(); ++j) {
        if (j != job && m_origin[j] == m_origin[job] && !m_lost.contains(m_jobs[j].engine) &&
            (!isFinal(m_jobs[j].state) || isSuccess(m_jobs[j].state)))
            return j;
    }
    return -1;
}

void BuildRunner::assignEngine(int job, const QString &engine)
{
    m_plan.jobs[job].engine = engine;
    m_jobs[job].engine = engine;
}

void BuildRunner::markEngineLost(const QString &engine)
{
    if (engine.isEmpty() || m_lost.contains(engine))
        return;
    m_lost.append(engine);
    // Its queued jobs go back to the pool: a leaf has no engine yet; a base waiting there is either done by its
    // copy on another engine, or moves to the least busy engine left.
    for (int job = 0; job < m_jobs.size(); ++job) {
        if (m_jobs[job].state != JobState::Queued || m_jobs[job].engine != engine)
            continue;
        const int other = liveCopy(job);
        if (other >= 0) {
            m_jobs[job].state = JobState::Cancelled;
            m_jobs[job].replacedBy = other;
            m_jobs[job].message =
                QStringLiteral("engine %1 was lost before it started; job %2 on %3 builds it")
                    .arg(engine)
                    .arg(other)
                    .arg(m_jobs[other].engine.isEmpty() ? QStringLiteral("another engine") : m_jobs[other].engine);
            m_jobs[job].started = m_jobs[job].finished = QDateTime::currentDateTimeUtc();
            publish(job);
            continue;
        }
        QStringList pool = m_plan.jobs[job].engines;
        pool.removeIf([this](const QString &e) { return m_lost.contains(e); });
        if (pool.isEmpty())
            continue; // schedule() ends it: no engine is left
        std::sort(pool.begin(), pool.end(), [this](const QString &a, const QString &b) {
            return double(runningOn(a)) / limitOf(a) < double(runningOn(b)) / limitOf(b);
        });
        assignEngine(job, pool.first());
        m_jobs[job].message = QStringLiteral("moved from lost engine %1").arg(engine);
        publish(job);
    }
    // What it built is gone with it: those cells are built again where the pool goes on.
    for (int job = 0; job < m_jobs.size(); ++job) {
        if (!isSuccess(m_jobs[job].state) || m_jobs[job].engine != engine || m_jobs[job].replacedBy >= 0)
            continue;
        int other = liveCopy(job);
        QStringList pool = m_plan.jobs[job].engines;
        pool.removeIf([this](const QString &e) { return m_lost.contains(e); });
        if (other < 0 && !pool.isEmpty() && !m_cancelAll)
            other = addCopy(job, pool.size() == 1 ? pool.first() : QString());
        if (other < 0)
            continue;
        m_jobs[job].replacedBy = other;
        m_jobs[job].message +=
            QStringLiteral("; engine %1 was lost, job %2 has the image built again").arg(engine).arg(other);
        publish(job);
    }
}

void BuildRunner::schedule()
{
    if (m_finished)
        return;
    for (int job = 0; job < m_jobs.size(); ++job)
        placeJob(job);
    const bool allFinal =
        std::all_of(m_jobs.cbegin(), m_jobs.cend(), [](const JobUpdate &j) { return isFinal(j.state); });
    if (allFinal && m_running.isEmpty()) {
        m_finished = true;
        Q_EMIT finished();
    }
}

void BuildRunner::placeJob(int job)
{
    if (m_jobs[job].state != JobState::Queued)
        return;
    if (m_plan.jobs[job].engines.isEmpty()) {
        // No engine ever served it: startJob says so once its bases are there.
        const bool ready =
            std::all_of(m_plan.jobs[job].dependsOn.cbegin(), m_plan.jobs[job].dependsOn.cend(), [this](int d) {
                return std::any_of(m_jobs.cbegin(), m_jobs.cend(),
                                   [&](const JobUpdate &j) { return m_origin[j.job] == d && isSuccess(j.state); });
            });
        if (ready)
            startJob(job);
        return;
    }
    const QStringList pool = livePool(job);
    if (pool.isEmpty()) {
        JobUpdate &update = m_jobs[job];
        update.state = JobState::EngineLost;
        update.message = QStringLiteral("no engine for Docker %1 is left (lost: %2)")
                             .arg(update.docker, m_lost.join(QStringLiteral(", ")));
        update.started = update.finished = QDateTime::currentDateTimeUtc();
        publish(job);
        blockDependants(job);
        return;
    }
    // The least busy engine that has the job's base; ties go to the engine that started fewer jobs.
    QString best;
    double bestLoad = 0;
    bool pending = false;
    bool anywhere = false;
    for (const QString &engine : pool) {
        const Deps deps = dependenciesOn(job, engine);
        pending = pending || deps == Deps::Pending;
        if (deps != Deps::Ready)
            continue;
        anywhere = true;
        const int limit = limitOf(engine);
        const int running = runningOn(engine);
        if (running >= limit)
            continue;
        const double load = double(running) / limit;
        if (best.isEmpty() || load < bestLoad ||
            (load == bestLoad && m_startedOn.value(engine) < m_startedOn.value(best))) {
            best = engine;
            bestLoad = load;
        }
    }
    if (!best.isEmpty()) {
        assignEngine(job, best);
        ++m_startedOn[best];
        startJob(job);
        return;
    }
    if (anywhere || pending)
        return;
    rebuildBases(job, pool);
}

void BuildRunner::rebuildBases(int job, const QStringList &pool)
{
    // Its base was built only on engines that are gone (or not on the engine the job is pinned to): build it
    // again where the job can run.
    QStringList targets = pool;
    std::sort(targets.begin(), targets.end(), [this](const QString &a, const QString &b) {
        return double(runningOn(a)) / limitOf(a) < double(runningOn(b)) / limitOf(b);
    });
    QString blockedBy;
    for (int dependency : m_plan.jobs[job].dependsOn) {
        if (copyOn(dependency, targets.first()) != Deps::Missing)
            continue;
        // Once per engine: a base that failed there is not tried again.
        const bool tried = std::any_of(m_jobs.cbegin(), m_jobs.cend(), [&](const JobUpdate &other) {
            return m_origin[other.job] == dependency && other.engine == targets.first();
        });
        if (tried || !familyAlive(dependency)) {
            blockedBy = m_jobs[dependency].component;
            continue;
        }
        addCopy(dependency, targets.first());
    }
    if (!blockedBy.isEmpty()) {
        JobUpdate &update = m_jobs[job];
        update.state = JobState::Blocked;
        update.message =
            QStringLiteral("its base %1 is not on engine %2 and did not build there").arg(blockedBy, targets.first());
        update.started = update.finished = QDateTime::currentDateTimeUtc();
        publish(job);
        blockDependants(job);
    }
}

void BuildRunner::blockDependants(int job)
{
    // In a pool another copy of the base may still give it.
    if (familyAlive(m_origin[job]))
        return;
    for (int other = 0; other < m_jobs.size(); ++other) {
        if (m_jobs[other].state != JobState::Queued || !m_plan.jobs[other].dependsOn.contains(m_origin[job]))
            continue;
        JobUpdate &update = m_jobs[other];
        update.state = m_cancelAll ? JobState::Cancelled : JobState::Blocked;
        update.message = QStringLiteral("its base %1@%2 is %3")
                             .arg(m_jobs[job].component, m_jobs[job].branch, jobStateName(m_jobs[job].state));
        update.started = update.finished = QDateTime::currentDateTimeUtc();
        publish(other);
        blockDependants(other);
    }
}

} // namespace mrc
