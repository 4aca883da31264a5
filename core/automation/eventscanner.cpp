// SPDX-License-Identifier: Apache-2.0
#include "automation/eventscanner.h"

#include "git/gitmirror.h"
#include "history/automationstore.h"

#include <QDir>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <climits>

namespace mrc {

namespace {

const QString kHeads = QStringLiteral("refs/heads/");
const QString kTags = QStringLiteral("refs/tags/");
const QString kChanges = QStringLiteral("refs/changes/");

QString cleanFolder(const QString &folder)
{
    QString f = QDir::cleanPath(folder.trimmed());
    while (f.startsWith(QLatin1Char('/')))
        f.remove(0, 1);
    return f == QLatin1String(".") ? QString() : f;
}

int depthOf(const Manifest &manifest, const ComponentSpec &component)
{
    int depth = 0;
    const ComponentSpec *c = &component;
    QSet<QString> visited;
    while (c && !c->base.isEmpty() && !visited.contains(c->name)) {
        visited.insert(c->name);
        c = manifest.component(c->base);
        ++depth;
    }
    return depth;
}

} // namespace

EventScanner::EventScanner(Manifest manifest, AutomationStore *store, QString cacheRoot)
    : m_manifest(std::move(manifest)), m_store(store), m_cacheRoot(std::move(cacheRoot)),
      m_firstRun(m_manifest.automation.firstRun)
{
}

void EventScanner::note(const QString &text) const
{
    if (m_note)
        m_note(text);
}

QStringList EventScanner::withChildren(const Manifest &manifest, const QStringList &components)
{
    QList<const ComponentSpec *> picked;
    for (const ComponentSpec &c : manifest.components) {
        const ComponentSpec *walk = &c;
        QSet<QString> visited;
        while (walk && !visited.contains(walk->name)) {
            if (components.contains(walk->name)) {
                picked << &c;
                break;
            }
            visited.insert(walk->name);
            walk = walk->base.isEmpty() ? nullptr : manifest.component(walk->base);
        }
    }
    // Base first: a component after everything it is built FROM, otherwise in manifest order.
    std::stable_sort(picked.begin(), picked.end(), [&](const ComponentSpec *a, const ComponentSpec *b) {
        return depthOf(manifest, *a) < depthOf(manifest, *b);
    });
    QStringList names;
    for (const ComponentSpec *c : picked)
        names << c->name;
    return names;
}

QStringList EventScanner::affectedComponents(const Manifest &manifest, const QString &repo, const QStringList &paths)
{
    QList<const ComponentSpec *> ofRepo;
    for (const ComponentSpec &c : manifest.components) {
        if (c.repo == repo)
            ofRepo << &c;
    }
    QStringList direct;
    for (const QString &path : paths) {
        bool inFolder = false;
        for (const ComponentSpec *c : ofRepo) {
            const QString folder = cleanFolder(c->context);
            if (folder.isEmpty() || path == folder || path.startsWith(folder + QLatin1Char('/'))) {
                inFolder = true;
                if (!direct.contains(c->name))
                    direct << c->name;
            }
        }
        // Source code, requirements, anything outside the docker folders goes into every image of the repository.
        if (!inFolder) {
            for (const ComponentSpec *c : ofRepo) {
                if (!direct.contains(c->name))
                    direct << c->name;
            }
            break;
        }
    }
    return withChildren(manifest, direct);
}

EventScanResult EventScanner::scan(const std::atomic_bool *cancel)
{
    EventScanResult result;
    QStringList repos;
    for (const ComponentSpec &c : m_manifest.components) {
        if (!c.repo.isEmpty() && !repos.contains(c.repo))
            repos << c.repo;
    }
    for (const QString &repo : repos) {
        if (cancel && cancel->load()) {
            result.problems << QStringLiteral("the scan was cancelled");
            break;
        }
        ++result.repositories;
        scanRepository(repo, cancel, &result);
    }
    return result;
}

bool EventScanner::scanRepository(const QString &repo, const std::atomic_bool *cancel, EventScanResult *result)
{
    GitMirror mirror(repo, m_cacheRoot);
    QString error;
    if (m_fetch) {
        note(QStringLiteral("fetching %1").arg(repo));
        if (!mirror.fetch({}, cancel, &error)) {
            result->problems << QStringLiteral("%1: %2").arg(repo, error);
            return false;
        }
    } else if (!mirror.exists()) {
        result->problems << QStringLiteral("%1: no mirror at %2; fetch it first").arg(repo, mirror.path());
        return false;
    }

    const std::optional<bool> known = m_store->knowsRepo(repo, &error);
    const std::optional<QHash<QString, QString>> seen = known ? m_store->seenRefs(repo, &error) : std::nullopt;
    if (!known || !seen) {
        result->problems << QStringLiteral("%1: %2").arg(repo, error);
        return false;
    }

    // The manifest's branches and the release tags, as the mirror has them after the fetch.
    QHash<QString, QString> now;
    const std::optional<QList<RefInfo>> heads = mirror.localRefs(kHeads, &error);
    const std::optional<QList<RefInfo>> tags = heads ? mirror.localRefs(kTags, &error) : std::nullopt;
    if (!heads || !tags) {
        result->problems << QStringLiteral("%1: %2").arg(repo, error);
        return false;
    }
    for (const RefInfo &ref : *heads) {
        const BranchSpec *branch = m_manifest.branch(ref.name.mid(kHeads.size()));
        if (branch && !branch->isRef())
            now.insert(ref.name, ref.sha);
    }
    const QRegularExpression release(m_manifest.tags.releasePattern);
    for (const RefInfo &ref : *tags) {
        if (release.match(ref.name.mid(kTags.size())).hasMatch())
            now.insert(ref.name, ref.sha);
    }
    // Gerrit's changes are not in the mirror's refspecs: the remote lists them. When it cannot, the changes seen
    // before stay seen, so that the next scan that can list them does not take them for new.
    const std::optional<QList<RefInfo>> changes = mirror.remoteRefs({kChanges}, cancel, &error);
    if (changes) {
        for (const RefInfo &ref : *changes) {
            if (AutomationEvent::isChangeRef(ref.name))
                now.insert(ref.name, ref.sha);
        }
    } else {
        result->problems << QStringLiteral("%1: %2").arg(repo, error);
        for (auto it = seen->cbegin(); it != seen->cend(); ++it) {
            if (it.key().startsWith(kChanges))
                now.insert(it.key(), it.value());
        }
    }
    result->refs += int(now.size());

    const bool firstRun = !*known;
    QList<AutomationEvent> events = compare(mirror, repo, *seen, now, firstRun, &result->problems);
    if (cancel && cancel->load()) {
        result->problems << QStringLiteral("%1: the scan was cancelled").arg(repo);
        return false;
    }
    if (!m_store->recordScan(repo, now, events, &error)) {
        result->problems << QStringLiteral("%1: %2").arg(repo, error);
        return false;
    }
    if (firstRun) {
        result->firstSeen << repo;
        note(QStringLiteral("first scan of %1: %2 refs noted, %3 events").arg(repo).arg(now.size()).arg(events.size()));
    }
    result->events << events;
    return true;
}

QList<AutomationEvent> EventScanner::compare(GitMirror &mirror, const QString &repo,
                                             const QHash<QString, QString> &seen, const QHash<QString, QString> &now,
                                             bool firstRun, QStringList *problems)
{
    QList<AutomationEvent> events;
    if (firstRun && m_firstRun == AutomationPolicy::FirstRun::Seen)
        return events;
    QStringList refs = now.keys();
    refs.sort();
    // Of the new patchsets of one change only the newest is worth building: the older would be superseded.
    QHash<int, int> newestPatchset;
    for (const QString &ref : refs) {
        AutomationEvent probe;
        probe.ref = ref;
        if (probe.changeNumber() > 0 && seen.value(ref) != now.value(ref))
            newestPatchset[probe.changeNumber()] =
                std::max(newestPatchset.value(probe.changeNumber()), probe.patchset());
    }
    const QDateTime when = QDateTime::currentDateTimeUtc();
    for (const QString &ref : refs) {
        const QString sha = now.value(ref);
        if (seen.value(ref) == sha)
            continue;
        AutomationEvent event;
        event.repo = repo;
        event.ref = ref;
        event.sha = sha;
        event.seen = when;
        QString error;
        std::optional<QStringList> paths;
        const bool isChange = ref.startsWith(kChanges);
        if (firstRun && !isChange && m_firstRun != AutomationPolicy::FirstRun::Events)
            continue; // `first_run: changes`: branches and tags are only noted
        if (ref.startsWith(kHeads)) {
            event.kind = AutomationEventKind::Commit;
            event.branch = ref.mid(kHeads.size());
            event.previousSha = seen.value(ref);
            // A branch that was force-pushed away from what was seen: compare with the new commit's parent.
            if (!event.previousSha.isEmpty() && mirror.resolve(event.previousSha))
                paths = mirror.changedPaths(event.previousSha, sha, &error);
            else
                paths = mirror.changedPaths(QString(), sha, &error);
        } else if (ref.startsWith(kTags)) {
            event.kind = AutomationEventKind::Tag;
            event.branch = branchOf(mirror, sha, now);
            paths = QStringList{QString()}; // a release builds every image of the repository
        } else {
            event.kind = AutomationEventKind::Change;
            if (event.patchset() < newestPatchset.value(event.changeNumber()))
                continue;
            // A first scan finds merged changes too: a patchset a branch already contains is history, not work.
            if (firstRun && !branchOf(mirror, sha, now).isEmpty())
                continue;
            // The patchset's commit comes with its ref, unless the mirror has it already.
            if (!mirror.resolve(sha) && !mirror.fetchRef(ref, GitMirror::RefFetch::Always, {}, nullptr, &error)) {
                problems->append(QStringLiteral("%1: %2").arg(repo, error));
                continue;
            }
            paths = mirror.changedPaths(QString(), sha, &error);
            if (const std::optional<CommitInfo> parent = mirror.resolve(sha + QLatin1Char('^')))
                event.branch = branchOf(mirror, parent->sha, now);
        }
        if (!paths) {
            problems->append(QStringLiteral("%1: %2").arg(repo, error));
            continue;
        }
        event.components = affectedComponents(m_manifest, repo, *paths);
        if (const std::optional<CommitInfo> commit = mirror.resolve(sha))
            event.subject = commit->subject;
        events << event;
    }
    return events;
}

QString EventScanner::branchOf(GitMirror &mirror, const QString &sha, const QHash<QString, QString> &now)
{
    // The branch that contains the commit with the fewest commits after it: a tag on stable/2023.2's head belongs
    // there, even when master contains that commit too.
    QString best;
    int bestDistance = 0;
    for (const BranchSpec &branch : m_manifest.branches) {
        if (branch.isRef())
            continue;
        const QString head = now.value(kHeads + branch.name);
        QString error;
        if (head.isEmpty() || !mirror.contains(head, sha, &error).value_or(false))
            continue;
        const int distance = mirror.aheadBehind(head, sha).value_or(QPair<int, int>(INT_MAX, 0)).first;
        if (best.isEmpty() || distance < bestDistance) {
            best = branch.name;
            bestDistance = distance;
        }
    }
    return best;
}

} // namespace mrc
