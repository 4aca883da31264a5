// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

class QIODevice;

namespace mrc {

class GitMirror;

/**
 * Writes a build context as a tar stream straight from git objects: the `folder` of `commit`, with no checkout.
 * Entries are relative to the folder, in path order, with the commit's time as their mtime so that the same
 * commit always gives the same bytes. A symlink whose target leaves the folder is refused.
 */
class ContextTar
{
public:
    static bool write(GitMirror &mirror, const QString &commit, const QString &folder, QIODevice *out, QString *error,
                      const QDateTime &mtime = {});

    /**
     * Where a symlink at `linkPath` (relative to the context) pointing at `target` lands; empty when it leaves.
     * `links` holds the context's other symlinks (path -> target), followed when a step lands on one.
     */
    static QString resolveInside(const QString &linkPath, const QString &target,
                                 const QHash<QString, QString> &links = {});
};

} // namespace mrc
