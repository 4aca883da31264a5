// SPDX-License-Identifier: Apache-2.0
#include "sessions/testsession.h"

#include "git/gitmirror.h"

namespace mrc {

TestSession::TestSession(Manifest manifest, TestSessionOptions options, QObject *parent)
    : Session(parent), m_manifest(std::move(manifest)), m_options(std::move(options))
{
    qRegisterMetaType<TestUpdate>();
    if (m_options.test.cacheRoot.isEmpty())
        m_options.test.cacheRoot = GitMirror::defaultCacheRoot();
}

TestSession::~TestSession()
{
    stop();
}

void TestSession::cancelWork()
{
    if (m_runner)
        m_runner->cancel(-1);
}

void TestSession::work()
{
    const auto tell = [this](const QString &text) { Q_EMIT note(text); };
    m_scope = m_options.scope ? *m_options.scope
                              : SessionScope::make(m_manifest, m_options.selector, m_options.fetch,
                                                   m_options.test.cacheRoot, tell, &m_cancel);
    if (!scopeRuns(m_scope))
        return;
    if (m_options.cells)
        m_scope.selected = *m_options.cells;
    m_plan = TestPlan::make(m_scope.manifest, m_scope.selected, m_scope.engines, m_options.tests);
    for (const QString &problem : std::as_const(m_plan.problems))
        tell(problem);
    Q_EMIT planned();
    if (m_plan.jobs.isEmpty() || m_cancel) {
        finish(m_cancel ? Outcome::Cancelled : Outcome::Done);
        return;
    }
    m_runner = new TestRunner(m_scope.manifest, m_plan, m_options.test, context());
    m_runner->setRunId(runId());
    connect(m_runner, &TestRunner::jobUpdated, context(),
            [this](const TestUpdate &update) { Q_EMIT jobUpdated(update); });
    connect(m_runner, &TestRunner::logLines, context(),
            [this](int job, const QByteArray &lines) { Q_EMIT logLines(job, lines); });
    connect(m_runner, &TestRunner::finished, context(), [this] {
        m_jobs = m_runner->jobs();
        m_historyError = m_runner->historyError();
        finish(Outcome::Done);
    });
    m_runner->start();
}

} // namespace mrc
