// SPDX-License-Identifier: Apache-2.0
#include "manifest/automationpolicy.h"

#include <algorithm>

namespace mrc {

QString automationEventKindName(AutomationEventKind kind)
{
    switch (kind) {
    case AutomationEventKind::Commit:
        return QStringLiteral("commit");
    case AutomationEventKind::Tag:
        return QStringLiteral("tag");
    case AutomationEventKind::Change:
        return QStringLiteral("change");
    }
    return {};
}

std::optional<AutomationEventKind> automationEventKindFromName(const QString &name)
{
    for (AutomationEventKind kind :
         {AutomationEventKind::Commit, AutomationEventKind::Tag, AutomationEventKind::Change}) {
        if (automationEventKindName(kind) == name)
            return kind;
    }
    return std::nullopt;
}

QString AutomationActions::text() const
{
    QStringList parts;
    if (build)
        parts << QStringLiteral("build");
    if (test)
        parts << QStringLiteral("test");
    if (push)
        parts << QStringLiteral("push");
    return parts.isEmpty() ? QStringLiteral("nothing") : parts.join(QStringLiteral(", "));
}

bool AutomationRule::globMatches(const QString &pattern, const QString &branch)
{
    // Iterative glob with backtracking to the last star: `*` stops at '/', `**` does not.
    qsizetype p = 0;
    qsizetype b = 0;
    qsizetype starP = -1;
    qsizetype starB = -1;
    bool starCrossesSlash = false;
    while (b < branch.size()) {
        if (p < pattern.size() && pattern.at(p) == QLatin1Char('*')) {
            starCrossesSlash = p + 1 < pattern.size() && pattern.at(p + 1) == QLatin1Char('*');
            p += starCrossesSlash ? 2 : 1;
            starP = p;
            starB = b;
            continue;
        }
        if (p < pattern.size() &&
            (pattern.at(p) == QLatin1Char('?') ? branch.at(b) != QLatin1Char('/') : pattern.at(p) == branch.at(b))) {
            ++p;
            ++b;
            continue;
        }
        if (starP >= 0 && (starCrossesSlash || branch.at(starB) != QLatin1Char('/'))) {
            ++starB;
            b = starB;
            p = starP;
            continue;
        }
        return false;
    }
    while (p < pattern.size() && pattern.at(p) == QLatin1Char('*'))
        ++p;
    return p == pattern.size();
}

bool AutomationRule::matches(AutomationEventKind kind, const QString &branch) const
{
    if (!events.contains(kind))
        return false;
    return std::any_of(branches.cbegin(), branches.cend(),
                       [&](const QString &pattern) { return globMatches(pattern, branch); });
}

int AutomationBackoff::delayAfter(int failures) const
{
    if (failures <= 0)
        return 0;
    qint64 delay = std::max(initialSeconds, 0);
    for (int i = 1; i < failures && delay < maxSeconds; ++i)
        delay *= 2;
    return int(std::min<qint64>(delay, maxSeconds));
}

QList<AutomationRule> AutomationPolicy::defaultRules()
{
    AutomationRule commit;
    commit.events = {AutomationEventKind::Commit};
    commit.actions = {true, true, true};
    AutomationRule tag;
    tag.events = {AutomationEventKind::Tag};
    tag.actions = {true, true, true};
    AutomationRule change;
    change.events = {AutomationEventKind::Change};
    change.actions = {true, true, false};
    return {commit, tag, change};
}

std::optional<AutomationRule> AutomationPolicy::ruleFor(AutomationEventKind kind, const QString &branch) const
{
    for (const AutomationRule &rule : rules) {
        if (rule.matches(kind, branch))
            return rule;
    }
    for (const AutomationRule &rule : defaultRules()) {
        if (rule.matches(kind, branch))
            return rule;
    }
    return std::nullopt;
}

AutomationDecision AutomationPolicy::decide(AutomationEventKind kind, const QString &branch,
                                            const QStringList &components, const QStringList &branchDocker) const
{
    AutomationDecision decision;
    const QString kindName = automationEventKindName(kind);
    if (!enabled) {
        decision.why = QStringLiteral("automation is disabled (automation: enabled: false)");
        return decision;
    }
    const std::optional<AutomationRule> rule = ruleFor(kind, branch);
    if (!rule) {
        decision.why = QStringLiteral("no rule covers %1 events on '%2'").arg(kindName, branch);
        return decision;
    }
    decision.ruleLine = rule->line;
    decision.actions = rule->actions;
    // A change never goes to the release namespace: only to a review namespace, when there is one.
    if (kind == AutomationEventKind::Change && reviewNamespace.isEmpty())
        decision.actions.push = false;
    if (decision.actions.none()) {
        decision.why =
            rule->line > 0
                ? QStringLiteral("the rule at line %1 does nothing for %2 events").arg(rule->line).arg(kindName)
                : QStringLiteral("nothing to do for %1 events").arg(kindName);
        return decision;
    }
    for (const QString &component : components) {
        if (rule->components.isEmpty() || rule->components.contains(component))
            decision.components << component;
    }
    if (decision.components.isEmpty()) {
        decision.why = components.isEmpty() ? QStringLiteral("it changes no component's image")
                                            : QStringLiteral("the rule at line %1 builds none of %2")
                                                  .arg(rule->line)
                                                  .arg(components.join(QStringLiteral(", ")));
        return decision;
    }
    if (!rule->docker.isEmpty()) {
        for (const QString &version : branchDocker.isEmpty() ? rule->docker : branchDocker) {
            if (rule->docker.contains(version))
                decision.docker << version;
        }
        if (decision.docker.isEmpty()) {
            decision.components.clear();
            decision.why = QStringLiteral("the rule at line %1 wants Docker %2, which '%3' is not built with")
                               .arg(rule->line)
                               .arg(rule->docker.join(QStringLiteral(", ")), branch);
        }
    }
    return decision;
}

} // namespace mrc
