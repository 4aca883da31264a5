// SPDX-License-Identifier: Apache-2.0
#include "sessions/pipeline.h"

#include "history/automationstore.h"
#include "history/history.h"
#include "sessions/buildsession.h"
#include "sessions/sessionscope.h"
#include "sessions/testsession.h"

#include <QDir>
#include <algorithm>

namespace mrc {

QString Pipeline::describe(const AutomationEvent &event)
{
    switch (event.kind) {
    case AutomationEventKind::Commit:
        return QStringLiteral("commit %1 on %2").arg(event.sha.left(7), event.branch);
    case AutomationEventKind::Tag:
        return QStringLiteral("tag %1").arg(event.name());
    case AutomationEventKind::Change:
        return QStringLiteral("change %1").arg(event.name());
    }
    return {};
}

QString Pipeline::outcomeName(Outcome outcome)
{
    switch (outcome) {
    case Outcome::Running:
        return QStringLiteral("running");
    case Outcome::Done:
        return QStringLiteral("done");
    case Outcome::Failed:
        return QStringLiteral("failed");
    case Outcome::Skipped:
        return QStringLiteral("skipped");
    case Outcome::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

Pipeline::Pipeline(Manifest manifest, AutomationRun run, AutomationStore *store, QObject *parent)
    : QObject(parent), m_manifest(std::move(manifest)), m_run(std::move(run)), m_store(store),
      m_resumed(m_run.lastFinishedStage().has_value() ||
                std::any_of(m_run.stages.cbegin(), m_run.stages.cend(),
                            [](const StageRecord &s) { return s.state == StageState::Running; })),
      m_logDirectory(History::defaultLogDirectory() + QStringLiteral("/automation"))
{
    qRegisterMetaType<PipelineUpdate>();
}

Pipeline::~Pipeline()
{
    // The sessions stop (and wait for their threads) in their destructors; a push is cancelled first.
    if (m_push)
        m_push->cancel();
}

void Pipeline::start()
{
    if (m_started)
        return;
    m_started = true;
    if (m_resumed) {
        const std::optional<RunStage> last = m_run.lastFinishedStage();
        say(QStringLiteral("run %1 (%2) resumes %3")
                .arg(m_run.id)
                .arg(describe(m_run.event), last ? QStringLiteral("after its %1 stage").arg(runStageName(*last))
                                                 : QStringLiteral("from the start")));
    }
    next();
}

void Pipeline::next()
{
    const std::optional<RunStage> stage = m_run.nextStage();
    if (!stage) {
        end(Outcome::Done, m_pushed.isEmpty() ? m_message : QStringLiteral("pushed ") + m_pushed.join(", "));
        return;
    }
    startStage(*stage);
}

void Pipeline::cancel()
{
    if (m_outcome != Outcome::Running)
        return;
    m_cancelled = true;
    if (m_build)
        m_build->cancel();
    if (m_test)
        m_test->cancel();
    if (m_push)
        m_push->cancel();
    if (!m_stage)
        end(Outcome::Cancelled, QStringLiteral("cancelled"));
}

CellSelector Pipeline::selector() const
{
    CellSelector selector;
    selector.components = m_run.components;
    selector.dockers = m_run.docker;
    switch (m_run.event.kind) {
    case AutomationEventKind::Commit:
        selector.branches = {m_run.event.branch};
        break;
    case AutomationEventKind::Tag:
        selector.refs = {m_run.event.name()};
        break;
    case AutomationEventKind::Change:
        selector.refs = {m_run.event.ref};
        break;
    }
    return selector;
}

QString Pipeline::logPath(RunStage stage) const
{
    return QStringLiteral("%1/run-%2-%3.log").arg(m_logDirectory).arg(m_run.id).arg(runStageName(stage));
}

void Pipeline::say(const QString &line)
{
    if (m_log && m_log->isOpen()) {
        m_log->write(QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8() + ' ' + line.toUtf8() + '\n');
        m_log->flush();
    }
    Q_EMIT logLine(m_run.id, line);
}

void Pipeline::record(RunStage stage, StageState state, const QString &message)
{
    // The run's own copy follows the store, so nextStage() and a later resume agree.
    StageRecord *row = nullptr;
    for (auto it = m_run.stages.rbegin(); it != m_run.stages.rend(); ++it) {
        if (it->stage == stage) {
            row = &*it;
            break;
        }
    }
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (state == StageState::Running || !row || row->state != StageState::Running) {
        StageRecord added;
        added.runId = m_run.id;
        added.stage = stage;
        added.started = now;
        m_run.stages.append(added);
        row = &m_run.stages.last();
    }
    row->state = state;
    row->message = message;
    row->logPath = logPath(stage);
    if (state != StageState::Running)
        row->finished = now;
    if (!m_store)
        return;
    QString error;
    if (!m_store->markStage(m_run.id, stage, state, message, &error, logPath(stage))) {
        m_storeError = error;
        say(error);
    }
}

void Pipeline::emitUpdate(RunState state, std::optional<RunStage> stage, StageState stageState, const QString &message)
{
    PipelineUpdate update;
    update.run = m_run.id;
    update.state = state;
    update.stage = stage;
    update.stageState = stageState;
    update.message = message;
    update.logPath = stage ? logPath(*stage) : QString();
    update.at = QDateTime::currentDateTimeUtc();
    update.resumed = m_resumed;
    m_run.state = state;
    Q_EMIT updated(update);
}

void Pipeline::startStage(RunStage stage)
{
    if (m_cancelled) {
        end(Outcome::Cancelled, QStringLiteral("cancelled"));
        return;
    }
    m_stage = stage;
    QDir().mkpath(m_logDirectory);
    m_log = std::make_unique<QFile>(logPath(stage));
    if (!m_log->open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Text))
        m_log.reset();
    record(stage, StageState::Running, {});
    emitUpdate(runStateFor(stage), stage, StageState::Running, {});
    switch (stage) {
    case RunStage::Build:
        runBuild();
        break;
    case RunStage::Test:
        runTest();
        break;
    case RunStage::Push:
        runPush();
        break;
    }
}

void Pipeline::stageEnded(RunStage stage, StageState state, const QString &message)
{
    say(QStringLiteral("%1 %2%3").arg(runStageName(stage), stageStateName(state),
                                      message.isEmpty() ? QString() : QStringLiteral(": ") + message));
    // The stage is recorded as finished before the next one starts: a kill from here on resumes after it.
    record(stage, state, message);
    emitUpdate(m_run.state, stage, state, message);
    m_log.reset();
    if (state == StageState::Failed) {
        end(Outcome::Failed, message);
        return;
    }
    if (state == StageState::Skipped && stage != RunStage::Push) {
        end(Outcome::Skipped, message);
        return;
    }
    m_message = message;
    m_stage.reset();
    next();
}

void Pipeline::end(Outcome outcome, const QString &message)
{
    if (m_outcome != Outcome::Running)
        return;
    m_outcome = outcome;
    m_message = message;
    RunState state = m_run.state;
    if (outcome != Outcome::Cancelled) {
        state = outcome == Outcome::Done      ? RunState::Done
                : outcome == Outcome::Skipped ? RunState::Skipped
                                              : RunState::Failed;
        QString error;
        if (m_store && !m_store->finishRun(m_run.id, state, message, &error)) {
            m_storeError = error;
            say(error);
        }
    }
    // The last update is about the run: the stage that ended it said so in its own update.
    if (outcome == Outcome::Cancelled)
        emitUpdate(state, m_stage, StageState::Running, message);
    else
        emitUpdate(state, std::nullopt, StageState::Done, message);
    m_log.reset();
    // The sessions end their threads in their destructors, and one of them may be what brought us here.
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT finished(m_run.id); }, Qt::QueuedConnection);
}

void Pipeline::runBuild()
{
    BuildSessionOptions options;
    options.selector = selector();
    options.build.jobs = m_jobs;
    m_build = std::make_unique<BuildSession>(m_manifest, options);
    connect(m_build.get(), &BuildSession::note, this, [this](const QString &text) { say(text); });
    connect(m_build.get(), &BuildSession::failed, this, [this](const QString &text) { say(text); });
    connect(m_build.get(), &BuildSession::jobUpdated, this, [this](const JobUpdate &job) {
        if (!isFinal(job.state))
            return;
        say(QStringLiteral("[%1@%2 %3] %4%5%6")
                .arg(job.component, job.branch, job.docker, jobStateName(job.state),
                     job.message.isEmpty() ? QString() : QStringLiteral(": ") + job.message,
                     job.logPath.isEmpty() ? QString() : QStringLiteral(" (log %1)").arg(job.logPath)));
    });
    connect(m_build.get(), &BuildSession::finished, this, &Pipeline::onBuildFinished, Qt::QueuedConnection);
    m_build->start();
}

void Pipeline::onBuildFinished()
{
    const BuildSession &build = *m_build;
    if (build.outcome() == Session::Outcome::Cancelled || m_cancelled) {
        end(Outcome::Cancelled, QStringLiteral("cancelled while building"));
        return;
    }
    switch (build.outcome()) {
    case Session::Outcome::BadInput:
        // Nothing of the decision is a ready cell of the column (or the column is gone): nothing to do.
        stageEnded(RunStage::Build, StageState::Skipped,
                   QStringLiteral("no ready cell of %1 matches").arg(describe(m_run.event)));
        return;
    case Session::Outcome::NoEngine:
        stageEnded(RunStage::Build, StageState::Failed, QStringLiteral("no engine is reachable"));
        return;
    case Session::Outcome::Environment:
        stageEnded(RunStage::Build, StageState::Failed, QStringLiteral("the build could not run"));
        return;
    default:
        break;
    }
    const QList<Cell> failed = build.failedCells();
    if (!build.plan().problems.isEmpty() || !failed.isEmpty() || !build.succeeded()) {
        QStringList why;
        QStringList names;
        for (const Cell &cell : failed)
            names << QStringLiteral("%1@%2 docker %3").arg(cell.component, cell.branch, cell.docker);
        if (!names.isEmpty())
            why << QStringLiteral("build failed: ") + names.join(QStringLiteral(", "));
        why << build.plan().problems;
        stageEnded(RunStage::Build, StageState::Failed,
                   why.isEmpty() ? QStringLiteral("build failed") : why.join(QStringLiteral("; ")));
        return;
    }
    if (!build.historyError().isEmpty())
        say(build.historyError());
    m_scope = std::make_unique<SessionScope>(build.scope());
    m_built = build.builtCells();
    int built = 0;
    for (const JobUpdate &job : build.jobs())
        built += job.state == JobState::Built ? 1 : 0;
    stageEnded(RunStage::Build, StageState::Done,
               QStringLiteral("%1 image(s) built, %2 up to date").arg(built).arg(build.jobs().size() - built));
}

void Pipeline::runTest()
{
    TestSessionOptions options;
    options.selector = selector();
    options.test.jobs = m_jobs;
    if (m_scope) {
        options.scope = *m_scope;
        options.cells = m_built;
    }
    m_test = std::make_unique<TestSession>(m_manifest, options);
    connect(m_test.get(), &TestSession::note, this, [this](const QString &text) { say(text); });
    connect(m_test.get(), &TestSession::failed, this, [this](const QString &text) { say(text); });
    connect(m_test.get(), &TestSession::jobUpdated, this, [this](const TestUpdate &t) {
        if (t.state == TestState::Queued || t.state == TestState::Testing)
            return;
        say(QStringLiteral("[%1@%2 %3 %4] %5%6%7")
                .arg(t.component, t.branch, t.docker, t.test, testStateName(t.state),
                     t.message.isEmpty() ? QString() : QStringLiteral(": ") + t.message,
                     t.logPath.isEmpty() ? QString() : QStringLiteral(" (log %1)").arg(t.logPath)));
    });
    connect(m_test.get(), &TestSession::finished, this, &Pipeline::onTestFinished, Qt::QueuedConnection);
    m_test->start();
}

void Pipeline::onTestFinished()
{
    const TestSession &test = *m_test;
    if (test.outcome() == Session::Outcome::Cancelled || m_cancelled) {
        end(Outcome::Cancelled, QStringLiteral("cancelled while testing"));
        return;
    }
    if (test.outcome() == Session::Outcome::BadInput) {
        stageEnded(RunStage::Test, StageState::Skipped,
                   QStringLiteral("no ready cell of %1 matches").arg(describe(m_run.event)));
        return;
    }
    if (test.outcome() != Session::Outcome::Done) {
        stageEnded(RunStage::Test, StageState::Failed, QStringLiteral("the tests could not run"));
        return;
    }
    QStringList failed;
    int passed = 0;
    for (const TestUpdate &t : test.jobs()) {
        if (t.state == TestState::Passed)
            ++passed;
        else
            failed << QStringLiteral("%1@%2 %3 %4 %5")
                          .arg(t.component, t.branch, t.docker, t.test, testStateName(t.state));
    }
    failed << test.plan().problems;
    if (!failed.isEmpty()) {
        stageEnded(RunStage::Test, StageState::Failed, QStringLiteral("tests failed: ") + failed.join("; "));
        return;
    }
    if (!test.historyError().isEmpty())
        say(test.historyError());
    stageEnded(RunStage::Test, StageState::Done, QStringLiteral("%1 test(s) passed").arg(passed));
}

void Pipeline::runPush()
{
    PushOptions options;
    options.manifest = m_manifest;
    options.selector.components = m_run.components;
    options.selector.dockers = m_run.docker;
    options.insecureRegistries = m_insecureRegistries;
    options.keychainRequired = true;
    switch (m_run.event.kind) {
    case AutomationEventKind::Commit:
        options.selector.branches = {m_run.event.branch};
        break;
    case AutomationEventKind::Tag:
        options.release = m_run.event.name();
        break;
    case AutomationEventKind::Change:
        // Only change-<number>-<patchset>, and only to the review namespace: never to the release namespace.
        if (m_reviewNamespace.isEmpty() || m_reviewNamespace == m_manifest.registry.ns) {
            stageEnded(RunStage::Push, StageState::Skipped,
                       m_reviewNamespace.isEmpty()
                           ? QStringLiteral("a change is pushed only to a review_namespace, and there is none")
                           : QStringLiteral("review_namespace %1 is the release namespace: a change is not pushed")
                                 .arg(m_reviewNamespace));
            return;
        }
        options.manifest.registry.ns = m_reviewNamespace;
        options.change = m_run.event.ref;
        break;
    }
    m_push = std::make_unique<PushSession>();
    connect(m_push.get(), &PushSession::logLine, this, [this](int, const QString &line) { say(line); });
    connect(m_push.get(), &PushSession::warning, this, [this](int, const QString &line) { say(line); });
    connect(m_push.get(), &PushSession::planned, this, [this](int, const PushPlan &plan) { onPlanned(plan); });
    connect(m_push.get(), &PushSession::finished, this, [this](int, const PushResult &result) { onPushed(result); });
    m_push->plan(options);
}

void Pipeline::onPlanned(const PushPlan &plan)
{
    for (const QString &line : plan.messages)
        say(line);
    if (plan.keychain == CredentialError::NotFound)
        say(QStringLiteral("no credentials for %1: pushing anonymously").arg(plan.registry));
    else if (plan.keychain != CredentialError::None)
        say(plan.keychainMessage);
    for (const QString &line : plan.errors)
        say(line);
    for (const QString &line : plan.result.problems)
        say(line);
    if (m_cancelled) {
        end(Outcome::Cancelled, QStringLiteral("cancelled while planning the push"));
        return;
    }
    if (plan.outcome != PushOutcome::Ok) {
        const QStringList why = plan.messages + plan.errors;
        stageEnded(RunStage::Push, StageState::Failed,
                   QStringLiteral("the push could not be planned") +
                       (why.isEmpty() ? QString() : QStringLiteral(": ") + why.join(QStringLiteral("; "))));
        return;
    }
    QStringList unchanged;
    for (const EnginePlans &engine : plan.result.engines) {
        for (const CellTagPlan &cell : engine.plans) {
            for (const PlannedTag &t : cell.tags) {
                say(QStringLiteral("%1:%2 %3 (%4)")
                        .arg(cell.cell.repository, t.tag, TagPlan::actionName(t.action), t.reason));
                if (t.action == TagAction::Unchanged)
                    unchanged << cell.cell.repository + QLatin1Char(':') + t.tag;
            }
        }
    }
    if (!plan.result.problems.isEmpty()) {
        stageEnded(RunStage::Push, StageState::Failed, plan.result.problems.join(QStringLiteral("; ")));
        return;
    }
    if (plan.anyRefused()) {
        stageEnded(RunStage::Push, StageState::Failed,
                   QStringLiteral("a tag is refused: an immutable tag names another image at the registry"));
        return;
    }
    if (plan.changes() == 0) {
        stageEnded(RunStage::Push, StageState::Done,
                   QStringLiteral("nothing to push: %1 unchanged").arg(unchanged.join(QStringLiteral(", "))));
        return;
    }
    m_push->push();
}

void Pipeline::onPushed(const PushResult &result)
{
    if (result.cancelled || m_cancelled) {
        end(Outcome::Cancelled, QStringLiteral("cancelled while pushing"));
        return;
    }
    QStringList failed;
    for (const CellPublishResult &cell : result.results) {
        for (const TagOutcome &t : cell.tags) {
            const QString name = cell.cell.repository + QLatin1Char(':') + t.planned.tag;
            if (!t.ok)
                failed << name + QStringLiteral(": ") + t.message;
            else if (t.planned.changes())
                m_pushed << name;
        }
    }
    if (result.outcome != PushOutcome::Ok || !failed.isEmpty() || !result.started) {
        QStringList why = failed;
        if (!result.message.isEmpty())
            why.prepend(result.message);
        stageEnded(RunStage::Push, StageState::Failed,
                   QStringLiteral("push failed") +
                       (why.isEmpty() ? QString() : QStringLiteral(": ") + why.join(QStringLiteral("; "))));
        return;
    }
    stageEnded(RunStage::Push, StageState::Done, QStringLiteral("pushed ") + m_pushed.join(QStringLiteral(", ")));
}

} // namespace mrc
