// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"
#include "workspace/cell.h"
#include "workspace/repostatus.h"

#include <QHash>
#include <QList>
#include <atomic>
#include <functional>

namespace mrc {

struct ScanOptions
{
    bool fetch = false; // fetch every mirror; otherwise only mirrors that do not exist yet are fetched
    QString cacheRoot;  // empty: GitMirror::defaultCacheRoot()
    int engineTimeoutMs = 3000;
    int parallelRepos = 4;
};

/**
 * Fills the matrix: probes the engines, fetches or opens each repository's mirror, and resolves every cell.
 * Blocking; the GUI runs it on a worker thread through Workspace, the CLI calls it directly. Callbacks are
 * serialised (never called concurrently) but may come from pool threads.
 */
class WorkspaceScan
{
public:
    struct Callbacks
    {
        std::function<void(const QList<EngineStatus> &)> engines;
        std::function<void(const RepoStatus &)> repo;
        std::function<void(const QList<Cell> &)> cells; // one batch per component
        std::function<void(int done, int total, const QString &what)> progress;
    };

    WorkspaceScan(Manifest manifest, ScanOptions options);

    /** The grid before anything is known: every cell Unknown, in row-major order. */
    static QList<Cell> initialCells(const Manifest &manifest);
    /** Which engine serves a Docker version, matching at major.minor; nullptr when none. */
    static const EngineStatus *engineFor(const QList<EngineStatus> &engines, const QString &dockerVersion);
    /** Every reachable engine that serves a Docker version (the column's build pool), in manifest order. */
    static QStringList enginesFor(const QList<EngineStatus> &engines, const QString &dockerVersion);

    void run(const Callbacks &callbacks = {}, const std::atomic_bool *cancel = nullptr);

    const QList<EngineStatus> &engines() const { return m_engines; }
    const QList<Cell> &cells() const { return m_cells; }
    const QHash<QString, RepoStatus> &repos() const { return m_repos; }
    bool cancelled() const { return m_cancelled; }

private:
    Manifest m_manifest;
    ScanOptions m_options;
    QList<EngineStatus> m_engines;
    QList<Cell> m_cells;
    QHash<QString, RepoStatus> m_repos;
    bool m_cancelled = false;
};

} // namespace mrc
