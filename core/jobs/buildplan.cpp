// SPDX-License-Identifier: Apache-2.0
#include "jobs/buildplan.h"

#include "dockerfile/buildscript.h"
#include "git/gitmirror.h"
#include "jobs/buildargs.h"
#include "lint/linter.h"
#include "lint/lintsetup.h"
#include "workspace/fleetlint.h"
#include "workspace/workspacescan.h"

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

using MirrorCache = QHash<QString, std::shared_ptr<GitMirror>>;

GitMirror &mirrorFor(MirrorCache &cache, const QString &url, const QString &cacheRoot)
{
    std::shared_ptr<GitMirror> &mirror = cache[url];
    if (!mirror)
        mirror = std::make_shared<GitMirror>(url, cacheRoot);
    return *mirror;
}

/** The component whose repository is monasca-common: `component`'s base, else the first base any component names. */
const ComponentSpec *commonComponent(const Manifest &manifest, const ComponentSpec &component)
{
    if (!component.base.isEmpty())
        return manifest.component(component.base);
    for (const ComponentSpec &other : manifest.components) {
        if (!other.base.isEmpty())
            return manifest.component(other.base);
    }
    return nullptr;
}

// A base image: another component builds FROM it, or (in a manifest that lists it alone) it has no base of its
// own and its Dockerfile hands its children ONBUILD triggers, as monasca-common's does.
bool isBaseComponent(const Manifest &manifest, const ComponentSpec &component, const QByteArray &dockerfile)
{
    if (std::any_of(manifest.components.cbegin(), manifest.components.cend(),
                    [&](const ComponentSpec &c) { return c.base == component.name; }))
        return true;
    if (!component.base.isEmpty())
        return false;
    static const QRegularExpression onbuild(QStringLiteral("^\\s*ONBUILD\\s"),
                                            QRegularExpression::MultilineOption |
                                                QRegularExpression::CaseInsensitiveOption);
    return onbuild.match(QString::fromUtf8(dockerfile)).hasMatch();
}

bool resolveJob(BuildJobSpec &job, const Manifest &manifest, const QString &cacheRoot, MirrorCache &mirrors,
                QString *error)
{
    const ComponentSpec *component = manifest.component(job.cell.component);
    if (!component) {
        *error = QStringLiteral("%1: not in the manifest").arg(job.cell.component);
        return false;
    }
    GitMirror &mirror = mirrorFor(mirrors, job.repo, cacheRoot);
    QString readError;
    const QString dockerfilePath = job.context + QStringLiteral("/Dockerfile");
    const std::optional<QByteArray> dockerfile = mirror.readFile(job.cell.commit, dockerfilePath, &readError);
    if (!dockerfile) {
        *error = readError.isEmpty()
                     ? QStringLiteral("%1 has no %2 at %3").arg(job.repo, dockerfilePath, job.cell.commit.left(12))
                     : readError;
        return false;
    }
    BuildScript script;
    const QString basePath = job.context + QStringLiteral("/build_base_image.sh");
    const QString imagePath = job.context + QStringLiteral("/build_image.sh");
    if (const auto text = mirror.readFile(job.cell.commit, basePath)) {
        if (!BuildScript::parse(*text, BuildScript::Kind::Base, basePath, &script, error))
            return false;
    } else if (const auto text = mirror.readFile(job.cell.commit, imagePath)) {
        if (!BuildScript::parse(*text, BuildScript::Kind::Image, imagePath, &script, error))
            return false;
    } else {
        script = BuildScript::upstream(isBaseComponent(manifest, *component, *dockerfile) ? BuildScript::Kind::Base
                                                                                          : BuildScript::Kind::Image);
    }

    const BranchSpec *branch = manifest.branch(job.cell.branch);
    BuildArgs::Input input;
    input.repoVersion = branch && branch->isRef() ? branch->ref : job.cell.branch;
    if (branch && branch->isRef())
        input.constraintsBranch = branch->basedOn;
    input.gitCommit = job.cell.commit;
    input.created = job.created;

    const auto constraints = [&](const QString &url, QString *why) -> std::optional<QByteArray> {
        const QString requirementsBranch = BuildScript::requirementsBranch(url);
        if (requirementsBranch.isEmpty()) {
            *why = QStringLiteral("%1: cannot tell which branch of the requirements repository the constraints "
                                  "URL %2 names")
                       .arg(script.path.isEmpty() ? job.cell.component : script.path, url);
            return std::nullopt;
        }
        GitMirror &requirements = mirrorFor(mirrors, manifest.requirements, cacheRoot);
        const auto commit = requirements.fetchRef(requirementsBranch, GitMirror::RefFetch::IfMissing, {}, nullptr, why);
        if (!commit) {
            *why = QStringLiteral("constraints of %1: %2").arg(requirementsBranch, *why);
            return std::nullopt;
        }
        QString fileError;
        const auto text = requirements.readFile(commit->sha, BuildScript::constraintsPath(), &fileError);
        if (!text) {
            *why = fileError.isEmpty()
                       ? QStringLiteral("%1 has no %2 on %3")
                             .arg(manifest.requirements, BuildScript::constraintsPath(), requirementsBranch)
                       : fileError;
            return std::nullopt;
        }
        return text;
    };
    const auto common = [&](const QString &ref, QString *why) -> std::optional<QString> {
        const ComponentSpec *commonSpec = commonComponent(manifest, *component);
        // An image on no monasca-common base, without a build script of its own: nothing names a common commit,
        // so COMMON_GIT_COMMIT stays empty (a real script in the repository still needs the component).
        if (!commonSpec && script.path.isEmpty() && component->base.isEmpty())
            return QString();
        if (!commonSpec) {
            *why = QStringLiteral("%1: COMMON_GIT_COMMIT needs the monasca-common component (a `base` in the "
                                  "manifest)")
                       .arg(job.cell.component);
            return std::nullopt;
        }
        // `git fetch origin ""` fetches the remote's HEAD: monasca-common's default branch, master.
        const QString name = ref.isEmpty() ? QStringLiteral("master") : ref;
        const auto commit = mirrorFor(mirrors, commonSpec->repo, cacheRoot)
                                .fetchRef(name, GitMirror::RefFetch::IfMissing, {}, nullptr, why);
        if (!commit) {
            *why = QStringLiteral("COMMON_VERSION %1: %2").arg(name, *why);
            return std::nullopt;
        }
        return commit->sha;
    };
    const auto args = BuildArgs::compute(script, *dockerfile, input, constraints, common, error);
    if (!args)
        return false;
    job.buildArgs = *args;
    if (!job.baseTag.isEmpty())
        job.buildArgs.insert(QStringLiteral("BASE_TAG"), job.baseTag);
    job.buildScript = script.path;
    job.argsResolved = true;
    return true;
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
            plan.problems.append(
                QStringLiteral("%1@%2 docker %3 cannot be built: %4 (%5)")
                    .arg(cell.component, cell.branch, cell.docker, cellStateName(cell.state), cell.message));
            return -1;
        }
        visiting.insert(key);
        int baseJob = -1;
        QString baseCommit;
        const ComponentSpec *base = component->base.isEmpty() ? nullptr : manifest.component(component->base);
        const BranchSpec *branchSpec = manifest.branch(cell.branch);
        const bool isRef = branchSpec && branchSpec->isRef();
        if (base) {
            const Cell *baseCell = byKey.value(cellKey(base->name, cell.branch, cell.docker));
            if (isRef && baseCell && baseCell->state == CellState::NoBranch && !branchSpec->basedOn.isEmpty()) {
                // The change is in another repository: build FROM the base image of the branch it is based on.
                baseCell = byKey.value(cellKey(base->name, branchSpec->basedOn, cell.docker));
                if (!baseCell) {
                    plan.problems.append(
                        QStringLiteral("%1@%2 docker %3: its base %4 has no %2, and %5 has no "
                                       "Docker %3 column to take the base from")
                            .arg(cell.component, cell.branch, cell.docker, base->name, branchSpec->basedOn));
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
        }
        visiting.remove(key);

        const EngineStatus *engine = WorkspaceScan::engineFor(engines, cell.docker);
        BuildJobSpec job;
        job.id = int(plan.jobs.size());
        job.cell = cell;
        job.repo = component->repo;
        job.context = component->context;
        job.engine = engine ? engine->name : QString();
        job.engines = WorkspaceScan::enginesFor(engines, cell.docker);
        job.tag = isRef ? refTag(component->image, branchSpec->ref) : localTag(component->image, cell.branch);
        job.baseCommit = baseCommit;
        job.addedAsDependency = asDependency;
        if (baseJob >= 0) {
            job.dependsOn.append(baseJob);
            if (isRef)
                job.baseTag = plan.jobs.at(baseJob).tag.section(QLatin1Char(':'), -1);
        }

        // date -u +"%Y-%m-%dT%H:%M:%SZ", as the build scripts stamp CREATION_TIME.
        const QString created = now.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
        job.created = created;
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
        if (const auto it = planned.constFind(cellKey(cell.component, cell.branch, cell.docker));
            it != planned.constEnd())
            plan.jobs[*it].addedAsDependency = false;
    }
    plan.problems.removeDuplicates();
    return plan;
}

void BuildPlan::applyLintGate(BuildPlan &plan, const Manifest &manifest, const QString &cacheRoot)
{
    if (!manifest.lint.gate || plan.jobs.isEmpty())
        return;
    const Linter linter = LintSetup::make(manifest.lint);
    QHash<QString, std::shared_ptr<GitMirror>> mirrors;
    QHash<QString, QString> verdicts; // repo, commit, context -> first error finding ("" when none)
    QHash<int, QString> blocked;      // job id -> problem line

    for (const BuildJobSpec &job : std::as_const(plan.jobs)) {
        const QString label =
            QStringLiteral("%1@%2 docker %3").arg(job.cell.component, job.cell.branch, job.cell.docker);
        // Jobs come dependencies first, so a blocked base is known before its dependants.
        const auto blockedBase =
            std::find_if(job.dependsOn.cbegin(), job.dependsOn.cend(), [&](int id) { return blocked.contains(id); });
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
    removeJobs(plan, blocked);
}

void BuildPlan::removeJobs(BuildPlan &plan, const QHash<int, QString> &blocked)
{
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

bool BuildPlan::resolveJobArgs(BuildJobSpec &job, const Manifest &manifest, const QString &cacheRoot, QString *error)
{
    MirrorCache mirrors;
    return resolveJob(job, manifest, cacheRoot, mirrors, error);
}

void BuildPlan::resolveBuildArgs(BuildPlan &plan, const Manifest &manifest, const QString &cacheRoot)
{
    MirrorCache mirrors;
    QHash<int, QString> blocked;
    for (BuildJobSpec &job : plan.jobs) {
        const QString label =
            QStringLiteral("%1@%2 docker %3").arg(job.cell.component, job.cell.branch, job.cell.docker);
        const auto blockedBase =
            std::find_if(job.dependsOn.cbegin(), job.dependsOn.cend(), [&](int id) { return blocked.contains(id); });
        if (blockedBase != job.dependsOn.cend()) {
            blocked.insert(job.id, QStringLiteral("%1: its base %2 has no build arguments")
                                       .arg(label, plan.jobs.at(*blockedBase).cell.component));
            continue;
        }
        if (job.argsResolved)
            continue;
        QString error;
        if (!resolveJob(job, manifest, cacheRoot, mirrors, &error))
            blocked.insert(job.id, QStringLiteral("%1: build arguments: %2").arg(label, error));
    }
    removeJobs(plan, blocked);
}

} // namespace mrc
