// SPDX-License-Identifier: Apache-2.0
#include "jobs/buildargs.h"

#include <QHash>

namespace mrc {

struct BuildArgs::Values
{
    QHash<QString, QString> vars;
    QString wgetUrl; // non-empty on the stable path
};

BuildArgs::Values BuildArgs::variables(const BuildScript &script, const QByteArray &dockerfile, const Input &input)
{
    Values v;
    auto &vars = v.vars;
    if (script.kind == BuildScript::Kind::Base) {
        vars.insert(QStringLiteral("BASE_GIT_COMMIT"), input.gitCommit);
        vars.insert(QStringLiteral("BASE_CREATION_TIME"), input.created);
        return v;
    }
    const auto grep = [&](const QString &variable) {
        return BuildScript::grepCut(dockerfile, script.grepPattern(variable));
    };
    QString repoVersion = input.repoVersion;
    if (repoVersion.isEmpty())
        repoVersion = grep(QStringLiteral("REPO_VERSION"));
    vars.insert(QStringLiteral("REPO_VERSION"), repoVersion);
    const QString appRepo = grep(QStringLiteral("APP_REPO"));
    vars.insert(QStringLiteral("APP_REPO"), appRepo);
    vars.insert(QStringLiteral("GITHUB_REPO"), script.githubRepo(appRepo));

    QString constraintsFile = grep(QStringLiteral("CONSTRAINTS_FILE"));
    if (constraintsFile.isEmpty())
        constraintsFile = script.constraintsDefault;
    QString constraintsBranch = input.constraintsBranch;
    if (constraintsBranch.isEmpty())
        constraintsBranch = grep(QStringLiteral("CONSTRAINTS_BRANCH"));
    QString constraintsBranchClean = constraintsBranch;
    if (BuildScript::isStable(repoVersion)) {
        constraintsBranchClean = repoVersion;
        if (script.stripStablePrefix)
            constraintsBranchClean.replace(QLatin1String("stable/"), QString());
        switch (script.stableConstraints) {
        case BuildScript::StableConstraints::ReplaceMaster:
            // ${CONSTRAINTS_FILE/master/$CONSTRAINTS_BRANCH_CLEAN}: the first "master" only.
            if (const qsizetype at = constraintsFile.indexOf(QLatin1String("master")); at >= 0)
                constraintsFile.replace(at, 6, constraintsBranchClean);
            v.wgetUrl = constraintsFile;
            break;
        case BuildScript::StableConstraints::BranchQuery:
            v.wgetUrl = constraintsFile + QStringLiteral("?h=") + constraintsBranchClean;
            break;
        case BuildScript::StableConstraints::None:
            v.wgetUrl = constraintsFile;
            break;
        }
    }
    vars.insert(QStringLiteral("CONSTRAINTS_FILE"), constraintsFile);
    vars.insert(QStringLiteral("CONSTRAINTS_BRANCH"), constraintsBranch);
    vars.insert(QStringLiteral("CONSTRAINTS_BRANCH_CLEAN"), constraintsBranchClean);

    QString commonRepo = grep(QStringLiteral("COMMON_REPO"));
    if (commonRepo.isEmpty())
        commonRepo = script.commonRepoDefault;
    vars.insert(QStringLiteral("COMMON_REPO"), commonRepo);
    vars.insert(QStringLiteral("COMMON_VERSION"), grep(QStringLiteral("COMMON_VERSION")));
    vars.insert(QStringLiteral("GIT_COMMIT"), input.gitCommit);
    vars.insert(QStringLiteral("CREATION_TIME"), input.created);
    return v;
}

QString BuildArgs::constraintsFetchUrl(const BuildScript &script, const QByteArray &dockerfile, const Input &input)
{
    return variables(script, dockerfile, input).wgetUrl;
}

std::optional<QMap<QString, QString>> BuildArgs::compute(const BuildScript &script, const QByteArray &dockerfile,
                                                         const Input &input, const ConstraintsReader &constraints,
                                                         const CommonResolver &common, QString *error)
{
    Values v = variables(script, dockerfile, input);
    QHash<QString, QString> &vars = v.vars;
    const auto passes = [&script](const QString &variable) {
        for (const auto &arg : script.buildArgs) {
            if (arg.second == variable)
                return true;
        }
        return false;
    };
    if (script.kind == BuildScript::Kind::Image) {
        if (!v.wgetUrl.isEmpty()) {
            const std::optional<QByteArray> text = constraints(v.wgetUrl, error);
            if (!text)
                return std::nullopt;
            QString pinned;
            if (!BuildScript::commonPin(*text, &pinned)) {
                *error = QStringLiteral("the constraints file %1 pins no monasca-common").arg(v.wgetUrl);
                return std::nullopt;
            }
            if (!pinned.isEmpty())
                vars.insert(QStringLiteral("COMMON_VERSION"), pinned);
        }
        if (passes(QStringLiteral("COMMON_GIT_COMMIT"))) {
            const std::optional<QString> commit = common(vars.value(QStringLiteral("COMMON_VERSION")), error);
            if (!commit)
                return std::nullopt;
            vars.insert(QStringLiteral("COMMON_GIT_COMMIT"), *commit);
        }
    }
    QMap<QString, QString> out;
    for (const auto &[name, variable] : script.buildArgs)
        out.insert(name, vars.value(variable));
    return out;
}

} // namespace mrc
