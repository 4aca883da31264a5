// SPDX-License-Identifier: Apache-2.0
#include "lint/linter.h"

#include "dockerfile/buildscript.h"
#include "dockerfile/dockerfile.h"
#include "lint/hadolint.h"
#include "lint/lintinput.h"
#include "lint/lintrule.h"
#include "lint/lintrun.h"
#include "lint/readmetable.h"
#include "manifest/manifest.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <optional>

namespace mrc {

namespace {

/** Rules silenced by `# mrc-ignore: RULE[, RULE]`, keyed by the index of the instruction they precede. */
QHash<int, QStringList> ignores(const Dockerfile &df)
{
    static const QRegularExpression re(QStringLiteral("^\\s*mrc-ignore\\s*:\\s*(.+)$"));
    QHash<int, QStringList> out;
    for (const auto &[line, text] : df.comments) {
        const auto m = re.match(text);
        if (!m.hasMatch())
            continue;
        for (qsizetype i = 0; i < df.instructions.size(); ++i) {
            if (df.instructions.at(i).lastLine >= line) {
                out[int(i)] << m.captured(1).split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts);
                break;
            }
        }
    }
    return out;
}

/** What the build passes (see LintInput::buildArgs); nullopt: unknown. */
std::optional<QStringList> suppliedArgs(const LintInput &input, const Dockerfile &df)
{
    if (input.buildArgs)
        return input.buildArgs;
    static const QStringList scripts{QStringLiteral("build_image.sh"), QStringLiteral("build_base_image.sh")};
    QStringList names;
    bool read = false;
    for (const QString &script : scripts) {
        if (input.texts.contains(script)) {
            names << LintInput::scriptBuildArgs(input.texts.value(script));
            read = true;
        } else if (input.files.contains(script)) {
            return std::nullopt; // upstream has it, its text is not here
        }
    }
    if (read)
        return names;
    bool child = input.role == LintInput::Role::Child;
    if (input.role == LintInput::Role::Auto) {
        for (const DockerfileInstruction &inst : df.instructions) {
            if (inst.keyword == QLatin1String("FROM"))
                child = LintRun::imageOf(inst).startsWith(QLatin1String("monasca/base:"));
        }
    }
    const QStringList own = BuildScript::argumentNames(child);
    if (own.isEmpty())
        return std::nullopt; // no plan could be made: unknown
    return own;
}

} // namespace

void Linter::setSeverity(const QString &rule, LintSeverity severity)
{
    m_severities.insert(rule, severity);
}

void Linter::applySpec(const LintSpec &spec)
{
    for (auto it = spec.severity.cbegin(); it != spec.severity.cend(); ++it) {
        LintSeverity severity{};
        if (parseLintSeverity(it.value(), &severity))
            setSeverity(it.key(), severity);
    }
}

QList<LintFinding> Linter::lint(const LintInput &input) const
{
    const Dockerfile df = Dockerfile::parse(input.dockerfile, input.dockerfilePath);
    LintRun run(input, df, suppliedArgs(input, df));
    run.run();
    QList<LintFinding> findings = run.findings;

    if (m_useHadolint && !Hadolint::executable().isEmpty()) {
        QString error;
        const QList<LintFinding> external = Hadolint::run(input.dockerfile, input.dockerfilePath, &error);
        for (const LintFinding &f : external) {
            // hadolint reports an instruction's first line, mrc the continuation line of the command
            const auto inst = std::find_if(df.instructions.cbegin(), df.instructions.cend(), [&](const auto &i) {
                return f.line >= i.firstLine && f.line <= i.lastLine;
            });
            const bool duplicate = std::any_of(findings.cbegin(), findings.cend(), [&](const LintFinding &own) {
                const bool sameInstruction = inst != df.instructions.cend()
                                                 ? own.line >= inst->firstLine && own.line <= inst->lastLine
                                                 : own.line == f.line;
                return own.rule == f.rule && sameInstruction && own.file == f.file;
            });
            if (!duplicate)
                findings.append(f);
        }
        if (!error.isEmpty()) {
            LintFinding f;
            f.file = input.dockerfilePath;
            f.line = 1;
            f.rule = QStringLiteral("MRC002");
            f.severity = LintSeverity::Warning;
            f.message = error;
            findings.append(f);
        }
    }

    const QHash<int, QStringList> ignored = ignores(df);
    QList<LintFinding> kept;
    for (LintFinding f : std::as_const(findings)) {
        f.severity = m_severities.value(f.rule, f.severity);
        if (f.severity == LintSeverity::Off)
            continue;
        if (f.file == input.dockerfilePath && !ignored.isEmpty()) {
            bool silenced = false;
            for (auto it = ignored.cbegin(); it != ignored.cend() && !silenced; ++it) {
                const DockerfileInstruction &inst = df.instructions.at(it.key());
                silenced = f.line >= inst.firstLine && f.line <= inst.lastLine &&
                           (it.value().contains(f.rule) || it.value().contains(QStringLiteral("all")));
            }
            if (silenced)
                continue;
        }
        kept.append(f);
    }
    std::stable_sort(kept.begin(), kept.end(), [&](const LintFinding &a, const LintFinding &b) {
        const bool aDockerfile = a.file == input.dockerfilePath;
        const bool bDockerfile = b.file == input.dockerfilePath;
        if (aDockerfile != bDockerfile)
            return aDockerfile;
        return std::tie(a.file, a.line, a.rule, a.message) < std::tie(b.file, b.line, b.rule, b.message);
    });
    return kept;
}

QList<Linter::ReadmeVariable> Linter::readmeVariables(const QByteArray &readme)
{
    return ReadmeTable::variables(readme);
}

} // namespace mrc
