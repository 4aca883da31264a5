// SPDX-License-Identifier: Apache-2.0
#include "testsession.h"

#include "gitmirror.h"
#include "sessionthread.h"

#include <QUuid>

namespace mrc {

TestSession::TestSession(Manifest manifest, TestSessionOptions options, QObject *parent)
    : QObject(parent), m_manifest(std::move(manifest)), m_options(std::move(options)),
      m_runId(QUuid::createUuid().toString(QUuid::Id128).left(12))
{
    qRegisterMetaType<TestUpdate>();
    if (m_options.test.cacheRoot.isEmpty())
        m_options.test.cacheRoot = GitMirror::defaultCacheRoot();
}

TestSession::~TestSession()
{
    // The runner goes on its own thread as the thread ends; what its tests made carries the run's label.
    m_cancel = true;
    if (m_context)
        m_context->deleteLater();
    m_thread.reset();
}

void TestSession::start()
{
    if (m_thread)
        return;
    m_thread = std::make_unique<SessionThread>();
    m_context = new QObject;
    m_context->moveToThread(m_thread.get());
    m_thread->start();
    QMetaObject::invokeMethod(m_context, [this] { work(); });
}

void TestSession::cancel()
{
    m_cancel = true;
    if (m_context) {
        QMetaObject::invokeMethod(m_context, [this] {
            if (m_runner)
                m_runner->cancel(-1);
        });
    }
}

void TestSession::work()
{
    const auto tell = [this](const QString &text) { Q_EMIT note(text); };
    m_scope = m_options.scope ? *m_options.scope
                              : SessionScope::make(m_manifest, m_options.selector, m_options.fetch,
                                                   m_options.test.cacheRoot, tell, &m_cancel);
    if (!m_scope.ok()) {
        finish(m_scope.status == SessionScope::Status::NoEngine    ? Outcome::NoEngine
               : m_scope.status == SessionScope::Status::Cancelled ? Outcome::Cancelled
                                                                   : Outcome::BadInput);
        return;
    }
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
    m_runner = new TestRunner(m_scope.manifest, m_plan, m_options.test, m_context);
    m_runner->setRunId(m_runId);
    connect(m_runner, &TestRunner::jobUpdated, m_context,
            [this](const TestUpdate &update) { Q_EMIT jobUpdated(update); });
    connect(m_runner, &TestRunner::logLines, m_context,
            [this](int job, const QByteArray &lines) { Q_EMIT logLines(job, lines); });
    connect(m_runner, &TestRunner::finished, m_context, [this] {
        m_jobs = m_runner->jobs();
        m_historyError = m_runner->historyError();
        finish(Outcome::Done);
    });
    m_runner->start();
}

void TestSession::finish(Outcome outcome)
{
    m_outcome = outcome;
    Q_EMIT finished();
}

} // namespace mrc
