// SPDX-License-Identifier: Apache-2.0
#include "buildplan.h"

#include "fleetlint.h"
#include "gitmirror.h"
#include "linter.h"
#include "workspacescan.h"

#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <memory>

namespace mrc {

namespace {

QString cellKey(const QString &component, const QString &branch, const QString &docker)
{
    return component + QLatin1Char('\n') + branch + QLatin1Char('\n') + docker;
}

QString constraintsBranch(const QString &branch)
{
    // Upper constraints follow the release branch; unmaintained branches read the stable constraints of
    // their series in the Monasca build scripts.
    if (branch.startsWith(QLatin1String("unmaintained/")))
        return QStringLiteral("stable/") + branch.mid(13);
    return branch;
}

} // namespace

QString BuildPlan::localTag(const QString &image, const QString &branch)
{
    QString tag = branch;
    tag.replace(QLatin1Char('/'), QLatin1Char('-'));
    return image + QLatin1Char(':') + tag;
}

QString BuildPlan::refTag(const QString &image, const QString &ref)
{
    QString name = ref.trimmed();
    if (name.startsWith(QLatin1String("refs/")))
        name.remove(0, 5);
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9_.-]+"));
    name.replace(unsafe, QStringLiteral("-"));
    // A tag is at most 128 characters; "ref-" takes 4.
    return image + QStringLiteral(":ref-") + name.left(124);
}

QMap<QString, QString> BuildPlan::expectedLabels(const ComponentSpec &component, const Cell &cell,
                                                const QString &baseCommit, const QString &created)
{
    QMap<QString, QString> labels = {
        {QLatin1String(ImageLabels::title), component.image},
        {QLatin1String(ImageLabels::source), component.repo},
        {QLatin1String(ImageLabels::version), cell.branch},
        {QLatin1String(ImageLabels::revision), cell.commit},
        {QLatin1String(ImageLabels::licenses), QStringLiteral("Apache-2.0")},
    };
    if (!created.isEmpty())
        labels.insert(QLatin1String(ImageLabels::created), created);
    if (!component.base.isEmpty())
        labels.insert(QLatin1String(ImageLabels::baseRevision), baseCommit);
    return labels;
}

BuildPlan BuildPlan::make(const Manifest &manifest, const QList<Cell> &cells, const QList<Cell> &selected,
                          const QList<EngineStatus> &engines, const QDateTime &now)
{
    BuildPlan plan;
    QHash<QString, const Cell *> byKey;
    for (const Cell &cell : cells)
        byKey.insert(cellKey(cell.component, cell.branch, cell.docker), &cell);

    QHash<QString, int> planned; // cell key -> job id
    QSet<QString> visiting;

    // Depth-first over `base`, so a base is always planned before what is built FROM it.
    std::function<int(const Cell &, bool)> add = [&](const Cell &cell, bool asDependency) -> int {
        const QString key = cellKey(cell.component, cell.branch, cell.docker);
        if (const auto it = planned.constFind(key); it != planned.constEnd())
            return *it;
        if (visiting.contains(key)) {
            plan.problems.append(QStringLiteral("%1@%2 docker %3: its base chain is a cycle")
                                     .arg(cell.component, cell.branch, cell.docker));
            return -1;
        }
        const ComponentSpec *component = manifest.component(cell.component);
        if (!component) {
            plan.problems.append(QStringLiteral("%1: not in the manifest").arg(cell.component));
            return -1;
        }
        if (cell.state != CellState::Ready) {
            plan.problems.append(QStringLiteral("%1@%2 docker %3 cannot be built: %4 (%5)")
                                     .arg(cell.component, cell.branch, cell.docker, cellStateName(cell.state),
                                          cell.message));
            return -1;
        }
        visiting.insert(key);
        int baseJob = -1;
        QString baseCommit;
        const ComponentSpec *base = component->base.isEmpty() ? nullptr : manifest.component(component->base);
        const BranchSpec *branchSpec = manifest.branch(cell.branch);
        const bool isRef = branchSpec && branchSpec->isRef();
        QString baseTag;
        QString baseBranch = cell.branch;
        if (base) {
            const Cell *baseCell = byKey.value(cellKey(base->name, cell.branch, cell.docker));
            if (isRef && baseCell && baseCell->state == CellState::NoBranch && !branchSpec->basedOn.isEmpty()) {
                // The change is in another repository: build FROM the base image of the branch it is based on.
                baseCell = byKey.value(cellKey(base->name, branchSpec->basedOn, cell.docker));
                if (!baseCell) {
                    plan.problems.append(QStringLiteral("%1@%2 docker %3: its base %4 has no %2, and %5 has no "
                                                        "Docker %3 column to take the base from")
                                             .arg(cell.component, cell.branch, cell.docker, base->name,
                                                  branchSpec->basedOn));
                    visiting.remove(key);
                    return -1;
                }
            }
            if (!baseCell) {
                plan.problems.append(QStringLiteral("%1@%2 docker %3: its base %4 has no cell in that column")
                                         .arg(cell.component, cell.branch, cell.docker, base->name));
                visiting.remove(key);
                return -1;
            }
            baseJob = add(*baseCell, true);
            if (baseJob < 0) {
                plan.problems.append(QStringLiteral("%1@%2 docker %3: blocked, its base %4 cannot be built")
                                         .arg(cell.component, cell.branch, cell.docker, base->name));
                visiting.remove(key);
                return -1;
            }
            baseCommit = baseCell->commit;
            baseBranch = baseCell->branch;
            baseTag = plan.jobs.at(baseJob).tag.section(QLatin1Char(':'), -1);
        }
        visiting.remove(key);

        const EngineStatus *engine = WorkspaceScan::engineFor(engines, cell.docker);
        BuildJobSpec job;
        job.id = int(plan.jobs.size());
        job.cell = cell;
        job.repo = component->repo;
        job.context = component->context;
        job.engine = engine ? engine->name : QString();
        job.tag = isRef ? refTag(component->image, branchSpec->ref) : localTag(component->image, cell.branch);
        job.baseCommit = baseCommit;
        job.addedAsDependency = asDependency;
        if (baseJob >= 0)
            job.dependsOn.append(baseJob);

        const QString created = now.toUTC().toString(Qt::ISODate);
        const QString branchTag = base ? baseTag : job.tag.section(QLatin1Char(':'), -1);
        const QString constraints = constraintsBranch(isRef && !branchSpec->basedOn.isEmpty() ? branchSpec->basedOn : cell.branch);
        job.buildArgs = {
            {QStringLiteral("DOCKER_IMAGE"), component->image},
            {QStringLiteral("APP_REPO"), component->repo},
            {QStringLiteral("REPO_VERSION"), cell.branch},
            {QStringLiteral("GIT_COMMIT"), cell.commit},
            {QStringLiteral("CREATION_TIME"), created},
            {QStringLiteral("CONSTRAINTS_BRANCH"), constraints},
            {QStringLiteral("BASE_TAG"), branchTag},
        };
        if (base) {
            job.buildArgs.insert(QStringLiteral("COMMON_REPO"), base->repo);
            job.buildArgs.insert(QStringLiteral("COMMON_VERSION"), baseBranch);
            job.buildArgs.insert(QStringLiteral("COMMON_GIT_COMMIT"), baseCommit);
        }
        job.labels = expectedLabels(*component, cell, base ? baseCommit : QString(), created);
        plan.jobs.append(job);
        planned.insert(key, job.id);
        return job.id;
    };

    for (const Cell &cell : selected) {
        const Cell *resolved = byKey.value(cellKey(cell.component, cell.branch, cell.docker), &cell);
        add(*resolved, false);
    }
    // A cell picked both directly and as a dependency counts as picked.
    for (const Cell &cell : selected) {
        if (const auto it = planned.constFind(cellKey(cell.component, cell.branch, cell.docker)); it != planned.constEnd())
            plan.jobs[*it].addedAsDependency = false;
    }
    plan.problems.removeDuplicates();
    return plan;
}

QStringList BuildPlan::argumentNames(bool withBase)
{
    Manifest manifest;
    manifest.branches.append(BranchSpec{QStringLiteral("master"), {QStringLiteral("1.0")}, {}, {}, {}});
    manifest.components.append(
        ComponentSpec{QStringLiteral("base"), QStringLiteral("x/base"), QStringLiteral("file:///base"),
                      QStringLiteral("docker"), {}, {}, {}});
    manifest.components.append(ComponentSpec{QStringLiteral("child"), QStringLiteral("x/child"),
                                             QStringLiteral("file:///child"), QStringLiteral("docker"),
                                             QStringLiteral("base"), {}, {}});
    QList<Cell> cells;
    for (const ComponentSpec &component : std::as_const(manifest.components)) {
        Cell cell;
        cell.component = component.name;
        cell.image = component.image;
        cell.branch = QStringLiteral("master");
        cell.docker = QStringLiteral("1.0");
        cell.state = CellState::Ready;
        cell.commit = QString(40, QLatin1Char('0'));
        cells << cell;
    }
    const BuildPlan plan = make(manifest, cells, {cells.at(withBase ? 1 : 0)}, {}, QDateTime::currentDateTimeUtc());
    return plan.jobs.isEmpty() ? QStringList() : plan.jobs.constLast().buildArgs.keys();
}

void BuildPlan::applyLintGate(BuildPlan &plan, const Manifest &manifest, const QString &cacheRoot)
{
    if (!manifest.lint.gate || plan.jobs.isEmpty())
        return;
    Linter linter;
    linter.applySpec(manifest.lint);
    QHash<QString, std::shared_ptr<GitMirror>> mirrors;
    QHash<QString, QString> verdicts; // repo, commit, context -> first error finding ("" when none)
    QHash<int, QString> blocked;      // job id -> problem line

    for (const BuildJobSpec &job : std::as_const(plan.jobs)) {
        const QString label = QStringLiteral("%1@%2 docker %3").arg(job.cell.component, job.cell.branch, job.cell.docker);
        // Jobs come dependencies first, so a blocked base is known before its dependants.
        const auto blockedBase = std::find_if(job.dependsOn.cbegin(), job.dependsOn.cend(),
                                              [&](int id) { return blocked.contains(id); });
        if (blockedBase != job.dependsOn.cend()) {
            blocked.insert(job.id, QStringLiteral("%1: its base %2 is blocked by lint")
                                       .arg(label, plan.jobs.at(*blockedBase).cell.component));
            continue;
        }
        const QString key = job.repo + QLatin1Char('\n') + job.cell.commit + QLatin1Char('\n') + job.context;
        if (!verdicts.contains(key)) {
            std::shared_ptr<GitMirror> &mirror = mirrors[job.repo];
            if (!mirror)
                mirror = std::make_shared<GitMirror>(job.repo, cacheRoot);
            const FleetLint::Result result =
                FleetLint::lintCommit(manifest, job.cell.component, job.cell.branch, job.cell.commit, *mirror, linter);
            QString verdict;
            // An unreadable folder is the build's problem to report, not lint's.
            for (const LintFinding &finding : result.findings) {
                if (finding.severity == LintSeverity::Error) {
                    verdict = QStringLiteral("%1:%2 %3 %4")
                                  .arg(QFileInfo(finding.file).fileName())
                                  .arg(finding.line)
                                  .arg(finding.rule, finding.message);
                    break;
                }
            }
            verdicts.insert(key, verdict);
        }
        if (const QString verdict = verdicts.value(key); !verdict.isEmpty())
            blocked.insert(job.id, QStringLiteral("%1: blocked by lint: %2").arg(label, verdict));
    }
    if (blocked.isEmpty())
        return;

    QList<BuildJobSpec> kept;
    QHash<int, int> newId;
    for (const BuildJobSpec &job : std::as_const(plan.jobs)) {
        if (blocked.contains(job.id)) {
            plan.problems.append(blocked.value(job.id));
            continue;
        }
        newId.insert(job.id, int(kept.size()));
        BuildJobSpec copy = job;
        copy.id = int(kept.size());
        for (int &dependency : copy.dependsOn)
            dependency = newId.value(dependency);
        kept.append(copy);
    }
    plan.jobs = kept;
}

} // namespace mrc
