// SPDX-License-Identifier: Apache-2.0
#include "workspace/workspace.h"

#include "git/gitmirror.h"
#include "workspace/cellbatcher.h"
#include "workspace/workspacescan.h"

namespace mrc {

namespace {
void registerTypes()
{
    static const bool done = [] {
        qRegisterMetaType<Cell>();
        qRegisterMetaType<QList<Cell>>();
        qRegisterMetaType<EngineStatus>();
        qRegisterMetaType<QList<EngineStatus>>();
        qRegisterMetaType<RepoStatus>();
        return true;
    }();
    Q_UNUSED(done);
}
} // namespace

Workspace::Workspace(QObject *parent) : QObject(parent)
{
    registerTypes();
}

Workspace::~Workspace()
{
    stopThread();
}

void Workspace::setManifest(const Manifest &manifest)
{
    stopThread();
    m_manifest = manifest;
    Q_EMIT manifestChanged();
}

QString Workspace::cacheRoot() const
{
    return m_cacheRoot.isEmpty() ? GitMirror::defaultCacheRoot() : m_cacheRoot;
}

void Workspace::cancel()
{
    m_scanHeld = false;
    m_heldFetch = false;
    if (m_cancel)
        m_cancel->store(true);
}

void Workspace::stopThread()
{
    if (!m_thread.isRunning())
        return;
    cancel();
    m_thread.stop();
    m_jobs.invalidate(); // anything still queued from that thread is now stale
}

void Workspace::holdScans()
{
    m_holding = true;
}

void Workspace::releaseScans()
{
    if (!m_holding)
        return;
    m_holding = false;
    if (!m_scanHeld)
        return;
    m_scanHeld = false;
    const bool fetch = m_heldFetch;
    m_heldFetch = false;
    scan(fetch);
}

void Workspace::scan(bool fetch)
{
    if (m_holding) {
        m_scanHeld = true;
        m_heldFetch = m_heldFetch || fetch;
        return;
    }
    stopThread();
    const quint64 job = m_jobs.start();
    m_cancel = std::make_shared<std::atomic_bool>(false);

    ScanOptions options;
    options.fetch = fetch;
    options.cacheRoot = cacheRoot();
    auto cancelFlag = m_cancel;

    // Deliver on the GUI thread, and only while this job is still the current one.
    auto deliver = [this, job](auto &&fn) {
        m_jobs.deliver(job, [this, fn = std::forward<decltype(fn)>(fn)] { fn(this); });
    };

    m_thread.run([manifest = m_manifest, options, cancelFlag, deliver, job] {
        WorkspaceScan scan(manifest, options);
        WorkspaceScan::Callbacks callbacks;
        callbacks.engines = [&](const QList<EngineStatus> &engines) {
            deliver([engines](Workspace *w) { Q_EMIT w->enginesProbed(engines); });
        };
        callbacks.repo = [&](const RepoStatus &status) {
            deliver([status](Workspace *w) { Q_EMIT w->repoScanned(status); });
        };
        CellBatcher batcher(
            [&](const QList<Cell> &cells) { deliver([cells](Workspace *w) { Q_EMIT w->cellsUpdated(cells); }); });
        callbacks.cells = [&](const QList<Cell> &cells) { batcher.add(cells); };
        callbacks.progress = [&](int done, int total, const QString &what) {
            deliver([done, total, what](Workspace *w) { Q_EMIT w->progress(done, total, what); });
        };
        scan.run(callbacks, cancelFlag.get());
        batcher.flush();
        const bool cancelled = scan.cancelled();
        deliver([cancelled, job](Workspace *w) {
            // The thread has ended its work; join it before announcing, so a new scan starts clean.
            w->m_thread.stop();
            w->m_jobs.finish(job);
            Q_EMIT w->scanFinished(cancelled);
        });
    });
    Q_EMIT scanStarted(job);
}

} // namespace mrc
