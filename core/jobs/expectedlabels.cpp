// SPDX-License-Identifier: Apache-2.0
#include "jobs/expectedlabels.h"

#include "dockerfile/dockerfile.h"
#include "dockerfile/dockerfileenv.h"
#include "git/gitmirror.h"
#include "jobs/buildplan.h"

namespace mrc {

QMap<QString, QString> ExpectedLabels::fromFiles(const QByteArray &dockerfile, const QByteArray &baseDockerfile,
                                                 const QHash<QString, QString> &buildArgs, QStringList *problems,
                                                 const QHash<QString, QString> &baseBuildArgs)
{
    const Dockerfile own = Dockerfile::parse(dockerfile, QStringLiteral("Dockerfile"));
    QMap<QString, QString> labels;
    QList<DockerfileInstruction> triggers;
    QList<DockerfileProblem> found;
    if (!baseDockerfile.isEmpty()) {
        const Dockerfile base = Dockerfile::parse(baseDockerfile, QStringLiteral("base"));
        const DockerfileEnvResult inherited = DockerfileEnv::evaluate(base, {}, baseBuildArgs);
        labels = inherited.labels; // what the base image carries
        found = inherited.problems;
        triggers = DockerfileEnv::onbuildTriggers(base);
    }
    const DockerfileEnvResult result = DockerfileEnv::evaluate(own, {}, buildArgs, triggers);
    for (auto it = result.labels.cbegin(); it != result.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    found += result.problems;
    if (problems) {
        for (const DockerfileProblem &problem : std::as_const(found))
            problems->append(problem.message);
    }
    return labels;
}

ExpectedLabels::Result ExpectedLabels::forCell(const Manifest &manifest, const ComponentSpec &component,
                                               const Cell &cell, const Cell *baseCell, const QString &cacheRoot)
{
    Result result;
    GitMirror mirror(component.repo, cacheRoot);
    const QString path = component.context + QStringLiteral("/Dockerfile");
    QString error;
    const std::optional<QByteArray> dockerfile = mirror.readFile(cell.commit, path, &error);
    if (!dockerfile) {
        result.error =
            error.isEmpty() ? QStringLiteral("%1 has no %2 at %3").arg(component.repo, path, cell.commit) : error;
        return result;
    }
    QByteArray baseDockerfile;
    const ComponentSpec *base = component.base.isEmpty() ? nullptr : manifest.component(component.base);
    QStringList unknown{QStringLiteral("the build time")};
    if (base && baseCell && !baseCell->commit.isEmpty()) {
        GitMirror baseMirror(base->repo, cacheRoot);
        const QString basePath = base->context + QStringLiteral("/Dockerfile");
        if (const auto text = baseMirror.readFile(baseCell->commit, basePath, &error))
            baseDockerfile = *text;
        else
            unknown << QStringLiteral("the base's ONBUILD labels (%1)").arg(error.isEmpty() ? basePath : error);
    } else if (base) {
        unknown << QStringLiteral("the base's ONBUILD labels (no commit of %1)").arg(base->name);
    }

    // The base image's own labels come with its build arguments.
    QHash<QString, QString> baseArgs;
    if (!baseDockerfile.isEmpty()) {
        BuildJobSpec baseJob;
        baseJob.cell = *baseCell;
        baseJob.repo = base->repo;
        baseJob.context = base->context;
        QString baseError;
        if (BuildPlan::resolveJobArgs(baseJob, manifest, cacheRoot, &baseError)) {
            for (auto it = baseJob.buildArgs.cbegin(); it != baseJob.buildArgs.cend(); ++it)
                baseArgs.insert(it.key(), it.value());
        } else {
            unknown << QStringLiteral("the base's build arguments (%1)").arg(baseError);
        }
    }
    BuildJobSpec job;
    job.cell = cell;
    job.repo = component.repo;
    job.context = component.context;
    job.baseCommit = baseCell ? baseCell->commit : QString();
    QHash<QString, QString> args;
    QString argsError;
    if (BuildPlan::resolveJobArgs(job, manifest, cacheRoot, &argsError)) {
        for (auto it = job.buildArgs.cbegin(); it != job.buildArgs.cend(); ++it)
            args.insert(it.key(), it.value());
    } else {
        unknown << QStringLiteral("the build arguments (%1)").arg(argsError);
    }
    QStringList problems;
    result.labels = fromFiles(*dockerfile, baseDockerfile, args, &problems, baseArgs);
    // What mrc passes to the build API wins over the Dockerfiles' values.
    const QMap<QString, QString> passed = BuildPlan::expectedLabels(component, cell, job.baseCommit);
    for (auto it = passed.cbegin(); it != passed.cend(); ++it)
        result.labels.insert(it.key(), it.value());
    result.labels.remove(QLatin1String(ImageLabels::created));
    result.note = QStringLiteral("not known: %1").arg(unknown.join(QStringLiteral(", ")));
    if (!problems.isEmpty())
        result.note += QStringLiteral("; ") + problems.join(QStringLiteral("; "));
    result.ok = true;
    return result;
}

} // namespace mrc
