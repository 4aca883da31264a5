// SPDX-License-Identifier: Apache-2.0
#include "workspace/fleetlint.h"

#include "dockerfile/buildscript.h"
#include "git/gitmirror.h"
#include "lint/linter.h"
#include "lint/lintinput.h"
#include "manifest/manifest.h"
#include "workspace/refcolumn.h"

#include <QFileInfo>
#include <QHash>
#include <memory>

namespace mrc {

namespace {

bool readInput(GitMirror &mirror, const QString &commit, const QString &context, LintInput *input, QString *error)
{
    const std::optional<QList<TreeEntry>> tree = mirror.listTree(commit, context, error);
    if (!tree) {
        if (error->isEmpty())
            *error = QStringLiteral("%1: no folder %2 at %3").arg(mirror.url(), context, commit.left(7));
        return false;
    }
    const auto dockerfile = mirror.readFile(commit, context + QStringLiteral("/Dockerfile"), error);
    if (!dockerfile) {
        if (error->isEmpty())
            *error = QStringLiteral("%1: no %2/Dockerfile at %3").arg(mirror.url(), context, commit.left(7));
        return false;
    }
    input->dockerfile = *dockerfile;
    for (const TreeEntry &entry : *tree) {
        if (entry.isDir)
            continue;
        input->files << entry.path;
        if (LintInput::isTextOfInterest(entry.path) && entry.size < 1024 * 1024) {
            if (const auto text = mirror.readFile(commit, context + QLatin1Char('/') + entry.path))
                input->texts.insert(entry.path, *text);
        }
    }
    QStringList readmes{context + QStringLiteral("/README.rst")};
    const QString parent = context.section(QLatin1Char('/'), 0, -2);
    if (parent.section(QLatin1Char('/'), -1) == QLatin1String("docker"))
        readmes << parent + QStringLiteral("/README.rst");
    for (const QString &path : std::as_const(readmes)) {
        if (const auto readme = mirror.readFile(commit, path)) {
            input->readme = *readme;
            input->readmePath = path;
            break;
        }
    }
    return true;
}

} // namespace

QList<FleetLint::Result> FleetLint::run(const Manifest &manifest, const QString &branch, const QString &cacheRoot,
                                        const Linter &linter, const QStringList &components, bool fetchMissing,
                                        const std::atomic_bool *cancel)
{
    QList<Result> results;
    QHash<QString, std::shared_ptr<GitMirror>> mirrors;
    QHash<QString, QString> fetchErrors;
    for (const ComponentSpec &component : manifest.components) {
        if (cancel && cancel->load())
            break;
        if (!components.isEmpty() && !components.contains(component.name))
            continue;
        Result result;
        result.component = component.name;
        result.branch = branch;
        result.dockerfilePath = QStringLiteral("%1@%2:%3/Dockerfile").arg(component.name, branch, component.context);

        std::shared_ptr<GitMirror> &mirror = mirrors[component.repo];
        if (!mirror) {
            mirror = std::make_shared<GitMirror>(component.repo, cacheRoot);
            QString error;
            if (!mirror->exists() && fetchMissing && !mirror->fetch({}, cancel, &error))
                fetchErrors.insert(component.repo, error);
        }
        if (fetchErrors.contains(component.repo)) {
            result.error = fetchErrors.value(component.repo);
            results.append(result);
            continue;
        }
        QString error;
        const std::optional<CommitInfo> commit = RefColumn::commitOf(*mirror, manifest, branch, &error);
        if (!commit) {
            result.error = error.isEmpty() ? QStringLiteral("%1: no branch %2").arg(component.repo, branch) : error;
            results.append(result);
            continue;
        }
        results.append(lintCommit(manifest, component.name, branch, commit->sha, *mirror, linter));
    }
    return results;
}

FleetLint::Result FleetLint::lintCommit(const Manifest &manifest, const QString &name, const QString &branch,
                                        const QString &commit, GitMirror &mirror, const Linter &linter)
{
    Result result;
    result.component = name;
    result.branch = branch;
    result.commit = commit;
    const ComponentSpec *component = manifest.component(name);
    if (!component) {
        result.error = QStringLiteral("%1: not in the manifest").arg(name);
        return result;
    }
    result.dockerfilePath = QStringLiteral("%1@%2:%3/Dockerfile").arg(name, branch, component->context);

    LintInput input;
    input.component = name;
    input.dockerfilePath = result.dockerfilePath;
    const bool isBase = std::any_of(manifest.components.cbegin(), manifest.components.cend(),
                                    [&](const ComponentSpec &c) { return c.base == name; });
    input.role =
        isBase ? LintInput::Role::Base : (component->base.isEmpty() ? LintInput::Role::Auto : LintInput::Role::Child);
    QString error;
    if (!readInput(mirror, commit, component->context, &input, &error)) {
        result.error = error;
        return result;
    }
    if (!input.readmePath.isEmpty())
        input.readmePath = QStringLiteral("%1@%2:%3").arg(name, branch, input.readmePath);
    // Empty when no plan could be made: then what the build passes is unknown and MRC114 is skipped.
    if (const QStringList names = BuildScript::argumentNames(!component->base.isEmpty()); !names.isEmpty())
        input.buildArgs = names;
    else
        input.buildArgs = std::nullopt;
    if (const ComponentSpec *base = manifest.component(component->base)) {
        // The base's ONBUILD triggers run in this build: read its Dockerfile at the same branch (mirrors share a
        // cache folder).
        GitMirror baseMirror(base->repo, QFileInfo(mirror.path()).path());
        if (baseMirror.exists()) {
            if (const auto baseCommit = RefColumn::commitOf(baseMirror, manifest, branch)) {
                if (const auto text =
                        baseMirror.readFile(baseCommit->sha, base->context + QStringLiteral("/Dockerfile"))) {
                    input.baseDockerfile = *text;
                    input.baseDockerfilePath =
                        QStringLiteral("%1@%2:%3/Dockerfile").arg(base->name, branch, base->context);
                }
            }
        }
    }
    result.dockerfile = input.dockerfile;
    result.findings = linter.lint(input);
    return result;
}

} // namespace mrc
