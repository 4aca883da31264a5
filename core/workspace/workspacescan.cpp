// SPDX-License-Identifier: Apache-2.0
#include "workspace/workspacescan.h"

#include "engine/engineprobe.h"
#include "git/gitmirror.h"
#include "lint/linter.h"
#include "lint/lintsetup.h"
#include "workspace/fleetlint.h"

#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <map>

namespace mrc {

namespace {

QString majorMinorOf(const QString &version)
{
    const QStringList parts = version.split(QLatin1Char('.'));
    return parts.size() >= 2 ? parts[0] + QLatin1Char('.') + parts[1] : version;
}

QString folderOf(const QString &context)
{
    QString folder = context;
    while (folder.endsWith(QLatin1Char('/')))
        folder.chop(1);
    return folder.isEmpty() ? QStringLiteral(".") : folder;
}

// One repository and the manifest rows that read from it; agent's three images share one.
struct RepoTask
{
    QString url;
    QList<int> rows;
};

} // namespace

WorkspaceScan::WorkspaceScan(Manifest manifest, ScanOptions options)
    : m_manifest(std::move(manifest)), m_options(std::move(options))
{
    if (m_options.cacheRoot.isEmpty())
        m_options.cacheRoot = GitMirror::defaultCacheRoot();
}

QList<Cell> WorkspaceScan::initialCells(const Manifest &manifest)
{
    const auto columns = manifest.columns();
    QList<Cell> cells;
    cells.reserve(manifest.components.size() * columns.size());
    for (int row = 0; row < manifest.components.size(); ++row) {
        const ComponentSpec &component = manifest.components[row];
        for (int column = 0; column < columns.size(); ++column) {
            Cell cell;
            cell.row = row;
            cell.column = column;
            cell.component = component.name;
            cell.image = component.image;
            cell.branch = columns[column].first;
            cell.docker = columns[column].second;
            cells.append(cell);
        }
    }
    return cells;
}

const EngineStatus *WorkspaceScan::engineFor(const QList<EngineStatus> &engines, const QString &dockerVersion)
{
    const QString wanted = majorMinorOf(dockerVersion);
    for (const EngineStatus &engine : engines) {
        if (engine.reachable && engine.majorMinor() == wanted)
            return &engine;
    }
    return nullptr;
}

QStringList WorkspaceScan::enginesFor(const QList<EngineStatus> &engines, const QString &dockerVersion)
{
    const QString wanted = majorMinorOf(dockerVersion);
    QStringList names;
    for (const EngineStatus &engine : engines) {
        if (engine.reachable && engine.majorMinor() == wanted)
            names.append(engine.name);
    }
    return names;
}

void WorkspaceScan::run(const Callbacks &callbacks, const std::atomic_bool *cancel)
{
    QMutex callbackMutex;
    auto isCancelled = [cancel] { return cancel && cancel->load(); };

    m_cells = initialCells(m_manifest);
    const auto columns = m_manifest.columns();

    std::map<QString, RepoTask> byUrl;
    for (int row = 0; row < m_manifest.components.size(); ++row) {
        RepoTask &task = byUrl[m_manifest.components[row].repo];
        task.url = m_manifest.components[row].repo;
        task.rows.append(row);
    }
    QList<RepoTask> tasks;
    for (auto &[url, task] : byUrl)
        tasks.append(task);

    const int total = int(m_manifest.engines.size() + tasks.size());
    int done = 0;
    auto report = [&](const QString &what) {
        QMutexLocker lock(&callbackMutex);
        ++done;
        if (callbacks.progress)
            callbacks.progress(done, total, what);
    };

    // Engines first: a cell's state depends on them, and probing is quick.
    const int timeout = m_options.engineTimeoutMs;
    m_engines = QtConcurrent::blockingMapped<QList<EngineStatus>>(
        m_manifest.engines, [timeout](const EngineSpec &spec) { return EngineProbe::probe(spec, timeout); });
    done = int(m_engines.size());
    if (callbacks.engines)
        callbacks.engines(m_engines);
    if (callbacks.progress)
        callbacks.progress(done, total, QStringLiteral("engines probed"));

    QThreadPool pool;
    pool.setMaxThreadCount(qMax(1, m_options.parallelRepos));
    QMutex resultMutex;

    auto scanRepo = [&](const RepoTask &task) {
        if (isCancelled())
            return;
        GitMirror mirror(task.url, m_options.cacheRoot);
        RepoStatus status;
        status.url = task.url;
        status.mirrorPath = mirror.path();
        if (m_options.fetch || !mirror.exists()) {
            QString error;
            status.fetched = mirror.fetch({}, cancel, &error);
            if (!status.fetched)
                status.fetchError = error;
        }
        status.available = mirror.exists();
        status.lastFetched = mirror.lastFetched();

        QList<Cell> batch;
        const Linter linter = LintSetup::make(m_manifest.lint);
        QHash<QString, QPair<int, int>> lintCounts; // commit + context -> errors, warnings: each is linted once
        // A ref column's ref, fetched on demand once per repository: the commit, or why there is none.
        struct RefLookup
        {
            std::optional<CommitInfo> commit;
            bool notFound = false;
            QString error;
        };
        QHash<QString, RefLookup> refs;
        for (int row : task.rows) {
            const ComponentSpec &component = m_manifest.components[row];
            const QString folder = folderOf(component.context);
            for (int column = 0; column < columns.size(); ++column) {
                Cell cell = m_cells[row * columns.size() + column];
                if (!status.available) {
                    cell.state = CellState::Error;
                    cell.message = status.fetchError.isEmpty()
                                       ? QStringLiteral("no mirror of %1 and nothing cached").arg(task.url)
                                       : status.fetchError + QStringLiteral("; nothing cached");
                    batch.append(cell);
                    continue;
                }
                QString error;
                std::optional<CommitInfo> commit;
                const BranchSpec *branchSpec = m_manifest.branch(cell.branch);
                if (branchSpec && branchSpec->isRef()) {
                    if (!refs.contains(branchSpec->ref)) {
                        RefLookup lookup;
                        // Adding the column fetched the ref where it exists (RefColumn::resolve): a rescan reads
                        // the mirror only. A fetching scan has just fetched branches and tags; other full ref
                        // names (a change) are fetched again.
                        const QString &ref = branchSpec->ref;
                        const bool ownRefspec = ref.startsWith(QLatin1String("refs/")) &&
                                                !ref.startsWith(QLatin1String("refs/heads/")) &&
                                                !ref.startsWith(QLatin1String("refs/tags/"));
                        lookup.commit = mirror.fetchRef(ref,
                                                        m_options.fetch && ownRefspec ? GitMirror::RefFetch::Always
                                                                                      : GitMirror::RefFetch::Never,
                                                        {}, cancel, &lookup.error, &lookup.notFound);
                        refs.insert(branchSpec->ref, lookup);
                    }
                    const RefLookup &lookup = refs[branchSpec->ref];
                    commit = lookup.commit;
                    if (!commit) {
                        // Not in this repository: a change or a commit lives in one repository only.
                        cell.state = lookup.notFound ? CellState::NoBranch : CellState::Error;
                        cell.message = lookup.error;
                        batch.append(cell);
                        continue;
                    }
                } else {
                    commit = mirror.resolveBranch(cell.branch, &error);
                }
                if (!commit) {
                    cell.state = error.isEmpty() ? CellState::NoBranch : CellState::Error;
                    cell.message = error.isEmpty()
                                       ? QStringLiteral("branch %1 does not exist in %2").arg(cell.branch, task.url)
                                       : error;
                    batch.append(cell);
                    continue;
                }
                cell.commit = commit->sha;
                cell.author = commit->author;
                cell.commitDate = commit->date;
                cell.subject = commit->subject;
                const QString stale = status.staleText();
                const bool hasFolder = mirror.hasFolder(commit->sha, folder);
                if (hasFolder) {
                    const QString key = commit->sha + QLatin1Char('\n') + component.context;
                    if (!lintCounts.contains(key)) {
                        const FleetLint::Result lint =
                            FleetLint::lintCommit(m_manifest, component.name, cell.branch, commit->sha, mirror, linter);
                        QPair<int, int> counts;
                        for (const LintFinding &finding : lint.findings) {
                            counts.first += finding.severity == LintSeverity::Error ? 1 : 0;
                            counts.second += finding.severity == LintSeverity::Warning ? 1 : 0;
                        }
                        lintCounts.insert(key, counts);
                    }
                    cell.lintErrors = lintCounts.value(key).first;
                    cell.lintWarnings = lintCounts.value(key).second;
                }
                if (!hasFolder) {
                    cell.state = CellState::NoContext;
                    cell.message = QStringLiteral("folder %1/ is missing at %2").arg(folder, commit->shortSha());
                } else if (const EngineStatus *engine = engineFor(m_engines, cell.docker)) {
                    cell.state = CellState::Ready;
                    cell.message = QStringLiteral("%1 at %2, engine %3 (Docker %4)")
                                       .arg(cell.branch, commit->shortSha(), engine->name, engine->version);
                } else {
                    cell.state = CellState::NoEngine;
                    cell.message = QStringLiteral("no reachable engine runs Docker %1").arg(cell.docker);
                }
                if (!stale.isEmpty())
                    cell.message += QStringLiteral(" (%1: %2)").arg(stale, status.fetchError);
                batch.append(cell);
            }
        }
        {
            QMutexLocker lock(&resultMutex);
            m_repos.insert(task.url, status);
            for (const Cell &cell : std::as_const(batch))
                m_cells[cell.row * columns.size() + cell.column] = cell;
        }
        {
            QMutexLocker lock(&callbackMutex);
            if (callbacks.repo)
                callbacks.repo(status);
            if (callbacks.cells)
                callbacks.cells(batch);
        }
        report(task.url);
    };

    QtConcurrent::blockingMap(&pool, tasks, scanRepo);
    m_cancelled = isCancelled();
}

} // namespace mrc
