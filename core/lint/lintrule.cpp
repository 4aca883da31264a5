// SPDX-License-Identifier: Apache-2.0
#include "lint/lintrule.h"

#include "manifest/manifest.h"
#include "manifest/manifestparser.h"

#include <QRegularExpression>
#include <algorithm>

namespace mrc {

const QList<LintRule> &LintRule::all()
{
    using S = LintSeverity;
    static const QList<LintRule> rules{
        {QStringLiteral("MRC001"), S::Error, QStringLiteral("The Dockerfile does not parse"), false},
        {QStringLiteral("MRC002"), S::Warning, QStringLiteral("The Dockerfile parses, but Docker warns or guesses"),
         false},
        {QStringLiteral("MRC101"), S::Error,
         QStringLiteral("Build FROM monasca/base:$BASE_TAG with ARG BASE_TAG declared"), false},
        {QStringLiteral("MRC102"), S::Warning, QStringLiteral("Declare the standard ARGs before FROM"), false},
        {QStringLiteral("MRC103"), S::Error, QStringLiteral("The start script start.sh is in the folder"), false},
        {QStringLiteral("MRC104"), S::Error, QStringLiteral("The health check health_check.py is in the folder"),
         false},
        {QStringLiteral("MRC105"), S::Error, QStringLiteral("CMD is [\"/start.sh\"] in exec form"), false},
        {QStringLiteral("MRC106"), S::Error, QStringLiteral("Keep the init process (tini) of the base image"), false},
        {QStringLiteral("MRC107"), S::Warning, QStringLiteral("Clean the apk cache in the RUN that installs"), false},
        {QStringLiteral("MRC108"), S::Warning, QStringLiteral("Use a single RUN layer for the post-install steps"),
         false},
        {QStringLiteral("MRC109"), S::Warning, QStringLiteral("The folder has a README.rst"), false},
        {QStringLiteral("MRC110"), S::Warning, QStringLiteral("Every ENV variable is in the README's table"), false},
        {QStringLiteral("MRC111"), S::Info, QStringLiteral("Every variable in the README's table is used"), false},
        {QStringLiteral("MRC112"), S::Error,
         QStringLiteral("Every *.j2 template of the folder is copied into the image"), false},
        {QStringLiteral("MRC113"), S::Warning, QStringLiteral("The OCI labels are set"), false},
        {QStringLiteral("MRC114"), S::Warning,
         QStringLiteral("Every ARG that is used has a value: a default or a build argument"), false},
        {QStringLiteral("MRC115"), S::Warning, QStringLiteral("Write instruction keywords in upper case"), false},
        {QStringLiteral("DL3000"), S::Error, QStringLiteral("Use absolute WORKDIR"), true},
        {QStringLiteral("DL3003"), S::Warning, QStringLiteral("Use WORKDIR to switch to a directory"), true},
        {QStringLiteral("DL3004"), S::Error, QStringLiteral("Do not use sudo"), true},
        {QStringLiteral("DL3007"), S::Warning, QStringLiteral("Using latest is prone to errors; pin the version"),
         true},
        {QStringLiteral("DL3009"), S::Info, QStringLiteral("Delete the apt-get lists after installing something"),
         true},
        {QStringLiteral("DL3019"), S::Info, QStringLiteral("Use the --no-cache switch with apk add"), true},
        {QStringLiteral("DL3020"), S::Error, QStringLiteral("Use COPY instead of ADD for files and folders"), true},
        {QStringLiteral("DL3025"), S::Warning, QStringLiteral("Use JSON notation for CMD and ENTRYPOINT"), true},
        {QStringLiteral("DL3027"), S::Warning, QStringLiteral("Do not use apt; use apt-get or apt-cache"), true},
        {QStringLiteral("DL3042"), S::Warning,
         QStringLiteral("Avoid the pip cache directory: pip install --no-cache-dir"), true},
        {QStringLiteral("DL3059"), S::Info,
         QStringLiteral("Multiple consecutive RUN instructions; consider consolidation"), true},
        {QStringLiteral("DL4000"), S::Error, QStringLiteral("MAINTAINER is deprecated"), true},
        {QStringLiteral("DL4006"), S::Warning,
         QStringLiteral("Set the SHELL option -o pipefail before RUN with a pipe in it"), true},
    };
    return rules;
}

const LintRule *LintRule::find(const QString &id)
{
    for (const LintRule &rule : all()) {
        if (rule.id == id)
            return &rule;
    }
    return nullptr;
}

ManifestProblems LintRule::unknownIn(const LintSpec &spec)
{
    static const QRegularExpression hadolintRule(QStringLiteral("^(DL|SC)[0-9]+$"));
    ManifestProblems problems;
    for (auto it = spec.severityPlace.cbegin(); it != spec.severityPlace.cend(); ++it) {
        if (find(it.key()) || hadolintRule.match(it.key()).hasMatch())
            continue;
        ManifestProblem problem = it.value();
        problem.message = QStringLiteral("unknown lint rule '%1'").arg(it.key());
        problems.append(problem);
    }
    std::sort(problems.begin(), problems.end(), [](const ManifestProblem &a, const ManifestProblem &b) {
        return std::tie(a.file, a.line, a.column) < std::tie(b.file, b.line, b.column);
    });
    return problems;
}

void LintRule::checkRules(ManifestResult &result)
{
    result.problems += unknownIn(result.manifest.lint);
    std::stable_sort(result.problems.begin(), result.problems.end(), [](const auto &a, const auto &b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
}

QString LintRule::helpAnchor() const
{
    return QStringLiteral("docs/lint.rst#") + id.toLower();
}

} // namespace mrc
