// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"
#include "threading/jobtracker.h"
#include "threading/workerthread.h"
#include "workspace/cell.h"
#include "workspace/repostatus.h"

#include <QObject>
#include <atomic>
#include <memory>

namespace mrc {

/**
 * The GUI's handle on a manifest: runs WorkspaceScan on its own thread and hands results to the GUI thread
 * through queued signals, each tagged with the scan's job id so that results of a superseded scan are dropped.
 */
class Workspace : public QObject
{
    Q_OBJECT
public:
    explicit Workspace(QObject *parent = nullptr);
    ~Workspace() override;

    void setManifest(const Manifest &manifest);
    const Manifest &manifest() const { return m_manifest; }
    void setCacheRoot(const QString &cacheRoot) { m_cacheRoot = cacheRoot; }
    QString cacheRoot() const;

    /** True while a scan runs, or while one waits for releaseScans(). */
    bool isScanning() const { return m_thread.isRunning() || m_scanHeld; }
    quint64 currentJob() const { return m_jobs.current(); }

    /**
     * Start-up: until releaseScans(), scan() only remembers what was asked (a fetch wins), so that the scan's
     * threads do not compete with the window's first paint; releaseScans() then starts it.
     */
    void holdScans();
    void releaseScans();

public Q_SLOTS:
    /** Starts a scan, cancelling the one running; fetch=true refreshes every mirror. */
    void scan(bool fetch);
    void cancel();

Q_SIGNALS:
    /** A new manifest was set: pages reload what they show. */
    void manifestChanged();
    void scanStarted(quint64 job);
    void enginesProbed(const QList<mrc::EngineStatus> &engines);
    void repoScanned(const mrc::RepoStatus &status);
    void cellsUpdated(const QList<mrc::Cell> &cells);
    void progress(int done, int total, const QString &what);
    void scanFinished(bool cancelled);

private:
    void stopThread();

    Manifest m_manifest;
    QString m_cacheRoot;
    WorkerThread m_thread{QStringLiteral("mrc-scan")};
    std::shared_ptr<std::atomic_bool> m_cancel;
    JobTracker m_jobs{this};
    bool m_holding = false;
    bool m_scanHeld = false;  // scan() was called while holding
    bool m_heldFetch = false; // and one of those calls asked for a fetch
};

} // namespace mrc
