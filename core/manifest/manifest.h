// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/automationpolicy.h"
#include "manifest/manifestproblem.h"

#include <QDate>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

namespace mrc {

/** A 1-based line and column in the manifest file; 0 means "not from the file" (a default). */
struct SourcePos
{
    int line = 0;
    int column = 0;
};

struct TlsSpec
{
    QString ca;
    QString cert;
    QString key;
    bool isEmpty() const { return ca.isEmpty() && cert.isEmpty() && key.isEmpty(); }
};

struct RegistrySpec
{
    QString host = QStringLiteral("docker.io");
    QString ns = QStringLiteral("monasca");
};

struct EngineSpec
{
    QString name;
    QString host; // unix:///path, tcp://host:port or ssh://user@host
    TlsSpec tls;
    SourcePos pos;
    QString context; // the Docker context it came from (`context:`), which gave host and tls; empty: none
    int jobs = 0;    // builds at once on this engine (`jobs:`); 0: the run's --jobs
};

struct BranchSpec
{
    QString name;
    QStringList docker; // Docker engine versions ("28.2", "27.5", ...), newest first
    SourcePos pos;
    /**
     * Set on a ref column, a pseudo-branch added at run time (`mrc build --ref`, Build Ref…), never read from a
     * file: a tag, a sha or a ref such as refs/changes/51/558751/1, fetched on demand. Its name is the ref too.
     */
    QString ref;
    /** For a ref column: the manifest branch it is based on, whose base images it builds FROM when its own
     *  base component lacks the ref. */
    QString basedOn;

    bool isRef() const { return !ref.isEmpty(); }

    // Default member initializers keep aggregate initialisations that stop at `basedOn` warning-free.
    QList<SourcePos> dockerPos{}; // where each of `docker` is written
    /** `frozen:` the day a stable branch was cut, when release.yaml's git history cannot tell. */
    QDate frozen{};
    SourcePos frozenPos{};
    /** `publish_docker:` the Docker version whose image is published; empty: the newest of `docker`. */
    QString publishDocker{};
    SourcePos publishDockerPos{};
};

/** One container test of a cell's image (`tests:` of a component) or a workspace-level stack (`stacks:`). */
struct TestSpec
{
    enum class Kind
    {
        Run,
        Health,
        Stack
    };
    QString name;
    Kind kind = Kind::Run;
    // run: the command, run with `sh -c` in a new container of the image (empty: the image's CMD)
    QString command;
    QString expect;                           // run: a regular expression the output must match; empty: any output
    QString network = QStringLiteral("none"); // run: the container's network mode
    int timeoutSeconds = 60;
    // stack
    QString compose;                 // path of the compose file in the component's repository at the cell's commit
    QString composeFile;             // or a file on disk (relative to the manifest), when given instead of `compose`
    QString component;               // stacks: the component whose repository holds the compose file and whose cell
                                     // records the result; tests: the owning component
    QMap<QString, QString> services; // compose service -> component whose freshly built image it runs
    QString probe;      // stack: the smoke command, run with `sh -c` in a probe container on the stack's network
    QString probeImage; // stack: the component whose image runs the probe; empty: the cell's own
    SourcePos pos;

    static QString kindName(Kind kind);
};

struct ComponentSpec
{
    QString name;
    QString image;   // monasca/api
    QString repo;    // git URL
    QString context; // folder inside the repo, "docker" or "docker/collector"
    QString base;    // name of the component this image is built FROM, or empty
    QList<TestSpec> tests;
    SourcePos pos;
};

/** The optional `lint:` section: whether lint errors block builds, and per-rule severity overrides. */
struct LintSpec
{
    bool gate = true;
    QHash<QString, QString> severity; // rule id -> "error", "warning", "info" or "off"
    // Rule id -> where the manifest names it (no message). The manifest checks an id's form only; lint knows its
    // rules and reports an unknown one there (LintRule::unknownIn).
    QHash<QString, ManifestProblem> severityPlace;
};

/**
 * The optional `tags:` section: which of the five tag kinds a push creates. A release tag is each git tag
 * that is a release version and points at the built commit; `latest` follows the highest release; the branch
 * tag is the branch's series name (master, stable/2023.2 → 2023.2); `sha-<7>` names every commit.
 */
struct TagsSpec
{
    bool release = true;
    bool latest = true;
    bool branch = true;
    bool sha = true;
    /** A git tag counts as a release when it matches this pattern (a semantic-style version by default). */
    QString releasePattern = QStringLiteral("^v?[0-9]+(\\.[0-9]+)*((a|b|rc)[0-9]+)?$");
};

struct Manifest
{
    int version = 1;
    QString path; // the file it came from, or ":/mrc/default-release.yaml"
    RegistrySpec registry;
    QList<EngineSpec> engines;
    QList<BranchSpec> branches;
    QList<ComponentSpec> components;
    LintSpec lint;
    TagsSpec tags;
    /** The requirements repository whose upper-constraints.txt the build scripts read (`requirements:`). */
    QString requirements = QStringLiteral("https://opendev.org/openstack/requirements");
    SourcePos requirementsPos;
    QList<TestSpec> stacks; // workspace-level stack tests; each names its `component`
    /** `docker_releases:` the supported Docker release series, newest first; empty: the engines' versions. */
    QStringList dockerReleases;
    SourcePos dockerReleasesPos;
    /** `automation:` what `mrc watch` does with new commits, tags and Gerrit changes. */
    AutomationPolicy automation;

    const ComponentSpec *component(const QString &name) const;
    const BranchSpec *branch(const QString &name) const;
    /** The component's own tests, then the workspace stacks that it holds. */
    QList<TestSpec> testsFor(const QString &component) const;
    /** The (branch, docker version) pairs in the order the matrix shows them. */
    QList<QPair<QString, QString>> columns() const;
};

} // namespace mrc
