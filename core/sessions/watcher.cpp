// SPDX-License-Identifier: Apache-2.0
#include "sessions/watcher.h"

#include "automation/eventscanner.h"
#include "git/gitmirror.h"
#include "history/automationstore.h"
#include "history/history.h"

#include <QPointer>

namespace mrc {

/** What the scan thread hands back: the new events, and the runs it queued, superseded or skipped. */
struct WatchScan
{
    QList<AutomationEvent> events;
    QList<AutomationRun> changed; // queued, superseded or skipped, in that order per event
    QStringList notes;
    QStringList problems;
    QString storeError;
    int queued = 0;
    int superseded = 0;
    int skipped = 0;
};

namespace {

/** Blocking: scans, then queues a run (or a skip) for every event that has none yet, and the retries now due. */
void scanAndQueue(const Manifest &manifest, const WatcherOptions &options, const std::atomic_bool *cancel,
                  WatchScan &out)
{
    AutomationStore store(options.historyPath);
    QString error;
    if (!store.open(&error)) {
        out.storeError = error;
        return;
    }
    store.setBackoff(manifest.automation.backoff);
    EventScanner scanner(manifest, &store, options.cacheRoot);
    scanner.setFetch(options.fetch);
    scanner.setFirstRun(manifest.automation.firstRun);
    scanner.setNote([&out](const QString &text) { out.notes << text; });
    const EventScanResult scanned = scanner.scan(cancel);
    out.events = scanned.events;
    out.problems = scanned.problems;
    if (cancel && *cancel)
        return;

    const std::optional<QList<AutomationEvent>> waiting = store.eventsWithoutRun(&error);
    if (!waiting) {
        out.storeError = error;
        return;
    }
    const AutomationPolicy &policy = manifest.automation;
    for (const AutomationEvent &event : *waiting) {
        const BranchSpec *branch = manifest.branch(event.branch);
        const AutomationDecision decision =
            policy.decide(event.kind, event.branch, event.components, branch ? branch->docker : QStringList());
        AutomationRun run;
        run.event = event;
        run.actions = decision.actions;
        run.components = decision.components;
        run.docker = decision.docker;
        if (!policy.enabled || !decision.runs()) {
            const QString why =
                !policy.enabled ? QStringLiteral("automation is disabled (enabled: false)") : decision.why;
            if (!store.skip(run, why, &error)) {
                out.storeError = error;
                return;
            }
            ++out.skipped;
            out.changed << run;
            continue;
        }
        QList<qint64> superseded;
        if (!store.enqueue(run, &error, &superseded)) {
            out.storeError = error;
            return;
        }
        ++out.queued;
        out.changed << run;
        for (qint64 id : std::as_const(superseded)) {
            if (const std::optional<AutomationRun> old = store.run(id, &error)) {
                ++out.superseded;
                out.changed << *old;
            }
        }
    }
    if (policy.enabled) {
        const std::optional<QList<AutomationRun>> retries = store.requeueDue(QDateTime::currentDateTimeUtc(), &error);
        if (!retries) {
            out.storeError = error;
            return;
        }
        out.queued += int(retries->size());
        out.changed << *retries;
    }
}

} // namespace

Watcher::Watcher(Manifest manifest, WatcherOptions options, QObject *parent)
    : QObject(parent), m_manifest(std::move(manifest)), m_options(std::move(options)), m_timer(this)
{
    qRegisterMetaType<AutomationEvent>();
    qRegisterMetaType<AutomationRun>();
    qRegisterMetaType<PipelineUpdate>();
    qRegisterMetaType<WatchCycle>();
    qRegisterMetaType<QList<AutomationRun>>();
    if (m_options.historyPath.isEmpty())
        m_options.historyPath = History::defaultPath();
    if (m_options.cacheRoot.isEmpty())
        m_options.cacheRoot = GitMirror::defaultCacheRoot();
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (!m_paused)
            runOnce();
    });
}

Watcher::~Watcher()
{
    if (m_cancelScan)
        *m_cancelScan = true;
    m_scanThread.stop();
    m_pipeline.reset();
}

int Watcher::intervalSeconds() const
{
    return m_options.intervalSeconds > 0 ? m_options.intervalSeconds : m_manifest.automation.intervalSeconds;
}

bool Watcher::openStore()
{
    if (m_store)
        return true;
    auto store = std::make_unique<AutomationStore>(m_options.historyPath);
    QString error;
    if (!store->open(&error)) {
        m_cycle.storeError = error;
        return false;
    }
    store->setBackoff(m_manifest.automation.backoff);
    m_store = std::move(store);
    return true;
}

void Watcher::readRuns(int limit)
{
    QString error;
    if (!openStore()) {
        Q_EMIT runsRead({}, m_cycle.storeError);
        return;
    }
    const std::optional<QList<AutomationRun>> runs = m_store->runs(limit, &error);
    Q_EMIT runsRead(runs.value_or(QList<AutomationRun>()), error);
}

void Watcher::runOnce()
{
    if (m_running)
        return;
    m_running = true;
    m_cancelled = false;
    m_endAfterPipeline = false;
    m_cycle = WatchCycle{};
    m_resume.clear();
    Q_EMIT cycleStarted();
    const quint64 generation = ++m_generation;
    m_cancelScan = std::make_shared<std::atomic_bool>(false);
    auto result = std::make_shared<WatchScan>();
    QPointer<Watcher> self(this);
    m_scanThread.run([self, generation, result, cancel = m_cancelScan, manifest = m_manifest, options = m_options] {
        scanAndQueue(manifest, options, cancel.get(), *result);
        // Back on the watcher's thread; a result of a cycle that was cancelled meanwhile is dropped there.
        if (self)
            QMetaObject::invokeMethod(
                self,
                [self, generation, result] {
                    if (self && self->m_generation == generation)
                        self->onScanned(result);
                },
                Qt::QueuedConnection);
    });
}

void Watcher::onScanned(const std::shared_ptr<WatchScan> &result)
{
    m_scanThread.stop(); // it has returned
    for (const QString &line : std::as_const(result->notes))
        Q_EMIT note(line);
    for (const QString &line : std::as_const(result->problems))
        Q_EMIT note(line);
    m_cycle.problems << result->problems;
    m_cycle.events = int(result->events.size());
    m_cycle.queued = result->queued;
    m_cycle.superseded = result->superseded;
    m_cycle.skipped = result->skipped;
    for (const AutomationEvent &event : std::as_const(result->events))
        Q_EMIT eventFound(event);
    for (const AutomationRun &run : std::as_const(result->changed))
        Q_EMIT runChanged(run);
    if (!result->storeError.isEmpty()) {
        m_cycle.storeError = result->storeError;
        Q_EMIT note(result->storeError);
        endCycle();
        return;
    }
    if (m_cancelled) {
        endCycle();
        return;
    }
    if (!openStore()) {
        Q_EMIT note(m_cycle.storeError);
        endCycle();
        return;
    }
    // Runs that a dead process left building, testing or pushing go first: they are the oldest.
    QString error;
    if (const std::optional<QList<AutomationRun>> interrupted = m_store->interrupted(&error)) {
        for (const AutomationRun &run : *interrupted) {
            if (m_store->adopt(run.id, &error))
                m_resume << run;
            else
                m_cycle.problems << error;
        }
    } else {
        m_cycle.problems << error;
    }
    runNext();
}

void Watcher::runNext()
{
    if (m_cancelled || m_endAfterPipeline) {
        endCycle();
        return;
    }
    if (!m_manifest.automation.enabled && m_resume.isEmpty()) {
        endCycle();
        return;
    }
    if (!m_resume.isEmpty()) {
        const AutomationRun run = m_resume.takeFirst();
        ++m_cycle.resumed;
        Q_EMIT note(QStringLiteral("run %1 (%2) was left %3 by a process that is gone: resuming it")
                        .arg(run.id)
                        .arg(Pipeline::describe(run.event), runStateName(run.state)));
        Q_EMIT runChanged(run);
        startPipeline(run);
        return;
    }
    QString error;
    const std::optional<AutomationRun> run = m_store->nextQueued(&error);
    if (!run) {
        if (!error.isEmpty())
            m_cycle.problems << error;
        endCycle();
        return;
    }
    Q_EMIT runChanged(*run);
    startPipeline(*run);
}

void Watcher::startPipeline(const AutomationRun &run)
{
    m_pipeline = std::make_unique<Pipeline>(m_manifest, run, m_store.get());
    if (!m_options.logDirectory.isEmpty())
        m_pipeline->setLogDirectory(m_options.logDirectory);
    m_pipeline->setJobs(m_options.jobs);
    m_pipeline->setReviewNamespace(m_manifest.automation.reviewNamespace);
    m_pipeline->setInsecureRegistries(m_options.insecureRegistries);
    connect(m_pipeline.get(), &Pipeline::updated, this, &Watcher::runUpdated);
    connect(m_pipeline.get(), &Pipeline::logLine, this, &Watcher::logLine);
    connect(m_pipeline.get(), &Pipeline::finished, this, &Watcher::onPipelineFinished, Qt::QueuedConnection);
    m_pipeline->start();
}

void Watcher::onPipelineFinished()
{
    if (!m_pipeline)
        return;
    switch (m_pipeline->outcome()) {
    case Pipeline::Outcome::Done:
        ++m_cycle.done;
        break;
    case Pipeline::Outcome::Failed:
        ++m_cycle.failed;
        break;
    case Pipeline::Outcome::Skipped:
        ++m_cycle.skipped;
        break;
    case Pipeline::Outcome::Cancelled:
        m_cycle.cancelled = true;
        break;
    case Pipeline::Outcome::Running:
        break;
    }
    if (!m_pipeline->storeError().isEmpty())
        m_cycle.problems << m_pipeline->storeError();
    m_pipeline.reset();
    runNext();
}

void Watcher::endCycle()
{
    if (!m_running)
        return;
    m_running = false;
    m_cycle.cancelled = m_cycle.cancelled || m_cancelled;
    const WatchCycle cycle = m_cycle;
    if (m_looping && !m_cancelled && !m_paused)
        m_timer.start(intervalSeconds() * 1000);
    Q_EMIT cycleFinished(cycle);
}

void Watcher::start()
{
    m_looping = true;
    if (!m_paused)
        runOnce();
}

void Watcher::stop()
{
    m_looping = false;
    m_timer.stop();
}

void Watcher::pause()
{
    if (m_paused)
        return;
    m_paused = true;
    m_endAfterPipeline = m_running;
    m_timer.stop();
    Q_EMIT pausedChanged(true);
}

void Watcher::resume()
{
    if (!m_paused)
        return;
    m_paused = false;
    m_endAfterPipeline = false;
    Q_EMIT pausedChanged(false);
    if (m_looping && !m_running)
        runOnce();
}

void Watcher::cancel()
{
    m_cancelled = true;
    m_looping = false;
    m_timer.stop();
    if (!m_running)
        return;
    if (m_cancelScan)
        *m_cancelScan = true;
    if (m_pipeline) {
        m_pipeline->cancel(); // its finished() ends the cycle
        return;
    }
    if (m_scanThread.isRunning()) {
        // The scan stops at its next check; its result is dropped.
        ++m_generation;
        m_scanThread.stop();
        endCycle();
    }
}

} // namespace mrc
