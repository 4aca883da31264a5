// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"
#include "workspace/cell.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

namespace mrc {

/** Labels that record where an image came from; build avoidance reads them back. */
namespace ImageLabels {
inline constexpr char created[] = "org.opencontainers.image.created";
inline constexpr char title[] = "org.opencontainers.image.title";
inline constexpr char source[] = "org.opencontainers.image.source";
inline constexpr char version[] = "org.opencontainers.image.version";
inline constexpr char revision[] = "org.opencontainers.image.revision";
inline constexpr char licenses[] = "org.opencontainers.image.licenses";
/** The base image's commit: an image is up to date only when its own commit and its base's commit both match. */
inline constexpr char baseRevision[] = "io.github.monasca.mrc.base.revision";
} // namespace ImageLabels

/** One image to build: a cell, where it builds, and exactly what is passed to the engine. */
struct BuildJobSpec
{
    int id = -1; // index in the plan
    Cell cell;   // component, branch, docker, commit
    QString repo;
    QString context;     // folder inside the repo
    QString engine;      // the engine it runs on; in a pool the runner picks it when the job starts
    QStringList engines; // the pool: every reachable engine that serves the cell's Docker version
    QString tag;         // <image>:<branch with / replaced by ->, or <image>:ref-<ref> (refTag)
    QString baseCommit;  // empty for the base itself
    /** A ref column's image: the tag of its base job's image (ref-11.0.0, or the based-on branch's), passed as
     *  BASE_TAG so that it builds FROM the base planned for it, not the Dockerfile's default (the branch's). */
    QString baseTag;
    QString created; // the build's time, date -u +%Y-%m-%dT%H:%M:%SZ (CREATION_TIME, the created label)
    /** The --build-arg values, exactly those of the component's build script (BuildPlan::resolveBuildArgs). */
    QMap<QString, QString> buildArgs;
    bool argsResolved = false;
    QString buildScript; // the script the arguments follow (repo path), or empty for the built-in upstream shape
    QMap<QString, QString> labels;
    QList<int> dependsOn;           // jobs that must be built first (the base of the same column)
    bool addedAsDependency = false; // not selected by the user, needed by a selected cell
};

struct BuildPlan
{
    QList<BuildJobSpec> jobs; // dependencies before dependants
    QStringList problems;     // cells that cannot be planned, with the reason

    /** The local tag for an image and branch: stable/2023.2 → monasca/api:stable-2023.2. */
    static QString localTag(const QString &image, const QString &branch);
    /**
     * The local tag of a ref column's image: refs/changes/51/558751/1 → monasca/api:ref-changes-51-558751-1,
     * 11.0.0 → monasca/api:ref-11.0.0. The "ref-" prefix keeps it apart from every branch tag.
     */
    static QString refTag(const QString &image, const QString &ref);
    /**
     * The labels a build of @p cell carries: title, source, version (the branch), revision, licenses, the base
     * revision when the component has a base, and created when @p created is given (it is the build's time, so
     * an expectation computed before or after the build leaves it out).
     */
    static QMap<QString, QString> expectedLabels(const ComponentSpec &component, const Cell &cell,
                                                 const QString &baseCommit, const QString &created = {});
    /**
     * Plans the selected cells (any state other than Ready is a problem) plus the base cells they need, in
     * dependency order. `cells` is the whole resolved matrix, used to find base cells. In a ref column whose
     * base component's repository lacks the ref, the base is that of the branch the ref is based on
     * (BranchSpec::basedOn), same Docker version: a change to one image is built FROM its branch's base.
     */
    static BuildPlan make(const Manifest &manifest, const QList<Cell> &cells, const QList<Cell> &selected,
                          const QList<EngineStatus> &engines, const QDateTime &now);
    /**
     * When the manifest's lint gate is on, lints each job's image folder at its commit (read from the git
     * mirror under `cacheRoot`) and removes the jobs with an error-level finding, and their dependants, from
     * the plan, each with a problem line that names the finding.
     */
    static void applyLintGate(BuildPlan &plan, const Manifest &manifest, const QString &cacheRoot);
    /**
     * Computes each job's build arguments as the component's own build script on that commit does (BuildArgs),
     * reading the Dockerfile and the script from the git mirror under `cacheRoot`, a stable branch's constraints
     * file from the mirror of `manifest.requirements`, and COMMON_VERSION's commit from the mirror of the
     * monasca-common component. Blocking I/O: run it off the GUI thread. Jobs whose arguments cannot be computed
     * are removed with their dependants, each with a problem line.
     */
    static void resolveBuildArgs(BuildPlan &plan, const Manifest &manifest, const QString &cacheRoot);
    /** The same for one job; false with *error. */
    static bool resolveJobArgs(BuildJobSpec &job, const Manifest &manifest, const QString &cacheRoot, QString *error);
    /** Removes the jobs in `blocked` (id -> problem line) and renumbers the rest; dependants must be included. */
    static void removeJobs(BuildPlan &plan, const QHash<int, QString> &blocked);
};

} // namespace mrc
