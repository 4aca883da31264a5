// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"
#include "publish/labeldiff.h"
#include "publish/tagplan.h"
#include "workspace/cell.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

class EngineClient;
class RegistryClient;

/** A cell that can be published: the image on its engine and what the registry should say about it. */
struct PublishCandidate
{
    Cell cell;
    QString engine;     // name of the engine that holds the image
    QString localTag;   // monasca/api:master
    QString repository; // registry path: monasca/api
    QString imageId;
    /** The engine's RepoDigests of the image ("host/repo@sha256:…"): manifests known to hold exactly this image. */
    QStringList repoDigests;
    Labels labels;      // of the local image
    QString baseCommit; // the base cell's commit, for the base revision check
    QString release;    // a release tag's column: the tag (its image is IMAGE:ref-TAG)
    QString change;     // a Gerrit change's column: its change-NUMBER-PATCHSET tag (image IMAGE:ref-changes-...)
};

/** The plans of the cells one engine serves, and how to reach that engine for the push. */
struct EnginePlans
{
    EngineSpec engine;
    QString apiVersion;
    QList<CellTagPlan> plans;
};

/**
 * Turns selected cells into tag plans (blocking: for the CLI and worker threads; both clients must live on the
 * calling thread). Per component and branch one image is published, the one built with the branch's publish
 * version (planAll), since every Docker column of a branch would name the same tags. A cell is only planned when its
 * image exists on its engine and was built from the cell's commit (and base commit); otherwise a problem says what to
 * run.
 */
class PublishPlanner
{
public:
    enum class Failure
    {
        None,
        Unreachable,
        Authentication,
        Quota, // the registry's pull quota (RateLimit-Remaining) would be crossed: stopped before it
        Other
    };

    PublishPlanner(const Manifest &manifest, const QString &cacheRoot);

    /** Gerrit change columns are planned too, each as its change-NUMBER-PATCHSET tag only (the automation's
     *  review pushes); by default every ref column but a release tag's is refused. */
    void setPublishChanges(bool publish) { m_publishChanges = publish; }

    /** The registry path of a component's image: namespace + the image's last path part. */
    QString repositoryOf(const ComponentSpec &component) const;

    /** Finds the selected cells' images on @p engine (cells served by other engines are left out). */
    QList<PublishCandidate> candidates(const QList<Cell> &allCells, const QList<Cell> &selected,
                                       const QString &engineName, EngineClient &engine, QStringList *problems) const;

    /**
     * The plan of each candidate against the registry's current tags. Stops at a registry failure.
     *
     * Polite to Docker Hub, where a manifest GET counts against the pull limit and a HEAD does not: each tag is
     * asked with a HEAD (its digest). The image a digest names is the candidate's when the engine lists that digest
     * in the image's RepoDigests (manifests are content-addressed, so the host does not matter), else what an
     * earlier GET of that digest said in this process; only an unknown digest costs a GET, and only when the
     * registry's RateLimit-Remaining covers them all (Failure::Quota otherwise, with "N pulls left of M ...").
     */
    QList<CellTagPlan> plan(const QList<PublishCandidate> &candidates, RegistryClient &registry, QStringList *problems,
                            Failure *failure) const;

    struct Result
    {
        QList<EnginePlans> engines;       // reachable engines that serve a selected cell
        QHash<QString, QString> dockerOf; // component@branch -> the Docker version published
        QStringList problems;
        Failure failure = Failure::None;
        bool anyEngine = false; // false: no reachable engine serves the selection
    };

    /** The Docker version whose image a branch publishes: `publish_docker:`, else the newest of its versions. */
    static QString publishDocker(const BranchSpec &branch);

    /**
     * One plan across all engines: for each selected component and branch the cell of publishDocker() (whatever
     * Docker columns were selected), then candidates() and plan() on the engine that serves it. A tag is planned
     * once, never once per engine. A chosen cell that is not Ready, or whose engine is unreachable, is a problem.
     * Stops at a registry failure.
     */
    Result planAll(const QList<Cell> &allCells, const QList<Cell> &selected, const QList<EngineStatus> &engines,
                   RegistryClient &registry) const;

private:
    /** Fills cell->remote with what the registry holds under each tag the plan may name (see plan()). */
    bool remoteTags(const PublishCandidate &c, RegistryClient &registry, PublishCell *cell, QStringList *problems,
                    Failure *failure) const;

    Manifest m_manifest;
    QString m_cacheRoot;
    bool m_publishChanges = false;
};

} // namespace mrc
