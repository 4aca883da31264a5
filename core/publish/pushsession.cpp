// SPDX-License-Identifier: Apache-2.0
#include "publish/pushsession.h"

#include "publish/pushworker.h"
#include "secrets/credentialresolver.h"

#include <QThread>

namespace mrc {

bool PushPlan::anyRefused() const
{
    for (const EnginePlans &engine : result.engines) {
        for (const CellTagPlan &plan : engine.plans) {
            if (plan.refused())
                return true;
        }
    }
    return false;
}

int PushPlan::changes() const
{
    int count = 0;
    for (const EnginePlans &engine : result.engines) {
        for (const CellTagPlan &plan : engine.plans)
            count += plan.changes();
    }
    return count;
}

PushSession::PushSession(QObject *parent)
    : QObject(parent), m_thread(std::make_unique<QThread>()), m_cancelled(std::make_shared<std::atomic_bool>(false))
{
    m_thread->setObjectName(QStringLiteral("PushSession"));
    m_worker = new PushWorker(m_cancelled);
    m_worker->moveToThread(m_thread.get());
    connect(m_thread.get(), &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &PushWorker::prepared, this, &PushSession::onPrepared);
    connect(m_worker, &PushWorker::planned, this, &PushSession::onPlanned);
    connect(m_worker, &PushWorker::finished, this, &PushSession::onFinished);
    connect(m_worker, &PushWorker::logLine, this, &PushSession::logLine);
    connect(m_worker, &PushWorker::warning, this, &PushSession::warning);
    connect(m_worker, &PushWorker::progress, this, &PushSession::progress);
    connect(m_worker, &PushWorker::tagFinished, this, &PushSession::tagFinished);
    m_thread->start();
}

PushSession::~PushSession()
{
    cancel();
    m_thread->quit();
    m_thread->wait();
}

int PushSession::plan(const PushOptions &options)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_pushing)
        return -1;
    const int run = ++m_run;
    m_planning = true;
    m_plan = PushPlan{};
    m_keychainError.clear();
    *m_cancelled = false;
    m_options = options;
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, run, options] { worker->prepare(run, options); });
    return run;
}

void PushSession::onPrepared(int run, const PushPlan &prepared)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (run != m_run)
        return;
    if (prepared.outcome != PushOutcome::Ok) {
        onPlanned(run, prepared);
        return;
    }
    // QtKeychain's jobs belong to the thread that has the D-Bus connection: this one, asynchronously (a Docker
    // credential helper runs as an asynchronous process here too).
    CredentialRequest *request = CredentialResolver::resolve(prepared.registry, this);
    connect(request, &CredentialRequest::finished, this, [this, request, run, prepared] {
        request->deleteLater();
        CredentialResult stored = request->takeResult();
        if (run != m_run) {
            stored.credential.wipe();
            return;
        }
        PushPlan plan = prepared;
        plan.keychain = stored.error;
        RegistryCredential credential;
        if (stored.ok()) {
            credential = stored.credential;
            plan.credentialSource = stored.credential.source;
        } else if (stored.error == CredentialError::NotFound) {
            plan.keychainMessage = stored.message;
        } else {
            plan.keychainMessage = stored.message;
            if (m_options.keychainRequired) {
                plan.outcome = PushOutcome::Environment;
                onPlanned(run, plan);
                return;
            }
            m_keychainError = stored.message;
        }
        stored.credential.wipe();
        QMetaObject::invokeMethod(m_worker, [worker = m_worker, run, credential, plan]() mutable {
            worker->plan(run, credential, plan);
            credential.wipe();
        });
        credential.wipe();
    });
}

void PushSession::onPlanned(int run, const PushPlan &plan)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (run != m_run)
        return;
    m_plan = plan;
    m_planning = false;
    Q_EMIT planned(run, plan);
}

void PushSession::push()
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (m_planning || m_pushing)
        return;
    m_pushing = true;
    *m_cancelled = false;
    const int run = m_run;
    const bool planned = !m_plan.registry.isEmpty() && m_plan.outcome == PushOutcome::Ok;
    if (!planned || !m_keychainError.isEmpty()) {
        // The plan read the registry anonymously because the keychain failed: no push without the credentials.
        PushResult result;
        result.outcome = !m_keychainError.isEmpty()          ? PushOutcome::Environment
                         : m_plan.outcome == PushOutcome::Ok ? PushOutcome::Failure
                                                             : m_plan.outcome;
        result.message = m_keychainError.isEmpty() ? tr("Nothing was planned.") : m_keychainError;
        QMetaObject::invokeMethod(
            this, [this, run, result] { onFinished(run, result); }, Qt::QueuedConnection);
        return;
    }
    QMetaObject::invokeMethod(m_worker, [worker = m_worker, run] { worker->push(run); });
}

void PushSession::cancel()
{
    *m_cancelled = true;
    if (m_pushing)
        QMetaObject::invokeMethod(m_worker, &PushWorker::cancel);
}

void PushSession::onFinished(int run, const PushResult &result)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (run != m_run)
        return;
    m_pushing = false;
    Q_EMIT finished(run, result);
}

} // namespace mrc
