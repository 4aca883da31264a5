// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "workspace/cell.h"
#include "engine/enginestatus.h"
#include "manifest/manifest.h"
#include "workspace/repostatus.h"

#include <QObject>
#include <QThread>

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

    bool isScanning() const { return m_thread != nullptr; }
    quint64 currentJob() const { return m_job; }

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
    QThread *m_thread = nullptr;
    std::shared_ptr<std::atomic_bool> m_cancel;
    quint64 m_job = 0;
};

} // namespace mrc
