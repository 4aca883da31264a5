// SPDX-License-Identifier: Apache-2.0
// GitMirror's ref listings for the watcher: the remote's refs (ls-remote), the mirror's own, what a commit
// changed, and ancestry.
#include "git/gitmirror.h"
#include "git/gitmirrorprivate.h"

#include <QHash>
#include <algorithm>
#include <git2.h>

namespace mrc {

namespace {

struct LsPayload
{
    const std::atomic_bool *cancel = nullptr;
};

int lsSideband(const char *, int, void *payload)
{
    const auto *p = static_cast<LsPayload *>(payload);
    return p->cancel && p->cancel->load() ? -1 : 0;
}

bool hasPrefix(const QString &name, const QStringList &prefixes)
{
    return prefixes.isEmpty() ||
           std::any_of(prefixes.cbegin(), prefixes.cend(), [&](const QString &p) { return name.startsWith(p); });
}

using DiffPtr = Holder<git_diff, git_diff_free>;

} // namespace

std::optional<QList<RefInfo>> GitMirror::remoteRefs(const QStringList &prefixes, const std::atomic_bool *cancel,
                                                    QString *error)
{
    setError(error, QString());
    if (!open(error))
        return std::nullopt;
    RemotePtr remote;
    if (git_remote_lookup(&remote, d->repo.get(), kRemoteName) < 0) {
        setError(error, QStringLiteral("cannot list the refs of %1: %2").arg(displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    LsPayload payload{cancel};
    git_remote_callbacks callbacks = GIT_REMOTE_CALLBACKS_INIT;
    callbacks.sideband_progress = lsSideband;
    callbacks.payload = &payload;
    git_proxy_options proxy = GIT_PROXY_OPTIONS_INIT;
    proxy.type = GIT_PROXY_AUTO;
    if (cancel && cancel->load()) {
        setError(error, QStringLiteral("listing the refs of %1 was cancelled").arg(displayUrl(m_url)));
        return std::nullopt;
    }
    if (git_remote_connect(remote.get(), GIT_DIRECTION_FETCH, &callbacks, &proxy, nullptr) < 0) {
        setError(error, QStringLiteral("cannot list the refs of %1: %2").arg(displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    const git_remote_head **heads = nullptr;
    size_t count = 0;
    if (git_remote_ls(&heads, &count, remote.get()) < 0) {
        setError(error, QStringLiteral("cannot list the refs of %1: %2").arg(displayUrl(m_url), lastGitError()));
        git_remote_disconnect(remote.get());
        return std::nullopt;
    }
    // An annotated tag comes twice: the tag object, then NAME^{} with the commit; the commit wins.
    QList<RefInfo> refs;
    QHash<QString, qsizetype> index;
    for (size_t i = 0; i < count; ++i) {
        QString name = QString::fromUtf8(heads[i]->name);
        const bool peeled = name.endsWith(QLatin1String("^{}"));
        if (peeled)
            name.chop(3);
        if (!hasPrefix(name, prefixes))
            continue;
        const QString sha = oidToString(&heads[i]->oid);
        if (const auto it = index.constFind(name); it != index.constEnd()) {
            if (peeled)
                refs[*it].sha = sha;
            continue;
        }
        index.insert(name, refs.size());
        refs.append({name, sha});
    }
    git_remote_disconnect(remote.get());
    std::sort(refs.begin(), refs.end(), [](const RefInfo &a, const RefInfo &b) { return a.name < b.name; });
    return refs;
}

std::optional<QList<RefInfo>> GitMirror::localRefs(const QString &prefix, QString *error)
{
    setError(error, QString());
    if (!open(error))
        return std::nullopt;
    git_reference_iterator *iterator = nullptr;
    const QByteArray glob = (prefix + QLatin1Char('*')).toUtf8();
    if (git_reference_iterator_glob_new(&iterator, d->repo.get(), glob.constData()) < 0) {
        setError(error, QStringLiteral("cannot read the refs of %1: %2").arg(displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    QList<RefInfo> refs;
    git_reference *ref = nullptr;
    int rc = 0;
    while ((rc = git_reference_next(&ref, iterator)) == 0) {
        ObjectPtr commit;
        const QString name = QString::fromUtf8(git_reference_name(ref));
        // A ref that is no commit (a tag of a tree) is not something to build.
        if (git_reference_peel(&commit, ref, GIT_OBJECT_COMMIT) == 0)
            refs.append({name, oidToString(git_object_id(commit.get()))});
        git_reference_free(ref);
    }
    git_reference_iterator_free(iterator);
    if (rc != GIT_ITEROVER) {
        setError(error, QStringLiteral("cannot read the refs of %1: %2").arg(displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    std::sort(refs.begin(), refs.end(), [](const RefInfo &a, const RefInfo &b) { return a.name < b.name; });
    return refs;
}

std::optional<QStringList> GitMirror::changedPaths(const QString &from, const QString &to, QString *error)
{
    setError(error, QString());
    if (!open(error))
        return std::nullopt;
    const auto lookupCommit = [&](const QString &sha, git_commit **commit) {
        git_oid oid;
        if (!isHexSha(sha, GIT_OID_HEXSZ) || git_oid_fromstr(&oid, sha.toLatin1().constData()) < 0 ||
            git_commit_lookup(commit, d->repo.get(), &oid) < 0) {
            setError(error, QStringLiteral("commit %1 is not in the mirror of %2").arg(sha, displayUrl(m_url)));
            return false;
        }
        return true;
    };
    CommitPtr toCommit;
    if (!lookupCommit(to, &toCommit))
        return std::nullopt;
    CommitPtr fromCommit;
    if (!from.isEmpty()) {
        if (!lookupCommit(from, &fromCommit))
            return std::nullopt;
    } else if (git_commit_parentcount(toCommit.get()) > 0 && git_commit_parent(&fromCommit, toCommit.get(), 0) < 0) {
        setError(error, QStringLiteral("the parent of %1 is not in the mirror of %2").arg(to, displayUrl(m_url)));
        return std::nullopt;
    }
    TreePtr toTree;
    TreePtr fromTree;
    DiffPtr diff;
    if (git_commit_tree(&toTree, toCommit.get()) < 0 ||
        (fromCommit.get() && git_commit_tree(&fromTree, fromCommit.get()) < 0) ||
        git_diff_tree_to_tree(&diff, d->repo.get(), fromTree.get(), toTree.get(), nullptr) < 0) {
        setError(error,
                 QStringLiteral("cannot compare %1 with %2 in %3: %4")
                     .arg(from.isEmpty() ? QStringLiteral("its parent") : from, to, displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    QStringList paths;
    const size_t deltas = git_diff_num_deltas(diff.get());
    for (size_t i = 0; i < deltas; ++i) {
        const git_diff_delta *delta = git_diff_get_delta(diff.get(), i);
        paths << QString::fromUtf8(delta->new_file.path);
        if (delta->old_file.path && qstrcmp(delta->old_file.path, delta->new_file.path) != 0)
            paths << QString::fromUtf8(delta->old_file.path);
    }
    paths.sort();
    paths.removeDuplicates();
    return paths;
}

std::optional<bool> GitMirror::contains(const QString &commit, const QString &ancestor, QString *error)
{
    setError(error, QString());
    if (!open(error))
        return std::nullopt;
    git_oid commitOid;
    git_oid ancestorOid;
    if (!isHexSha(commit, GIT_OID_HEXSZ) || !isHexSha(ancestor, GIT_OID_HEXSZ) ||
        git_oid_fromstr(&commitOid, commit.toLatin1().constData()) < 0 ||
        git_oid_fromstr(&ancestorOid, ancestor.toLatin1().constData()) < 0) {
        setError(error, QStringLiteral("'%1' or '%2' is not a full commit id").arg(commit, ancestor));
        return std::nullopt;
    }
    if (git_oid_equal(&commitOid, &ancestorOid))
        return true;
    const int rc = git_graph_descendant_of(d->repo.get(), &commitOid, &ancestorOid);
    if (rc < 0) {
        setError(error, QStringLiteral("cannot tell whether %1 contains %2 in %3: %4")
                            .arg(commit, ancestor, displayUrl(m_url), lastGitError()));
        return std::nullopt;
    }
    return rc == 1;
}

} // namespace mrc
