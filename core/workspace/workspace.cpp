// SPDX-License-Identifier: Apache-2.0
#include "workspace/workspace.h"

#include "workspace/cellbatcher.h"
#include "git/gitmirror.h"
#include "workspace/workspacescan.h"

#include <QMetaObject>
#include <QPointer>

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

Workspace::Workspace(QObject *parent)
    : QObject(parent)
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
    if (m_cancel)
        m_cancel->store(true);
}

void Workspace::stopThread()
{
    if (!m_thread)
        return;
    cancel();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    ++m_job; // anything still queued from that thread is now stale
}

void Workspace::scan(bool fetch)
{
    stopThread();
    const quint64 job = ++m_job;
    m_cancel = std::make_shared<std::atomic_bool>(false);

    ScanOptions options;
    options.fetch = fetch;
    options.cacheRoot = cacheRoot();
    auto cancelFlag = m_cancel;
    QPointer<Workspace> self(this);

    // Deliver on the GUI thread, and only while this job is still the current one.
    auto deliver = [self, job](auto &&fn) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, job, fn = std::forward<decltype(fn)>(fn)] {
                if (self && self->m_job == job)
                    fn(self.data());
            },
            Qt::QueuedConnection);
    };

    m_thread = QThread::create([manifest = m_manifest, options, cancelFlag, deliver] {
        WorkspaceScan scan(manifest, options);
        WorkspaceScan::Callbacks callbacks;
        callbacks.engines = [&](const QList<EngineStatus> &engines) {
            deliver([engines](Workspace *w) { Q_EMIT w->enginesProbed(engines); });
        };
        callbacks.repo = [&](const RepoStatus &status) {
            deliver([status](Workspace *w) { Q_EMIT w->repoScanned(status); });
        };
        CellBatcher batcher([&](const QList<Cell> &cells) {
            deliver([cells](Workspace *w) { Q_EMIT w->cellsUpdated(cells); });
        });
        callbacks.cells = [&](const QList<Cell> &cells) { batcher.add(cells); };
        callbacks.progress = [&](int done, int total, const QString &what) {
            deliver([done, total, what](Workspace *w) { Q_EMIT w->progress(done, total, what); });
        };
        scan.run(callbacks, cancelFlag.get());
        batcher.flush();
        const bool cancelled = scan.cancelled();
        deliver([cancelled](Workspace *w) {
            // The thread has ended its work; join it before announcing, so a new scan starts clean.
            if (w->m_thread) {
                w->m_thread->wait();
                delete w->m_thread;
                w->m_thread = nullptr;
            }
            Q_EMIT w->scanFinished(cancelled);
        });
    });
    m_thread->setObjectName(QStringLiteral("mrc-scan"));
    m_thread->start();
    Q_EMIT scanStarted(job);
}

} // namespace mrc
