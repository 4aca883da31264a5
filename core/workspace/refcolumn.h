// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "git/gittypes.h"
#include "manifest/manifest.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>
#include <optional>

namespace mrc {

class GitMirror;

/** What resolving a ref across the manifest's repositories found. */
struct RefColumnResult
{
    BranchSpec branch;                  // the column to add: name and ref are the ref, docker, basedOn
    QHash<QString, CommitInfo> commits; // repository URL -> the commit the ref names there
    QStringList missing;                // repositories without the ref
    QStringList errors;                 // repositories that could not be read, with why
    QString error;                      // set when no column can be added

    bool ok() const { return error.isEmpty(); }
    /** Components whose repository has the ref, in manifest order. */
    QStringList components(const Manifest &manifest) const;
};

/**
 * A ref column: a tag, a commit or a Gerrit change ref shown and built like a branch. Resolving fetches the ref
 * into every repository's mirror (only what is missing), finds the manifest branch it is based on, and picks
 * its Docker versions. Blocking: the GUI runs it on a worker thread, the CLI calls it directly.
 */
namespace RefColumn {

using ProgressFn = std::function<void(int done, int total, const QString &what)>;

/**
 * `docker` empty: the Docker versions of the branch the ref is based on (the one whose tip is the fewest
 * commits away from the ref), or the newest version of master (else the first branch) when no branch is related.
 */
RefColumnResult resolve(const Manifest &manifest, const QString &ref, const QStringList &docker,
                        const QString &cacheRoot, const std::atomic_bool *cancel = nullptr,
                        const ProgressFn &progress = {});

/** Why `ref` cannot become a column of `manifest` (empty when it can): it is a branch or already a column. */
QString problem(const Manifest &manifest, const QString &ref);

/** The manifest with the column appended (replacing a column of the same ref). */
Manifest withColumn(Manifest manifest, const BranchSpec &column);
/** The manifest without the ref column `ref`; unchanged when there is none. */
Manifest withoutColumn(Manifest manifest, const QString &ref);
/** The ref columns of a manifest, in order. */
QList<BranchSpec> columns(const Manifest &manifest);

/**
 * The commit of a column in one mirror: a branch's tip, or for a ref column its ref as last fetched (no
 * network). Like GitMirror::resolveBranch, nullopt with *error empty when the branch or ref is not there.
 */
std::optional<CommitInfo> commitOf(GitMirror &mirror, const Manifest &manifest, const QString &branch,
                                   QString *error = nullptr);

} // namespace RefColumn

} // namespace mrc
