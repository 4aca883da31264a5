// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/automationrun.h"
#include "manifest/manifest.h"
#include "sessions/pipeline.h"
#include "threading/workerthread.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <atomic>
#include <memory>

namespace mrc {

class AutomationStore;
struct WatchScan;

struct WatcherOptions
{
    QString historyPath;     // the history database that holds the queue; empty: History::defaultPath()
    QString cacheRoot;       // the git mirrors; empty: the default
    QString logDirectory;    // the stages' logs; empty: the pipeline's default
    bool fetch = true;       // fetch the mirrors before comparing (off: compare with the mirrors as they are)
    int jobs = 2;            // builds and tests at once
    int intervalSeconds = 0; // between cycles of start(); 0: the policy's `interval:`
    QStringList insecureRegistries;
};

/** What one cycle did. */
struct WatchCycle
{
    int events = 0;     // new events the scan found
    int queued = 0;     // runs queued by this cycle (new events and retries after their back-off)
    int superseded = 0; // queued runs that a newer one of the same lane replaced
    int skipped = 0;    // events the policy (or a pipeline that found nothing to do) skipped
    int resumed = 0;    // runs a dead process left unfinished, resumed
    int done = 0;
    int failed = 0;
    bool cancelled = false;
    QStringList problems; // repositories that could not be scanned, a queue that could not be read
    QString storeError;   // the queue itself could not be opened or written: nothing ran

    bool ranAnything() const { return done + failed > 0; }
};

/**
 * The release robot: one cycle scans the manifest's repositories for new commits, release tags and Gerrit
 * patchsets (EventScanner), turns each event into a run by the manifest's `automation:` policy and queues it in the
 * history database (AutomationStore; a newer commit of a lane supersedes a queued older one), then resumes the
 * runs a killed process left unfinished and runs the queued ones one after another, each as a Pipeline.
 *
 * runOnce() runs one cycle; start() runs one now and then one every interval until stop(); pause() lets the
 * running pipeline finish and starts nothing new until resume(). The scan (git fetches, ls-remote) runs on a
 * thread of its own; the pipelines and the store live on the watcher's thread, which needs an event loop: the
 * CLI's main thread, or a worker thread in the window (never the GUI thread). Signals carry values.
 */
class Watcher : public QObject
{
    Q_OBJECT
public:
    Watcher(Manifest manifest, WatcherOptions options, QObject *parent = nullptr);
    ~Watcher() override;

    /** Starts one cycle unless one runs; cycleFinished() when it ends. */
    void runOnce();
    /** A cycle now, then one every interval. */
    void start();
    /** No more cycles after the running one. */
    void stop();
    /** The running pipeline finishes and the cycle ends there; no cycle starts by the interval until resume().
     *  runOnce() still runs one. */
    void pause();
    void resume();
    /** Stops the scan and the running pipeline (which stays resumable) and ends the cycle. */
    void cancel();

    /** Reads the newest @p limit runs of the queue (with their stages); runsRead() hands them over. */
    void readRuns(int limit);

    bool isRunning() const { return m_running; }
    bool isPaused() const { return m_paused; }
    int intervalSeconds() const;
    const Manifest &manifest() const { return m_manifest; }

Q_SIGNALS:
    void cycleStarted();
    /** A line worth telling about the cycle: a repository fetched, a run resumed, a problem. */
    void note(const QString &text);
    void eventFound(const mrc::AutomationEvent &event);
    /** A run was queued, superseded, skipped, or picked up (queued, or left by a dead process). */
    void runChanged(const mrc::AutomationRun &run);
    /** A running pipeline's state changed. */
    void runUpdated(const mrc::PipelineUpdate &update);
    void logLine(qint64 run, const QString &line);
    void cycleFinished(const mrc::WatchCycle &cycle);
    void pausedChanged(bool paused);
    /** What readRuns() read, newest first; @p error says why the queue could not be read. */
    void runsRead(const QList<mrc::AutomationRun> &runs, const QString &error);

private:
    bool openStore();
    void onScanned(const std::shared_ptr<WatchScan> &result);
    void runNext();
    void startPipeline(const AutomationRun &run);
    void onPipelineFinished();
    void endCycle();

    Manifest m_manifest;
    WatcherOptions m_options;
    std::unique_ptr<AutomationStore> m_store; // the watcher's thread only
    WorkerThread m_scanThread{QStringLiteral("WatcherScan")};
    std::shared_ptr<std::atomic_bool> m_cancelScan;
    QList<AutomationRun> m_resume; // interrupted runs of dead processes, adopted, to run first
    std::unique_ptr<Pipeline> m_pipeline;
    QTimer m_timer;
    WatchCycle m_cycle;
    bool m_running = false;
    bool m_looping = false;
    bool m_paused = false;
    bool m_endAfterPipeline = false; // paused while a cycle ran
    bool m_cancelled = false;
    quint64 m_generation = 0;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::WatchCycle)
