// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "git/gittypes.h"

#include <QByteArray>
#include <QDateTime>
#include <QPair>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace mrc {

/**
 * A bare mirror of one remote repository in the cache folder. Blocking calls: run them off the GUI thread.
 * Each instance opens its own libgit2 repository handle, so use one instance per thread.
 */
class GitMirror
{
public:
    using ProgressFn = std::function<void(const FetchProgress &)>;

    GitMirror(const QString &url, const QString &cacheRoot);
    ~GitMirror();
    GitMirror(const GitMirror &) = delete;
    GitMirror &operator=(const GitMirror &) = delete;

    /** The default cache root: $XDG_CACHE_HOME/mrc/mirrors. */
    static QString defaultCacheRoot();
    /** The mirror's folder for a URL: a readable, collision-free name under the cache root. */
    static QString mirrorPathFor(const QString &url, const QString &cacheRoot);

    QString url() const { return m_url; }
    QString path() const { return m_path; }
    bool exists() const;
    /** When the last successful fetch finished; invalid when never fetched. */
    QDateTime lastFetched() const;

    /**
     * Creates the mirror if needed and fetches all branches and tags, pruning those deleted upstream.
     * `progress` (may be empty) runs on the calling thread; `cancel` (may be null) is polled at each report.
     * False with *error on failure or cancel: the mirror keeps what it had, a failed first fetch leaves no folder.
     */
    bool fetch(const ProgressFn &progress, const std::atomic_bool *cancel, QString *error);

    /** refs/heads/<branch> of the mirror, or nullopt when the branch does not exist. */
    std::optional<CommitInfo> resolveBranch(const QString &branch, QString *error = nullptr);
    /** Any ref, tag, branch or sha. */
    std::optional<CommitInfo> resolve(const QString &ref, QString *error = nullptr);
    QList<TagInfo> tags(QString *error = nullptr);

    /** When fetchRef goes to the remote: never (the mirror as last fetched), only when the ref is not in the
     *  mirror, or every time. */
    enum class RefFetch
    {
        Never,
        IfMissing,
        Always
    };
    /**
     * Resolves any ref to a commit, fetching it on demand: a tag or branch name, a full or abbreviated sha, or a
     * full ref name such as a Gerrit change (`refs/changes/51/558751/1`) that the mirror's own refspecs do not
     * fetch. Such a ref is fetched alone into refs/mrc/fetched/...; names and shas the mirror lacks make it fetch
     * its branches and tags first. Creates the mirror when it does not exist. False with *error ("REF not found
     * at URL", or why the remote could not be read); *notFound (may be null) tells the two apart.
     */
    std::optional<CommitInfo> fetchRef(const QString &ref, RefFetch mode, const ProgressFn &progress,
                                       const std::atomic_bool *cancel, QString *error, bool *notFound = nullptr);
    /** Where fetchRef keeps a full ref name outside refs/heads and refs/tags: refs/mrc/fetched/changes/... */
    static QString fetchedRefName(const QString &ref);
    /** Commits of `commit` not in `upstream` (ahead) and of `upstream` not in `commit` (behind); nullopt when
     *  either is unknown or the two share no history. */
    std::optional<QPair<int, int>> aheadBehind(const QString &commit, const QString &upstream);

    /**
     * The refs the remote has now (git ls-remote on the mirror's origin), those whose names start with one of
     * @p prefixes ("refs/changes/"); all when empty. An annotated tag comes peeled to its commit. Creates
     * nothing: the mirror must exist (fetch() first). False with *error when the remote cannot be read.
     */
    std::optional<QList<RefInfo>> remoteRefs(const QStringList &prefixes, const std::atomic_bool *cancel,
                                             QString *error);
    /** The mirror's own refs below @p prefix ("refs/heads/", "refs/tags/"), tags peeled to their commits. */
    std::optional<QList<RefInfo>> localRefs(const QString &prefix, QString *error);
    /**
     * The paths (files, relative to the repository root) that differ between the trees of @p from and @p to.
     * @p from empty: @p to's first parent (every file of a root commit). Sorted; nullopt with *error when either
     * commit is not in the mirror.
     */
    std::optional<QStringList> changedPaths(const QString &from, const QString &to, QString *error);
    /** True when @p ancestor is @p commit or reachable from it; nullopt with *error when either is unknown. */
    std::optional<bool> contains(const QString &commit, const QString &ancestor, QString *error);

    /** True when `folder` exists as a tree at `commit`. */
    bool hasFolder(const QString &commit, const QString &folder);
    /**
     * Entries below `folder` at `commit`, recursively, sorted by path; nullopt when the folder is missing.
     * Here and in readFile, a missing path leaves *error empty; a bad commit or a broken mirror sets it.
     */
    std::optional<QList<TreeEntry>> listTree(const QString &commit, const QString &folder, QString *error = nullptr);
    /** The blob at `path` (relative to the repository root) at `commit`; nullopt when missing. */
    std::optional<QByteArray> readFile(const QString &commit, const QString &path, QString *error = nullptr);

private:
    bool open(QString *error);
    /** Clones into a temporary sibling and renames it into place, replacing a damaged mirror. */
    bool cloneFresh(const ProgressFn &progress, const std::atomic_bool *cancel, QString *error);
    std::optional<CommitInfo> lookupLocal(const QString &ref, QString *error, bool *ambiguous);

    struct Private;
    std::unique_ptr<Private> d; // NOLINT(readability-identifier-naming): the d-pointer, as in Qt
    QString m_url;
    QString m_path;
};

} // namespace mrc
