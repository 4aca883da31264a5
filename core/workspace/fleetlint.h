// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "lint/lintfinding.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <atomic>

namespace mrc {

class GitMirror;
class Linter;
struct Manifest;

/** Lints every component of a manifest at one branch, reading the git mirrors (no checkout). Blocking. */
class FleetLint
{
public:
    struct Result
    {
        QString component;
        QString branch;
        QString commit;
        QString dockerfilePath; // "component@branch:docker/Dockerfile", the name the findings carry
        QByteArray dockerfile;  // for the viewer
        QList<LintFinding> findings;
        QString error; // the branch or folder is missing, the mirror is broken, ...
    };

    /**
     * `components` empty means all. A mirror that does not exist yet is fetched when `fetchMissing`.
     * `cancel` (may be null) is polled between components.
     */
    static QList<Result> run(const Manifest &manifest, const QString &branch, const QString &cacheRoot,
                             const Linter &linter, const QStringList &components = {}, bool fetchMissing = true,
                             const std::atomic_bool *cancel = nullptr);

    /** Lints one component at a known commit of an existing mirror; the findings carry `dockerfilePath`. */
    static Result lintCommit(const Manifest &manifest, const QString &component, const QString &branch,
                             const QString &commit, GitMirror &mirror, const Linter &linter);
};

} // namespace mrc
