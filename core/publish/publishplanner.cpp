// SPDX-License-Identifier: Apache-2.0
#include "publish/publishplanner.h"

#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "git/gitmirror.h"
#include "jobs/buildplan.h"
#include "manifest/dockerpolicy.h"
#include "registry/registryclient.h"
#include "workspace/workspacescan.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QMutex>
#include <QSet>
#include <memory>

namespace mrc {

namespace {

/** Manifest digest -> the image (config) digest it names, from GETs in this process. Content-addressed, so an
 *  entry never goes stale; shared by every planner (the window plans again and again). */
class ConfigDigests
{
public:
    QString value(const QString &digest)
    {
        QMutexLocker lock(&m_mutex);
        return m_map.value(digest);
    }
    void insert(const QString &digest, const QString &config)
    {
        QMutexLocker lock(&m_mutex);
        if (m_map.size() > 10000)
            m_map.clear();
        m_map.insert(digest, config);
    }

private:
    QMutex m_mutex;
    QHash<QString, QString> m_map;
};

ConfigDigests &configDigests()
{
    static ConfigDigests digests;
    return digests;
}

PublishPlanner::Failure failureOf(const RegistryReply &reply)
{
    return reply.isAuthenticationError() ? PublishPlanner::Failure::Authentication
           : reply.error() == RegistryReply::Unreachable || reply.error() == RegistryReply::Timeout ||
                   reply.error() == RegistryReply::TlsError
               ? PublishPlanner::Failure::Unreachable
               : PublishPlanner::Failure::Other;
}

} // namespace

PublishPlanner::PublishPlanner(const Manifest &manifest, const QString &cacheRoot)
    : m_manifest(manifest), m_cacheRoot(cacheRoot.isEmpty() ? GitMirror::defaultCacheRoot() : cacheRoot)
{
}

QString PublishPlanner::repositoryOf(const ComponentSpec &component) const
{
    return m_manifest.registry.ns + QLatin1Char('/') + component.image.section(QLatin1Char('/'), -1);
}

QList<PublishCandidate> PublishPlanner::candidates(const QList<Cell> &allCells, const QList<Cell> &selected,
                                                   const QString &engineName, EngineClient &engine,
                                                   QStringList *problems) const
{
    // The newest selected Docker version of each component and branch (the branch lists newest first).
    QHash<QString, Cell> chosen;
    QStringList order;
    for (const Cell &cell : selected) {
        const QString key = cell.component + QLatin1Char('@') + cell.branch;
        const BranchSpec *branch = m_manifest.branch(cell.branch);
        const auto rank = [branch](const Cell &c) { return branch ? branch->docker.indexOf(c.docker) : 0; };
        if (!chosen.contains(key)) {
            chosen.insert(key, cell);
            order << key;
        } else if (rank(cell) < rank(chosen.value(key))) {
            chosen.insert(key, cell);
        }
    }

    QList<PublishCandidate> out;
    for (const QString &key : std::as_const(order)) {
        const Cell cell = chosen.value(key);
        const ComponentSpec *component = m_manifest.component(cell.component);
        if (!component)
            continue;
        const QString name = QStringLiteral("%1@%2 docker %3").arg(cell.component, cell.branch, cell.docker);
        const BranchSpec *branch = m_manifest.branch(cell.branch);
        const bool release = branch && branch->isRef() && TagPlan::isReleaseTag(m_manifest.tags, branch->ref);
        const QString change =
            branch && branch->isRef() && m_publishChanges ? TagPlan::changeTag(branch->ref) : QString();
        if (branch && branch->isRef() && !release && change.isEmpty()) {
            problems->append(QStringLiteral("%1: ref columns are built for testing and never published; only a "
                                            "release tag's column is")
                                 .arg(name));
            continue;
        }
        if (cell.commit.isEmpty()) {
            problems->append(
                QStringLiteral("%1: %2").arg(name, cell.message.isEmpty() ? cellStateName(cell.state) : cell.message));
            continue;
        }
        PublishCandidate c;
        c.cell = cell;
        c.engine = engineName;
        c.localTag = release || !change.isEmpty() ? BuildPlan::refTag(component->image, branch->ref)
                                                  : BuildPlan::localTag(component->image, cell.branch);
        if (release)
            c.release = branch->ref;
        c.change = change;
        c.repository = repositoryOf(*component);
        if (!component->base.isEmpty()) {
            for (const Cell &other : allCells) {
                if (other.component == component->base && other.branch == cell.branch && other.docker == cell.docker)
                    c.baseCommit = other.commit;
            }
        }
        std::unique_ptr<EngineCall> inspect(engine.inspectImage(c.localTag));
        inspect->waitForFinished(30000);
        if (!inspect->ok()) {
            problems->append(
                inspect->status() == 404
                    ? QStringLiteral("%1: no image %2 on engine %3; run `mrc build --component %4 --branch %5` first")
                          .arg(name, c.localTag, engine.host(), cell.component, cell.branch)
                    : QStringLiteral("%1: cannot inspect %2 on %3: %4")
                          .arg(name, c.localTag, engine.host(), inspect->errorString()));
            continue;
        }
        const QJsonObject image = inspect->json().object();
        c.imageId = image.value(QLatin1String("Id")).toString();
        for (const auto &digest : image.value(QLatin1String("RepoDigests")).toArray())
            c.repoDigests << digest.toString();
        const QJsonObject labels =
            image.value(QLatin1String("Config")).toObject().value(QLatin1String("Labels")).toObject();
        for (auto it = labels.begin(); it != labels.end(); ++it)
            c.labels.insert(it.key(), it.value().toString());
        const QString revision = c.labels.value(QLatin1String(ImageLabels::revision));
        if (revision != cell.commit) {
            problems->append(QStringLiteral("%1: %2 was built from %3, the branch is at %4; build it again first")
                                 .arg(name, c.localTag,
                                      revision.isEmpty() ? QStringLiteral("an unknown commit") : revision.left(7),
                                      cell.commit.left(7)));
            continue;
        }
        if (!c.baseCommit.isEmpty() && c.labels.value(QLatin1String(ImageLabels::baseRevision)) != c.baseCommit) {
            problems->append(QStringLiteral("%1: %2 was built on an older %3 image; build it again first")
                                 .arg(name, c.localTag, component->base));
            continue;
        }
        out << c;
    }
    return out;
}

bool PublishPlanner::remoteTags(const PublishCandidate &c, RegistryClient &registry, PublishCell *cell,
                                QStringList *problems, Failure *failure) const
{
    // Ask the registry about every tag the plan may name: a HEAD each (no pull counted).
    const CellTagPlan draft = TagPlan::plan(m_manifest.tags, *cell);
    QHash<QString, QString> digestOf; // tag -> manifest digest
    for (const PlannedTag &t : draft.tags) {
        std::unique_ptr<RegistryReply> reply(registry.manifestDigest(c.repository, t.tag));
        reply->waitForFinished();
        if (reply->ok()) {
            digestOf.insert(t.tag, reply->digest());
        } else if (reply->error() != RegistryReply::NotFound) {
            problems->append(reply->errorString());
            *failure = failureOf(*reply);
            return false;
        }
    }
    // The image each digest names, without a GET where it is known.
    QHash<QString, QString> configOf; // manifest digest -> config digest
    QStringList unknown;
    for (const QString &digest : std::as_const(digestOf)) {
        if (configOf.contains(digest) || unknown.contains(digest))
            continue;
        const bool local = std::any_of(c.repoDigests.cbegin(), c.repoDigests.cend(),
                                       [&](const QString &d) { return d.endsWith(QLatin1Char('@') + digest); });
        const QString known = local ? c.imageId : configDigests().value(digest);
        if (!known.isEmpty())
            configOf.insert(digest, known);
        else
            unknown << digest;
    }
    if (registry.lastRateLimit().wouldCross(int(unknown.size()))) {
        problems->append(
            QStringLiteral("%1: stopped before planning %2: %3, and reading the images of its tags "
                           "needs %4 manifest GET%5 (a HEAD is free, a GET counts as a pull). Wait "
                           "for the window to pass, or log in (accounts get a larger quota).")
                .arg(registry.registry(), c.repository, registry.lastRateLimit().quotaText(registry.registry()))
                .arg(unknown.size())
                .arg(unknown.size() == 1 ? QString() : QStringLiteral("s")));
        *failure = Failure::Quota;
        return false;
    }
    for (const QString &digest : std::as_const(unknown)) {
        std::unique_ptr<RegistryReply> reply(registry.manifest(c.repository, digest));
        reply->waitForFinished();
        if (!reply->ok()) {
            problems->append(reply->errorString());
            *failure = failureOf(*reply);
            return false;
        }
        // A manifest list resolves to its linux/amd64 image, whose config is what the engine would push.
        configOf.insert(digest, reply->manifest().config.digest);
        configDigests().insert(digest, reply->manifest().config.digest);
    }
    for (auto it = digestOf.cbegin(); it != digestOf.cend(); ++it)
        cell->remote.insert(it.key(), RemoteTag{it.value(), configOf.value(it.value())});
    return true;
}

QList<CellTagPlan> PublishPlanner::plan(const QList<PublishCandidate> &candidates, RegistryClient &registry,
                                        QStringList *problems, Failure *failure) const
{
    *failure = Failure::None;
    QList<CellTagPlan> plans;
    QHash<QString, QStringList> tagsByRepo; // git tags per component repository
    for (const PublishCandidate &c : candidates) {
        const ComponentSpec *component = m_manifest.component(c.cell.component);
        if (!tagsByRepo.contains(component->repo)) {
            GitMirror mirror(component->repo, m_cacheRoot);
            QString error;
            QStringList names;
            const QList<TagInfo> tags = mirror.tags(&error);
            if (!error.isEmpty())
                problems->append(QStringLiteral("%1: cannot read the git tags of %2: %3")
                                     .arg(c.cell.component, component->repo, error));
            for (const TagInfo &tag : tags)
                names << tag.name + QLatin1Char('\n') + tag.commit;
            tagsByRepo.insert(component->repo, names);
        }
        PublishCell cell;
        cell.component = c.cell.component;
        cell.branch = c.cell.branch;
        cell.commit = c.cell.commit;
        cell.repository = c.repository;
        cell.imageId = c.imageId;
        cell.release = c.release;
        cell.change = c.change;
        for (const QString &entry : tagsByRepo.value(component->repo)) {
            const QString name = entry.section(QLatin1Char('\n'), 0, 0);
            cell.componentTags << name;
            if (entry.section(QLatin1Char('\n'), 1) == c.cell.commit)
                cell.tagsAtCommit << name;
        }
        if (!remoteTags(c, registry, &cell, problems, failure))
            return plans;
        plans << TagPlan::plan(m_manifest.tags, cell);
    }
    return plans;
}

QString PublishPlanner::publishDocker(const BranchSpec &branch)
{
    if (!branch.publishDocker.isEmpty())
        return branch.publishDocker;
    QString newest;
    for (const QString &v : branch.docker) {
        if (newest.isEmpty() || DockerPolicy::compareVersions(v, newest) > 0)
            newest = v;
    }
    return newest;
}

PublishPlanner::Result PublishPlanner::planAll(const QList<Cell> &allCells, const QList<Cell> &selected,
                                               const QList<EngineStatus> &engines, RegistryClient &registry) const
{
    Result result;
    // One image per component and branch, whichever Docker columns were selected: the branch's publish version
    // (publish_docker, else its newest). Each tag is then planned, and pushed, once.
    QList<Cell> chosen;
    QSet<QString> seen;
    for (const Cell &cell : selected) {
        const QString key = cell.component + QLatin1Char('@') + cell.branch;
        if (seen.contains(key))
            continue;
        seen.insert(key);
        const BranchSpec *branch = m_manifest.branch(cell.branch);
        const QString docker = branch ? publishDocker(*branch) : cell.docker;
        const auto it = std::find_if(allCells.cbegin(), allCells.cend(), [&](const Cell &c) {
            return c.component == cell.component && c.branch == cell.branch && c.docker == docker;
        });
        const Cell publish = it != allCells.cend() ? *it : cell;
        if (publish.state != CellState::Ready) {
            result.problems.append(
                QStringLiteral("%1: publishes the image built with Docker %2 (%3), but that cell is %4%5")
                    .arg(key, docker,
                         branch && !branch->publishDocker.isEmpty() ? QStringLiteral("publish_docker")
                                                                    : QStringLiteral("the branch's newest"),
                         cellStateName(publish.state),
                         publish.message.isEmpty() ? QString() : QStringLiteral(": ") + publish.message));
            continue;
        }
        chosen << publish;
    }

    for (const EngineStatus &status : engines) {
        QList<Cell> mine;
        for (const Cell &cell : std::as_const(chosen)) {
            const EngineStatus *engine = WorkspaceScan::engineFor(engines, cell.docker);
            if (engine && engine->name == status.name)
                mine << cell;
        }
        if (mine.isEmpty())
            continue;
        if (!status.reachable) {
            for (const Cell &cell : std::as_const(mine))
                result.problems.append(QStringLiteral("%1@%2 docker %3: engine %4 is unreachable: %5")
                                           .arg(cell.component, cell.branch, cell.docker, status.name, status.error));
            continue;
        }
        result.anyEngine = true;
        EnginePlans plans;
        plans.engine = EngineSpec{status.name, status.host, {}, {}};
        for (const EngineSpec &e : m_manifest.engines) {
            if (e.name == status.name)
                plans.engine = e;
        }
        plans.apiVersion = status.apiVersion;
        EngineClient engine(plans.engine);
        engine.setApiVersion(status.apiVersion);
        engine.setDefaultTimeout(30000);
        const QList<PublishCandidate> candidates =
            this->candidates(allCells, mine, status.name, engine, &result.problems);
        for (const PublishCandidate &c : candidates)
            result.dockerOf.insert(c.cell.component + QLatin1Char('@') + c.cell.branch, c.cell.docker);
        plans.plans = plan(candidates, registry, &result.problems, &result.failure);
        if (result.failure != Failure::None)
            return result;
        result.engines << plans;
    }
    return result;
}

} // namespace mrc
