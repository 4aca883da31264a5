// SPDX-License-Identifier: Apache-2.0
#include "workspace/refcolumn.h"

#include "git/gitmirror.h"

#include <QMutex>
#include <QMutexLocker>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>
#include <map>
#include <optional>

namespace mrc {

QStringList RefColumnResult::components(const Manifest &manifest) const
{
    QStringList names;
    for (const ComponentSpec &component : manifest.components) {
        if (commits.contains(component.repo))
            names.append(component.name);
    }
    return names;
}

namespace RefColumn {

namespace {

struct RepoResult
{
    QString url;
    std::optional<CommitInfo> commit;
    bool notFound = false;
    QString error;
    QString basedOn; // the closest manifest branch in this repository
    int ahead = -1;  // commits of the ref not on that branch
    int behind = -1;
};

} // namespace

QString problem(const Manifest &manifest, const QString &ref)
{
    const QString r = ref.trimmed();
    if (r.isEmpty())
        return QStringLiteral("no ref given: name a tag, a commit or a ref such as refs/changes/51/558751/1");
    if (const BranchSpec *branch = manifest.branch(r)) {
        if (branch->isRef())
            return QStringLiteral("%1 is already a column").arg(r);
        return QStringLiteral("%1 is a branch of %2: build it with --branch, or name the commit or tag instead")
            .arg(r, manifest.path);
    }
    return {};
}

RefColumnResult resolve(const Manifest &manifest, const QString &ref, const QStringList &docker,
                        const QString &cacheRoot, const std::atomic_bool *cancel, const ProgressFn &progress)
{
    RefColumnResult result;
    const QString r = ref.trimmed();
    result.branch.name = r;
    result.branch.ref = r;
    if (const QString why = problem(manifest, r); !why.isEmpty()) {
        result.error = why;
        return result;
    }
    QList<RepoResult> repos;
    {
        std::map<QString, int> seen;
        for (const ComponentSpec &component : manifest.components) {
            if (seen.emplace(component.repo, 0).second)
                repos.append(RepoResult{component.repo, {}, false, {}, {}, -1, -1});
        }
    }
    QList<const BranchSpec *> branches;
    for (const BranchSpec &branch : manifest.branches) {
        if (!branch.isRef())
            branches.append(&branch);
    }

    QMutex mutex;
    int done = 0;
    const QString root = cacheRoot.isEmpty() ? GitMirror::defaultCacheRoot() : cacheRoot;
    QThreadPool pool;
    pool.setMaxThreadCount(4);
    QtConcurrent::blockingMap(&pool, repos, [&](RepoResult &repo) {
        if (cancel && cancel->load())
            return;
        GitMirror mirror(repo.url, root);
        repo.commit = mirror.fetchRef(r, GitMirror::RefFetch::IfMissing, {}, cancel, &repo.error, &repo.notFound);
        if (repo.commit) {
            // The branch whose tip is closest: fewest commits of the ref not on it, then fewest it lacks.
            for (const BranchSpec *branch : std::as_const(branches)) {
                const auto tip = mirror.resolveBranch(branch->name);
                if (!tip)
                    continue;
                const auto distance = mirror.aheadBehind(repo.commit->sha, tip->sha);
                if (!distance)
                    continue;
                if (repo.basedOn.isEmpty() || distance->first < repo.ahead ||
                    (distance->first == repo.ahead && distance->second < repo.behind)) {
                    repo.basedOn = branch->name;
                    repo.ahead = distance->first;
                    repo.behind = distance->second;
                }
            }
        }
        QMutexLocker lock(&mutex);
        ++done;
        if (progress)
            progress(done, int(repos.size()), repo.url);
    });
    if (cancel && cancel->load()) {
        result.error = QStringLiteral("cancelled while fetching %1").arg(r);
        return result;
    }

    QHash<QString, int> votes;
    for (const RepoResult &repo : std::as_const(repos)) {
        if (repo.commit) {
            result.commits.insert(repo.url, *repo.commit);
            if (!repo.basedOn.isEmpty())
                ++votes[repo.basedOn];
        } else if (repo.notFound) {
            result.missing.append(repo.url);
        } else {
            result.errors.append(repo.error);
        }
    }
    if (result.commits.isEmpty()) {
        if (!result.errors.isEmpty() && result.missing.isEmpty())
            result.error = QStringLiteral("cannot look for %1: %2").arg(r, result.errors.join(QStringLiteral("; ")));
        else
            result.error =
                QStringLiteral("%1 not found in any repository of %2 (looked in %3)%4")
                    .arg(r, manifest.path, result.missing.join(QStringLiteral(", ")),
                         result.errors.isEmpty() ? QString()
                                                 : QStringLiteral("; ") + result.errors.join(QStringLiteral("; ")));
        return result;
    }

    // The branch most repositories agree on; ties go to the manifest's order.
    for (const BranchSpec *branch : std::as_const(branches)) {
        if (votes.value(branch->name) > votes.value(result.branch.basedOn))
            result.branch.basedOn = branch->name;
    }
    if (result.branch.basedOn.isEmpty() && !branches.isEmpty()) {
        const BranchSpec *master = manifest.branch(QStringLiteral("master"));
        result.branch.basedOn = master && !master->isRef() ? master->name : branches.first()->name;
    }
    if (!docker.isEmpty()) {
        for (const QString &version : docker) {
            if (!version.trimmed().isEmpty() && !result.branch.docker.contains(version.trimmed()))
                result.branch.docker.append(version.trimmed());
        }
    } else if (const BranchSpec *based = manifest.branch(result.branch.basedOn)) {
        const bool related = votes.contains(based->name);
        result.branch.docker = related ? based->docker : based->docker.mid(0, 1);
    }
    if (result.branch.docker.isEmpty())
        result.error = QStringLiteral("no Docker version for %1: name one with --docker").arg(r);
    return result;
}

Manifest withColumn(Manifest manifest, const BranchSpec &column)
{
    manifest = withoutColumn(std::move(manifest), column.ref);
    manifest.branches.append(column);
    return manifest;
}

Manifest withoutColumn(Manifest manifest, const QString &ref)
{
    manifest.branches.removeIf([&](const BranchSpec &b) { return b.isRef() && b.ref == ref; });
    return manifest;
}

QList<BranchSpec> columns(const Manifest &manifest)
{
    QList<BranchSpec> refs;
    for (const BranchSpec &branch : manifest.branches) {
        if (branch.isRef())
            refs.append(branch);
    }
    return refs;
}

std::optional<CommitInfo> commitOf(GitMirror &mirror, const Manifest &manifest, const QString &branch, QString *error)
{
    const BranchSpec *spec = manifest.branch(branch);
    if (!spec || !spec->isRef())
        return mirror.resolveBranch(branch, error);
    bool notFound = false;
    auto commit = mirror.fetchRef(spec->ref, GitMirror::RefFetch::Never, {}, nullptr, error, &notFound);
    if (!commit && notFound && error)
        error->clear();
    return commit;
}

} // namespace RefColumn

} // namespace mrc
