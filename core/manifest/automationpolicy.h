// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace mrc {

/** What happened in a watched repository: a new commit on a branch, a new release tag, a Gerrit patchset. */
enum class AutomationEventKind
{
    Commit,
    Tag,
    Change
};

/** "commit", "tag" or "change": what the manifest, the history database and `mrc watch --json` write. */
QString automationEventKindName(AutomationEventKind kind);
std::optional<AutomationEventKind> automationEventKindFromName(const QString &name);

/** The stages a rule runs, in this order. */
struct AutomationActions
{
    bool build = false;
    bool test = false;
    bool push = false;

    bool none() const { return !build && !test && !push; }
    /** "build, test, push", or "nothing". */
    QString text() const;
    bool operator==(const AutomationActions &other) const = default;
};

/** One item of `automation: rules:`: the events it covers and what they start. */
struct AutomationRule
{
    /** Glob patterns over the manifest branch an event belongs to (`master`, `*`, `stable/` followed by `*`). */
    QStringList branches{QStringLiteral("**")}; // every branch, and events that belong to none

    QList<AutomationEventKind> events;
    AutomationActions actions;
    /** Only these components are built (the event's others are left alone); empty: every affected component. */
    QStringList components;
    /** Only these Docker versions of the branch; empty: all of them. */
    QStringList docker;
    int line = 0; // where the rule starts in the manifest; 0: a default rule

    bool matches(AutomationEventKind kind, const QString &branch) const;
    /** A glob as git uses it for branch names: `*` matches within one path segment, `**` across segments. */
    static bool globMatches(const QString &pattern, const QString &branch);
};

/**
 * What the policy decides for one event: the actions, the components and Docker versions to work on (filters
 * applied), and the rule that decided (line 0: a default). Empty actions or components: the event is skipped.
 */
struct AutomationDecision
{
    AutomationActions actions;
    QStringList components;
    QStringList docker; // empty: every Docker version of the branch
    int ruleLine = 0;
    QString why; // for a skipped event: "no rule covers tags on stable/2023.1", "components filter"

    bool runs() const { return !actions.none() && !components.isEmpty(); }
};

/** How a failing pipeline is retried: after `initial` seconds, doubling per consecutive failure, up to `max`. */
struct AutomationBackoff
{
    int initialSeconds = 600;
    int maxSeconds = 6 * 3600;
    /** Retries of the same commit; after them the lane waits for the next commit. */
    int retries = 3;

    /** The wait after the @p failures-th consecutive failure (1-based): initial * 2^(failures-1), capped at max. */
    int delayAfter(int failures) const;
};

/**
 * The optional top-level `automation:` section of the manifest: what `mrc watch` does with each new commit, tag
 * and Gerrit change. Rules are tried in order; an event no rule covers gets the defaults, which follow the spec:
 * a commit builds, tests and pushes its branch tags; a release tag builds, tests and pushes the release tag (and
 * `latest` when it is the highest final release); a change builds and tests only and is never pushed to the
 * release namespace (only to `review_namespace:`, when a rule asks for push).
 */
struct AutomationPolicy
{
    /** False without an `automation:` section: `mrc watch` still runs, with the defaults. */
    bool present = false;
    /** `enabled: false` stops the watcher from starting pipelines (it still records what it sees). */
    bool enabled = true;
    /** `interval:` seconds between two cycles of `mrc watch`. */
    int intervalSeconds = 300;
    /** `review_namespace:` where a change's images go as change-<number>-<patchset>; empty: changes never push. */
    QString reviewNamespace;
    AutomationBackoff backoff;
    /** What the first scan of a repository does with what it finds (`first_run:`). */
    enum class FirstRun
    {
        Seen,    // notes every ref as seen and starts nothing (the default: no flood of builds)
        Changes, // notes branches and tags, and turns the open Gerrit patchsets into events
        Events   // turns the branch heads, release tags and open patchsets into events
    };
    FirstRun firstRun = FirstRun::Seen;
    QList<AutomationRule> rules;
    int line = 0; // where `automation:` is; 0: absent

    /** The spec's defaults: commit → build+test+push, tag → build+test+push, change → build+test. */
    static QList<AutomationRule> defaultRules();

    /** The first rule (own, then default) that covers @p kind on @p branch; nullopt when none does. */
    std::optional<AutomationRule> ruleFor(AutomationEventKind kind, const QString &branch) const;

    /**
     * The decision for an event of @p kind on @p branch that affects @p components (base first), when the
     * branch has @p branchDocker versions. Applies the rule's component and Docker filters; a change's push is
     * dropped when there is no review namespace.
     */
    AutomationDecision decide(AutomationEventKind kind, const QString &branch, const QStringList &components,
                              const QStringList &branchDocker = {}) const;
};

} // namespace mrc
