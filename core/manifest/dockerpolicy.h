// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"
#include "manifest/manifestproblem.h"

#include <QDate>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace mrc {

/**
 * The Docker version policy of the release spec: master builds with the three newest supported versions, and a
 * stable branch stays at (or below) the versions master had when the branch was cut.
 */
class DockerPolicy
{
public:
    /** What release.yaml's git history says: master's versions per commit, and when each branch first appeared. */
    struct History
    {
        struct Revision
        {
            QDateTime date;
            QStringList masterDocker;
            QStringList branches;
        };
        QList<Revision> revisions; // oldest first
    };

    /** The supported series: `docker_releases:`, else the major.minor versions the engines run, newest first. */
    static QStringList releases(const Manifest &manifest, const QStringList &engineVersions);
    /** Reads the history of the manifest file with git; nullopt when the file is not in a git work tree. */
    static std::optional<History> history(const QString &manifestPath);
    /**
     * The policy findings, each with the manifest's file, line and column. `history` may be null: then a stable
     * branch's cut is its `frozen:` date, and a version first released after that day is one master cannot have
     * had.
     */
    static ManifestProblems check(const Manifest &manifest, const QStringList &engineVersions, const History *history);
    /** <0, 0, >0 as version @p a is older than, equal to, newer than @p b (numeric parts). */
    static int compareVersions(const QString &a, const QString &b);
    /** The first release day of a Docker series ("26.1"), when the console knows it. */
    static std::optional<QDate> releaseDate(const QString &series);
};

} // namespace mrc
