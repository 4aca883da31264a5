// SPDX-License-Identifier: Apache-2.0
#include "publish/pushworker.h"

#include "engine/engineclient.h"
#include "git/gitmirror.h"
#include "history/history.h"
#include "history/pushaudit.h"
#include "registry/registryclient.h"
#include "registry/registryreply.h"
#include "secrets/registryauth.h"
#include "workspace/refcolumn.h"
#include "workspace/workspacescan.h"

#include <QThread>
#include <algorithm>

namespace mrc {

namespace {

constexpr int progressIntervalMs = 50;

} // namespace

PushWorker::PushWorker(std::shared_ptr<std::atomic_bool> cancelled) : m_cancelled(std::move(cancelled)) {}

PushWorker::~PushWorker()
{
    if (m_publisher)
        m_publisher->cancel();
    m_credential.wipe();
    wipeBytes(m_auth);
}

void PushWorker::prepare(int run, const PushOptions &options)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_run = run;
    m_options = options;
    m_plan = PushPlan{};
    m_registry.reset();
    m_credential.wipe();
    PushPlan &plan = m_plan;
    Manifest &manifest = m_options.manifest;
    plan.registry = manifest.registry.host;
    const auto fail = [&](const QString &message) {
        plan.outcome = PushOutcome::BadInput;
        plan.messages << message;
        Q_EMIT prepared(run, plan);
    };
    if (!m_options.release.isEmpty()) {
        // A release is published from its tag's commit, wherever its branch is now.
        if (!TagPlan::isReleaseTag(manifest.tags, m_options.release))
            return fail(QStringLiteral("--release %1: not a release tag under the manifest's release_pattern %2")
                            .arg(m_options.release, manifest.tags.releasePattern));
        if (!m_options.selector.branches.isEmpty())
            return fail(QStringLiteral("--release and --branch cannot be combined"));
        const RefColumnResult column =
            RefColumn::resolve(manifest, m_options.release, m_options.selector.dockers, GitMirror::defaultCacheRoot());
        if (!column.ok())
            return fail(column.error);
        plan.messages << column.errors;
        manifest = RefColumn::withColumn(manifest, column.branch);
        m_options.selector.branches = {m_options.release};
    }
    if (!m_options.change.isEmpty()) {
        if (TagPlan::changeTag(m_options.change).isEmpty())
            return fail(
                QStringLiteral("%1: not a Gerrit change ref (refs/changes/NN/NUMBER/PATCHSET)").arg(m_options.change));
        if (!m_options.release.isEmpty() || !m_options.selector.branches.isEmpty())
            return fail(QStringLiteral("a change cannot be combined with a release or a branch"));
        const RefColumnResult column =
            RefColumn::resolve(manifest, m_options.change, m_options.selector.dockers, GitMirror::defaultCacheRoot());
        if (!column.ok())
            return fail(column.error);
        plan.messages << column.errors;
        manifest = RefColumn::withColumn(manifest, column.branch);
        m_options.selector.branches = {m_options.change};
    }
    if (const QString problem = m_options.selector.unknownName(manifest); !problem.isEmpty())
        return fail(problem);
    Q_EMIT prepared(run, plan);
}

void PushWorker::plan(int run, RegistryCredential &credential, const PushPlan &prepared)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (run != m_run)
        return;
    m_plan = prepared;
    PushPlan &plan = m_plan;
    m_credential = credential;
    credential.wipe();
    plan.user = m_credential.username;
    RegistryOptions registryOptions;
    registryOptions.insecureRegistries = m_options.insecureRegistries;
    m_registry = std::make_unique<RegistryClient>(
        plan.registry, RegistryCredentials{m_credential.username, QString::fromUtf8(m_credential.password)},
        registryOptions);

    QList<Cell> allCells = m_options.allCells;
    QList<Cell> selected = m_options.picked;
    QList<EngineStatus> engines = m_options.engines;
    if (allCells.isEmpty()) {
        ScanOptions scanOptions;
        scanOptions.fetch = m_options.fetch;
        WorkspaceScan scan(m_options.manifest, scanOptions);
        scan.run();
        allCells = scan.cells();
        engines = scan.engines();
        selected = m_options.selector.select(allCells).ready;
        if (selected.isEmpty()) {
            plan.outcome = PushOutcome::BadInput;
            plan.errors << QStringLiteral("no ready cell matches; `mrc matrix` shows each cell's state");
            Q_EMIT planned(run, plan);
            return;
        }
    }

    PublishPlanner planner(m_options.manifest, m_options.cacheRoot);
    planner.setPublishChanges(!m_options.change.isEmpty());
    plan.result = planner.planAll(allCells, selected, engines, *m_registry);
    if (plan.result.failure != PublishPlanner::Failure::None) {
        plan.errors << plan.result.problems;
        plan.outcome = plan.result.failure == PublishPlanner::Failure::Authentication ? PushOutcome::Authentication
                       : plan.result.failure == PublishPlanner::Failure::Unreachable  ? PushOutcome::Environment
                                                                                      : PushOutcome::Failure;
    } else if (!plan.result.anyEngine) {
        for (const EngineStatus &engine : std::as_const(engines))
            plan.errors
                << QStringLiteral("engine %1 (%2) is unreachable: %3").arg(engine.name, engine.host, engine.error);
        plan.outcome = PushOutcome::Environment;
    }
    Q_EMIT planned(run, plan);
}

bool PushWorker::preflight()
{
    // The credentials must hold before anything moves.
    if (!m_credential.username.isEmpty()) {
        std::unique_ptr<RegistryReply> login(m_registry->login());
        login->waitForFinished();
        if (!login->ok()) {
            Q_EMIT warning(m_run, login->errorString());
            finish(login->isAuthenticationError() ? PushOutcome::Authentication : PushOutcome::Environment, {});
            return false;
        }
    }

    // Docker Hub counts every manifest GET as a pull: each manifest copy is one. Stop before the quota would run out
    // half-way (the engine's push itself and the HEADs that verify each tag count nothing).
    int pulls = 0;
    for (const EnginePlans &engine : std::as_const(m_plan.result.engines)) {
        for (const CellTagPlan &plan : engine.plans)
            pulls += int(std::count_if(plan.tags.cbegin(), plan.tags.cend(),
                                       [](const PlannedTag &t) { return t.changes() && !t.copyFrom.isEmpty(); }));
    }
    if (const RateLimit rate = m_registry->lastRateLimit(); rate.wouldCross(pulls)) {
        Q_EMIT warning(m_run, QStringLiteral("%1: stopped before pushing: %2, and the plan copies %3 manifest%4 (a "
                                             "GET each, counted as a pull). Nothing was pushed; wait for the window "
                                             "to pass, or push fewer images.")
                                  .arg(m_plan.registry, rate.quotaText(m_plan.registry))
                                  .arg(pulls)
                                  .arg(pulls == 1 ? QString() : QStringLiteral("s")));
        finish(PushOutcome::Failure, {});
        return false;
    }

    // Push rights on every repository that gets an upload, before the first long transfer starts.
    QStringList checked;
    for (const EnginePlans &engine : std::as_const(m_plan.result.engines)) {
        for (const CellTagPlan &plan : engine.plans) {
            const bool uploads =
                std::any_of(plan.tags.cbegin(), plan.tags.cend(), [](const PlannedTag &t) { return t.transfers(); });
            if (!uploads || checked.contains(plan.cell.repository))
                continue;
            checked << plan.cell.repository;
            std::unique_ptr<RegistryReply> check(m_registry->checkPush(plan.cell.repository));
            check->waitForFinished();
            if (!check->ok()) {
                Q_EMIT warning(m_run, QStringLiteral("no push rights: %1").arg(check->errorString()));
                finish(check->isAuthenticationError() ? PushOutcome::Authentication
                       : check->error() == RegistryReply::Unreachable || check->error() == RegistryReply::Timeout
                           ? PushOutcome::Environment
                           : PushOutcome::Failure,
                       {});
                return false;
            }
        }
    }
    if (!checked.isEmpty())
        Q_EMIT logLine(m_run, QStringLiteral("Push rights checked on %1 repositor%2")
                                  .arg(checked.size())
                                  .arg(checked.size() == 1 ? QStringLiteral("y") : QStringLiteral("ies")));
    return true;
}

void PushWorker::push(int run)
{
    Q_ASSERT(QThread::currentThread() == thread());
    if (run != m_run)
        return;
    m_results.clear();
    m_pushOk = true;
    m_pushedAll = false;
    m_engineIndex = -1;
    if (!m_registry) {
        finish(PushOutcome::Failure, tr("Nothing was planned."));
        return;
    }
    if (*m_cancelled) {
        finish(PushOutcome::Failure, tr("Cancelled before anything was pushed."));
        return;
    }
    if (!preflight())
        return;

    History history;
    QString error;
    history.open(&error); // the jobs table and its migrations make the database the audit table lives in
    auto audit = std::make_unique<PushAudit>(history.path());
    if (audit->open(&error))
        m_audit = std::move(audit);
    else
        Q_EMIT warning(m_run, QStringLiteral("%1 (the push is not recorded)").arg(error));

    RegistryCredential credential = m_credential;
    credential.registry = m_plan.registry;
    m_auth = RegistryAuth::header(credential);
    credential.wipe();
    pushNextEngine();
}

void PushWorker::pushNextEngine()
{
    if (m_publisher) {
        m_pushOk = m_pushOk && m_publisher->ok();
        m_results << m_publisher->results();
        m_publisher.reset(); // called through a queued connection: the publisher is not on the stack
    }
    ++m_engineIndex;
    const bool cancelled = *m_cancelled;
    if (cancelled || m_engineIndex >= m_plan.result.engines.size()) {
        m_pushedAll = m_pushOk && !cancelled;
        finish(m_pushedAll && m_plan.result.problems.isEmpty() ? PushOutcome::Ok : PushOutcome::Failure,
               cancelled ? tr("Cancelled.") : QString());
        return;
    }
    const EnginePlans &plans = m_plan.result.engines.at(m_engineIndex);
    m_engine = std::make_unique<EngineClient>(plans.engine);
    m_engine->setApiVersion(plans.apiVersion);
    m_engine->setDefaultTimeout(30000);
    m_publisher = std::make_unique<Publisher>(m_engine.get(), m_registry.get(), m_auth);
    m_publisher->setEngineRepositoryPrefix(m_plan.registry);
    if (m_audit)
        m_publisher->setAudit(m_audit.get(), m_credential.username);
    const int engine = m_engineIndex;
    connect(m_publisher.get(), &Publisher::logLine, this, [this, engine](int cell, const QString &line) {
        const PublishCell &c = m_plan.result.engines.at(engine).plans.at(cell).cell;
        Q_EMIT logLine(m_run, QStringLiteral("[%1@%2] %3").arg(c.component, c.branch, line));
    });
    connect(m_publisher.get(), &Publisher::progress, this, &PushWorker::onProgress);
    connect(m_publisher.get(), &Publisher::tagFinished, this, [this, engine](int cell, const TagOutcome &outcome) {
        flushProgress();
        Q_EMIT tagFinished(m_run, engine, cell, outcome);
    });
    connect(m_publisher.get(), &Publisher::finished, this, &PushWorker::pushNextEngine, Qt::QueuedConnection);
    m_publisher->start(plans.plans);
}

void PushWorker::onProgress(int cell)
{
    const EnginePush *push = m_publisher ? m_publisher->currentPush() : nullptr;
    if (!push)
        return;
    m_pendingProgress =
        PushProgress{m_engineIndex, cell, push->bytesDone(), push->bytesTotal(), push->layers().values()};
    m_progressPending = true;
    if (!m_progressClock.isValid() || m_progressClock.elapsed() >= progressIntervalMs)
        flushProgress();
}

void PushWorker::flushProgress()
{
    if (!m_progressPending)
        return;
    m_progressPending = false;
    m_progressClock.start();
    Q_EMIT progress(m_run, m_pendingProgress);
}

void PushWorker::cancel()
{
    *m_cancelled = true;
    if (m_publisher)
        m_publisher->cancel();
}

void PushWorker::finish(PushOutcome outcome, const QString &message)
{
    flushProgress();
    wipeBytes(m_auth);
    m_audit.reset();
    PushResult result;
    result.outcome = outcome;
    result.cancelled = *m_cancelled;
    result.message = message;
    result.results = m_results;
    result.pushedAll = m_pushedAll;
    result.started = m_engineIndex >= 0;
    m_engine.reset();
    Q_EMIT finished(m_run, result);
}

} // namespace mrc
