// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/automationevent.h"
#include "manifest/manifest.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>

namespace mrc {

class AutomationStore;
class GitMirror;

/** What one scan found: the new events (recorded in the store), and what went wrong per repository. */
struct EventScanResult
{
    QList<AutomationEvent> events;
    /** One line per repository that could not be fetched, listed or recorded: "URL: why". */
    QStringList problems;
    /** Repositories seen for the first time: their heads were recorded, without events unless asked. */
    QStringList firstSeen;
    int repositories = 0;
    int refs = 0; // refs compared

    bool ok() const { return problems.isEmpty(); }
};

/**
 * Turns what changed in the manifest's repositories since the last scan into events. For each repository it
 * fetches the mirror, lists the manifest's branches and the release tags in the mirror and the Gerrit changes
 * (refs/changes/NN/NUMBER/PATCHSET) with an ls-remote of its origin, and compares them with the refs the store
 * has seen. A branch that moved is a commit event, a new release tag (manifest `tags: release_pattern`) a tag
 * event, a new patchset a change event. Each event names the components it affects: a commit that touches only
 * docker folders affects the components whose folders it touches, any other change affects every component of
 * the repository, and an affected base affects every component built FROM it. The first scan of a repository
 * records its refs as seen and makes no events (unless setFirstRun says otherwise). Blocking: run it off the GUI
 * thread.
 */
class EventScanner
{
public:
    EventScanner(Manifest manifest, AutomationStore *store, QString cacheRoot);

    /** Fetch each mirror before comparing (default); off: compare with the mirrors as they are (tests, --offline). */
    void setFetch(bool fetch) { m_fetch = fetch; }
    /** What the first scan of a repository turns into events; the manifest's `automation: first_run:` by default. */
    void setFirstRun(AutomationPolicy::FirstRun firstRun) { m_firstRun = firstRun; }
    /** Lines worth telling while scanning ("fetching URL", "first scan of URL: 12 refs noted"). */
    void setNote(std::function<void(const QString &)> note) { m_note = std::move(note); }

    /** One cycle over every repository of the manifest. Events are recorded in the store before it returns. */
    EventScanResult scan(const std::atomic_bool *cancel = nullptr);

    /**
     * The components of @p manifest that a change of @p paths in @p repo affects, base first: the components of
     * the repository whose context folder holds one of the paths; all of the repository's when a path lies
     * outside every docker folder; then every component built FROM an affected one, transitively.
     */
    static QStringList affectedComponents(const Manifest &manifest, const QString &repo, const QStringList &paths);
    /** The components of @p manifest with @p components or one of their bases among them, in manifest order. */
    static QStringList withChildren(const Manifest &manifest, const QStringList &components);

private:
    bool scanRepository(const QString &repo, const std::atomic_bool *cancel, EventScanResult *result);
    QList<AutomationEvent> compare(GitMirror &mirror, const QString &repo, const QHash<QString, QString> &seen,
                                   const QHash<QString, QString> &now, bool firstRun, QStringList *problems);
    QString branchOf(GitMirror &mirror, const QString &sha, const QHash<QString, QString> &now);
    void note(const QString &text) const;

    Manifest m_manifest;
    AutomationStore *m_store;
    QString m_cacheRoot;
    bool m_fetch = true;
    AutomationPolicy::FirstRun m_firstRun = AutomationPolicy::FirstRun::Seen;
    std::function<void(const QString &)> m_note;
};

} // namespace mrc
