// SPDX-License-Identifier: Apache-2.0
#include "sessions/buildsession.h"

#include "git/gitmirror.h"

namespace mrc {

BuildSession::BuildSession(Manifest manifest, BuildSessionOptions options, QObject *parent)
    : Session(parent), m_manifest(std::move(manifest)), m_options(std::move(options))
{
    qRegisterMetaType<JobUpdate>();
    if (m_options.build.cacheRoot.isEmpty())
        m_options.build.cacheRoot = GitMirror::defaultCacheRoot();
}

BuildSession::~BuildSession()
{
    stop();
}

void BuildSession::cancelWork()
{
    if (m_runner)
        m_runner->cancel(-1);
}

void BuildSession::work()
{
    const auto tell = [this](const QString &text) { Q_EMIT note(text); };
    m_scope = m_options.scope ? *m_options.scope
                              : SessionScope::make(m_manifest, m_options.selector, m_options.fetch,
                                                   m_options.build.cacheRoot, tell, &m_cancel);
    if (!scopeRuns(m_scope))
        return;
    m_plan = BuildPlan::make(m_scope.manifest, m_scope.cells, m_scope.selected, m_scope.engines,
                             QDateTime::currentDateTimeUtc());
    BuildPlan::resolveBuildArgs(m_plan, m_scope.manifest, m_options.build.cacheRoot);
    BuildPlan::applyLintGate(m_plan, m_scope.manifest, m_options.build.cacheRoot);
    for (const QString &problem : std::as_const(m_plan.problems))
        tell(problem);
    Q_EMIT planned();
    if (m_options.planOnly || m_plan.jobs.isEmpty() || m_cancel) {
        finish(m_cancel ? Outcome::Cancelled : Outcome::Done);
        return;
    }
    m_runner = new BuildRunner(m_scope.manifest, m_plan, m_options.build, context());
    m_runner->setRunId(runId());
    connect(m_runner, &BuildRunner::jobUpdated, context(),
            [this](const JobUpdate &update) { Q_EMIT jobUpdated(update); });
    connect(m_runner, &BuildRunner::logLines, context(),
            [this](int job, const QByteArray &lines) { Q_EMIT logLines(job, lines); });
    connect(m_runner, &BuildRunner::finished, context(), [this] {
        m_jobs = m_runner->jobs();
        m_succeeded = m_runner->succeeded();
        m_historyError = m_runner->historyError();
        finish(Outcome::Done);
    });
    m_runner->start();
}

const BuildJobSpec *BuildSession::specOf(const JobUpdate &update) const
{
    const int job = update.copyOf >= 0 ? update.copyOf : update.job;
    return job >= 0 && job < m_plan.jobs.size() ? &m_plan.jobs[job] : nullptr;
}

QList<Cell> BuildSession::builtCells() const
{
    QList<Cell> built;
    for (const Cell &cell : m_scope.selected) {
        const bool any = std::any_of(m_jobs.cbegin(), m_jobs.cend(), [&](const JobUpdate &j) {
            return j.component == cell.component && j.branch == cell.branch && j.docker == cell.docker;
        });
        const bool failed = std::any_of(m_jobs.cbegin(), m_jobs.cend(), [&](const JobUpdate &j) {
            return j.component == cell.component && j.branch == cell.branch && j.docker == cell.docker &&
                   j.replacedBy < 0 && !isSuccess(j.state);
        });
        if (any && !failed)
            built.append(cell);
    }
    return built;
}

QList<Cell> BuildSession::failedCells() const
{
    const QList<Cell> built = builtCells();
    QList<Cell> failed;
    for (const Cell &cell : m_scope.selected) {
        if (!built.contains(cell))
            failed.append(cell);
    }
    return failed;
}

} // namespace mrc
