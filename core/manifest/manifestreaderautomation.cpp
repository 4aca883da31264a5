// SPDX-License-Identifier: Apache-2.0
// The manifest reader's `automation:` section: the watcher's policy (docs/manifest.rst, "automation").
#include "manifest/manifestparser.h"
#include "manifest/manifestreader.h"
#include "manifest/manifestreaderkeys.h"

#include <yaml-cpp/yaml.h>

namespace mrc {

QList<QPair<QString, SourcePos>> ManifestReader::scalarList(const Field &field, const QString &what)
{
    QList<QPair<QString, SourcePos>> items;
    if (field.value.IsScalar()) {
        const QString text = fromStd(field.value.Scalar()).trimmed();
        if (text.isEmpty())
            report(field.valuePos, QStringLiteral("%1 is empty; give a value or remove the key").arg(what));
        else
            items.append({text, field.valuePos});
        return items;
    }
    if (field.value.IsNull()) {
        report(field.valuePos, QStringLiteral("%1 has no value; write one after the colon").arg(what));
        return items;
    }
    if (!field.value.IsSequence()) {
        report(field.valuePos,
               QStringLiteral("%1 must be a name or a list of names, not %2").arg(what, kindOf(field.value)));
        return items;
    }
    for (const YAML::Node &item : field.value) {
        const SourcePos itemPos = posOf(item, field.valuePos);
        if (!item.IsScalar() || fromStd(item.Scalar()).trimmed().isEmpty()) {
            report(itemPos, QStringLiteral("each item of %1 must be a name, not %2")
                                .arg(what, item.IsScalar() ? QStringLiteral("an empty string") : kindOf(item)));
            continue;
        }
        items.append({fromStd(item.Scalar()).trimmed(), itemPos});
    }
    return items;
}

int ManifestReader::seconds(const Fields &fields, const QString &key, int min, int max, const QString &where)
{
    SourcePos pos;
    QString text = scalar(fields, key, &pos);
    if (text.isEmpty())
        return -1;
    const QString written = text;
    if (text.endsWith(QLatin1Char('s')))
        text.chop(1);
    bool ok = false;
    const int value = text.toInt(&ok);
    if (!ok || value < min || value > max) {
        report(pos, QStringLiteral("%1 '%2' must be a number of seconds from %3 to %4 (\"300\" or \"300s\"), not '%5'")
                        .arg(where, key)
                        .arg(min)
                        .arg(max)
                        .arg(written));
        return -1;
    }
    return value;
}

void ManifestReader::readAutomation(const Field &field)
{
    AutomationPolicy &policy = m_manifest.automation;
    policy.present = true;
    policy.line = field.keyPos.line;
    if (field.value.IsNull())
        return; // `automation:` alone: the defaults, stated
    if (!expectMap(field.value, field.valuePos, QStringLiteral("'automation'")))
        return;
    const Fields fields = readMap(field.value, kAutomationKeys, QStringLiteral("'automation'"));

    SourcePos enabledPos;
    const QString enabled = scalar(fields, QStringLiteral("enabled"), &enabledPos);
    if (enabled == QLatin1String("true") || enabled == QLatin1String("false"))
        policy.enabled = enabled == QLatin1String("true");
    else if (!enabled.isEmpty())
        report(enabledPos, QStringLiteral("'enabled' must be true or false, not '%1'").arg(enabled));

    if (fields.contains(QStringLiteral("interval"))) {
        const int interval =
            seconds(fields, QStringLiteral("interval"), kMinInterval, kMaxInterval, QStringLiteral("'automation'"));
        if (interval > 0)
            policy.intervalSeconds = interval;
    }

    SourcePos nsPos;
    const QString ns = scalar(fields, QStringLiteral("review_namespace"), &nsPos);
    if (!ns.isEmpty()) {
        if (!isValidImageName(ns))
            report(nsPos,
                   QStringLiteral("review_namespace '%1' must be lowercase letters, digits, '.', '_' or '-'").arg(ns));
        else if (ns == m_manifest.registry.ns)
            report(nsPos, QStringLiteral("review_namespace '%1' is the release namespace; a Gerrit change is never "
                                         "pushed there: name another one")
                              .arg(ns));
        else
            policy.reviewNamespace = ns;
    }

    SourcePos firstRunPos;
    const QString firstRun = scalar(fields, QStringLiteral("first_run"), &firstRunPos);
    if (firstRun == QLatin1String("events"))
        policy.firstRun = AutomationPolicy::FirstRun::Events;
    else if (firstRun == QLatin1String("changes"))
        policy.firstRun = AutomationPolicy::FirstRun::Changes;
    else if (!firstRun.isEmpty() && firstRun != QLatin1String("seen"))
        report(firstRunPos, QStringLiteral("'first_run' must be 'seen' (note what is there, start nothing), 'changes' "
                                           "(build the open Gerrit changes) or 'events' (build everything), not '%1'")
                                .arg(firstRun));

    if (fields.contains(QStringLiteral("backoff")))
        readAutomationBackoff(fields[QStringLiteral("backoff")]);

    if (fields.contains(QStringLiteral("rules"))) {
        const Field &rules = fields[QStringLiteral("rules")];
        if (expectList(rules.value, rules.valuePos, QStringLiteral("'rules'"),
                       QStringLiteral("list rules, or remove the key to use the defaults"))) {
            for (const YAML::Node &item : rules.value) {
                if (emptyItem(item, rules.valuePos, QStringLiteral("'rules'")))
                    continue;
                readAutomationRule(item, posOf(item, rules.valuePos));
            }
        }
    }
}

void ManifestReader::readAutomationBackoff(const Field &field)
{
    AutomationBackoff &backoff = m_manifest.automation.backoff;
    if (!expectMap(field.value, field.valuePos, QStringLiteral("'backoff'")))
        return;
    const Fields fields = readMap(field.value, kAutomationBackoffKeys, QStringLiteral("'backoff'"));
    const QString where = QStringLiteral("'backoff'");
    if (fields.contains(QStringLiteral("initial"))) {
        if (const int initial = seconds(fields, QStringLiteral("initial"), 1, kMaxInterval, where); initial > 0)
            backoff.initialSeconds = initial;
    }
    if (fields.contains(QStringLiteral("max"))) {
        if (const int max = seconds(fields, QStringLiteral("max"), 1, kMaxInterval, where); max > 0)
            backoff.maxSeconds = max;
    }
    if (backoff.maxSeconds < backoff.initialSeconds)
        report(fields.contains(QStringLiteral("max")) ? fields[QStringLiteral("max")].valuePos : field.valuePos,
               QStringLiteral("'backoff' 'max' (%1 s) is shorter than 'initial' (%2 s)")
                   .arg(backoff.maxSeconds)
                   .arg(backoff.initialSeconds));
    SourcePos retriesPos;
    const QString retries = scalar(fields, QStringLiteral("retries"), &retriesPos);
    if (!retries.isEmpty()) {
        bool ok = false;
        const int value = retries.toInt(&ok);
        if (!ok || value < 0 || value > 100)
            report(retriesPos, QStringLiteral("'retries' must be a number from 0 to 100, not '%1'").arg(retries));
        else
            backoff.retries = value;
    }
}

void ManifestReader::readAutomationRule(const YAML::Node &item, SourcePos itemPos)
{
    if (!expectMap(item, itemPos, QStringLiteral("each automation rule")))
        return;
    const Fields fields = readMap(item, kAutomationRuleKeys, QStringLiteral("an automation rule"));
    AutomationRule rule;
    rule.line = itemPos.line;
    bool usable = true;

    if (fields.contains(QStringLiteral("branches"))) {
        rule.branches.clear();
        for (const auto &[pattern, pos] :
             scalarList(fields[QStringLiteral("branches")], QStringLiteral("'branches'"))) {
            QString plain = pattern;
            plain.replace(QLatin1Char('*'), QLatin1Char('x')).replace(QLatin1Char('?'), QLatin1Char('x'));
            if (!isValidBranchName(plain)) {
                report(pos, QStringLiteral("'%1' is not a branch pattern; write a branch name, with '*' for any part "
                                           "(stable/*)")
                                .arg(pattern));
                usable = false;
                continue;
            }
            rule.branches << pattern;
        }
    }

    if (!fields.contains(QStringLiteral("events"))) {
        report(itemPos, QStringLiteral("automation rule has no 'events'; name commit, tag or change"));
        usable = false;
    } else {
        for (const auto &[name, pos] : scalarList(fields[QStringLiteral("events")], QStringLiteral("'events'"))) {
            const std::optional<AutomationEventKind> kind = automationEventKindFromName(name);
            if (!kind) {
                const QString guess = closest(name, kAutomationEvents);
                report(pos, guess.isEmpty()
                                ? QStringLiteral("unknown event '%1'; events are commit, tag and change").arg(name)
                                : QStringLiteral("unknown event '%1'; did you mean '%2'?").arg(name, guess));
                usable = false;
                continue;
            }
            if (rule.events.contains(*kind))
                report(pos, QStringLiteral("event '%1' is named twice in this rule").arg(name));
            else
                rule.events << *kind;
        }
    }

    usable = readRuleActions(fields, itemPos, &rule) && usable;
    usable = readRuleFilters(fields, &rule) && usable;

    if (usable)
        m_manifest.automation.rules.append(rule);
}

bool ManifestReader::readRuleActions(const Fields &fields, SourcePos itemPos, AutomationRule *rule)
{
    bool usable = true;
    if (!fields.contains(QStringLiteral("actions"))) {
        report(itemPos, QStringLiteral("automation rule has no 'actions'; list build, test and push, or [] for none"));
        usable = false;
    } else {
        const Field &actions = fields[QStringLiteral("actions")];
        // `actions: []` is a rule that makes its events do nothing.
        const bool emptyList = actions.value.IsSequence() && actions.value.size() == 0;
        for (const auto &[name, pos] :
             emptyList ? QList<QPair<QString, SourcePos>>() : scalarList(actions, QStringLiteral("'actions'"))) {
            if (name == QLatin1String("build"))
                rule->actions.build = true;
            else if (name == QLatin1String("test"))
                rule->actions.test = true;
            else if (name == QLatin1String("push"))
                rule->actions.push = true;
            else {
                const QString guess = closest(name, kAutomationActions);
                report(pos, guess.isEmpty()
                                ? QStringLiteral("unknown action '%1'; actions are build, test and push").arg(name)
                                : QStringLiteral("unknown action '%1'; did you mean '%2'?").arg(name, guess));
                usable = false;
            }
        }
        if ((rule->actions.test || rule->actions.push) && !rule->actions.build) {
            report(actions.valuePos, QStringLiteral("'actions' %1 without build: the pipeline tests and pushes the "
                                                    "images it builds; add build")
                                         .arg(rule->actions.test ? QStringLiteral("test") : QStringLiteral("push")));
            usable = false;
        }
        if (rule->actions.push && rule->events.contains(AutomationEventKind::Change) &&
            m_manifest.automation.reviewNamespace.isEmpty()) {
            report(actions.valuePos, QStringLiteral("a Gerrit change is never pushed to the release namespace; set "
                                                    "'review_namespace' in 'automation' to push changes there"));
            usable = false;
        }
    }
    return usable;
}

bool ManifestReader::readRuleFilters(const Fields &fields, AutomationRule *rule)
{
    bool usable = true;
    if (fields.contains(QStringLiteral("components"))) {
        for (const auto &[name, pos] :
             scalarList(fields[QStringLiteral("components")], QStringLiteral("'components'"))) {
            if (!m_manifest.component(name)) {
                QStringList names;
                for (const ComponentSpec &c : m_manifest.components)
                    names << c.name;
                const QString guess = closest(name, names);
                report(pos, guess.isEmpty() ? QStringLiteral("automation rule names unknown component '%1'").arg(name)
                                            : QStringLiteral("automation rule names unknown component '%1'; did you "
                                                             "mean '%2'?")
                                                  .arg(name, guess));
                usable = false;
                continue;
            }
            rule->components << name;
        }
    }

    if (fields.contains(QStringLiteral("docker"))) {
        for (const auto &[version, pos] : scalarList(fields[QStringLiteral("docker")], QStringLiteral("'docker'"))) {
            if (!ManifestParser::isDockerVersion(version)) {
                report(pos,
                       QStringLiteral("'%1' is not a Docker version; write MAJOR.MINOR, e.g. '28.5'").arg(version));
                usable = false;
                continue;
            }
            rule->docker << version;
        }
    }
    return usable;
}

} // namespace mrc
