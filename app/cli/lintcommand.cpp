// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "git/gitmirror.h"
#include "lint/corpusindex.h"
#include "lint/linter.h"
#include "lint/lintinput.h"
#include "lint/lintreport.h"
#include "lint/lintrule.h"
#include "lint/lintsetup.h"
#include "logs/terminaltext.h"
#include "manifest/manifestparser.h"
#include "workspace/fleetlint.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>

namespace mrc::cli {

namespace {

/** A Dockerfile path lints its folder; a folder path lints the Dockerfile in it. */
bool inputFromPath(const QString &path, LintInput *input, QString *error)
{
    const QFileInfo info(path);
    if (info.isDir())
        return LintInput::fromDirectory(path, input, error);
    if (!info.exists()) {
        *error = QStringLiteral("%1: no such file or folder").arg(path);
        return false;
    }
    if (!LintInput::fromDirectory(info.path(), input, error, info.fileName()))
        return false;
    input->dockerfilePath = path; // as the user typed it
    return true;
}

void addLintOptions(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        QStringLiteral("Lint Dockerfiles: the Monasca rules (MRC1xx) and hadolint-compatible rules (DLxxxx).\n"
                       "Without PATH, lints every component of the manifest at a branch, read from the git mirrors."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("branch"), QStringLiteral("The branch to lint (default: the manifest's first)."),
                      QStringLiteral("BRANCH")});
    parser.addOption({QStringLiteral("component"), QStringLiteral("Lint only this component (repeatable)."),
                      QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("corpus"),
                      QStringLiteral("Lint every Dockerfile of a corpus folder with an INDEX.yaml."),
                      QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("format"), QStringLiteral("text (default), json, sarif or checkstyle."),
                      QStringLiteral("FORMAT"), QStringLiteral("text")});
    parser.addOption({QStringLiteral("severity"),
                      QStringLiteral("Change a rule's severity: RULE=error|warning|info|off (repeatable)."),
                      QStringLiteral("RULE=LEVEL")});
    parser.addOption(
        {QStringLiteral("no-hadolint"), QStringLiteral("Do not run hadolint even when it is on the PATH.")});
    parser.addOption({QStringLiteral("rules"), QStringLiteral("List the rules and exit.")});
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("Dockerfiles or folders to lint."),
                                 QStringLiteral("[PATH...]"));
}

/** The linter of the command line: hadolint unless --no-hadolint, with each --severity; false on a bad one. */
bool commandLineLinter(const QCommandLineParser &parser, Linter &linter, QTextStream &err)
{
    linter.setUseHadolint(!parser.isSet(QStringLiteral("no-hadolint")));
    for (const QString &override : parser.values(QStringLiteral("severity"))) {
        const QString rule = override.section(QLatin1Char('='), 0, 0).trimmed().toUpper();
        LintSeverity severity{};
        if (!override.contains(QLatin1Char('=')) ||
            !parseLintSeverity(override.section(QLatin1Char('='), 1), &severity)) {
            err << "mrc lint: --severity " << override << ": use RULE=error|warning|info|off\n";
            return false;
        }
        linter.setSeverity(rule, severity);
    }
    return true;
}

/** --corpus DIR: every image of its INDEX.yaml; an image that cannot be read counts in *problems. */
bool lintCorpus(const QString &dir, Linter &linter, QList<LintFinding> &findings, int *problems, QTextStream &err)
{
    CorpusIndex corpus;
    QString error;
    if (!corpus.load(dir, &error)) {
        err << error << '\n';
        return false;
    }
    for (const CorpusIndex::Image &image : corpus.images()) {
        LintInput input;
        if (!corpus.input(image, &input, &error)) {
            err << error << '\n';
            ++*problems;
            continue;
        }
        findings += linter.lint(input);
    }
    return true;
}

/** PATH...: each Dockerfile or folder; one that cannot be read counts in *problems. */
void lintPaths(const QStringList &paths, Linter &linter, QList<LintFinding> &findings, int *problems, QTextStream &err)
{
    for (const QString &path : paths) {
        LintInput input;
        QString error;
        if (!inputFromPath(path, &input, &error)) {
            err << error << '\n';
            ++*problems;
            continue;
        }
        findings += linter.lint(input);
    }
}

/** No PATH: every component (or each --component) of the manifest at --branch, from the git mirrors. */
bool lintManifest(const QCommandLineParser &parser, const Linter &linter, QList<LintFinding> &findings,
                  QTextStream &err)
{
    const std::optional<Manifest> loaded = loadManifest(parser.value(QStringLiteral("manifest")), err);
    if (!loaded)
        return false;
    QString branch = parser.value(QStringLiteral("branch"));
    if (branch.isEmpty() && !loaded->branches.isEmpty())
        branch = loaded->branches.first().name;
    if (!loaded->branch(branch)) {
        err << "mrc lint: the manifest has no branch '" << branch << "'\n";
        return false;
    }
    const QStringList components = parser.values(QStringLiteral("component"));
    for (const QString &name : components) {
        if (!loaded->component(name)) {
            err << "mrc lint: the manifest has no component '" << name << "'\n";
            return false;
        }
    }
    // The manifest's overrides first, so --severity on the command line wins.
    Linter configured = LintSetup::make(loaded->lint, !parser.isSet(QStringLiteral("no-hadolint")));
    const QHash<QString, LintSeverity> overrides = linter.severities();
    for (auto it = overrides.cbegin(); it != overrides.cend(); ++it)
        configured.setSeverity(it.key(), it.value());
    const QList<FleetLint::Result> results =
        FleetLint::run(*loaded, branch, GitMirror::defaultCacheRoot(), configured, components);
    for (const FleetLint::Result &result : results) {
        if (!result.error.isEmpty()) {
            err << result.component << '@' << branch << ": " << result.error << '\n';
            continue; // a component without the branch is not a lint failure
        }
        findings += result.findings;
    }
    return true;
}

} // namespace

int runLint(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    addLintOptions(parser);
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("lint"), arguments, out, err))
        return *code;
    if (parser.isSet(QStringLiteral("rules"))) {
        for (const LintRule &rule : LintRule::all())
            out << rule.id << ' ' << lintSeverityName(rule.severity).leftJustified(8) << rule.title << '\n';
        return Ok;
    }

    LintReport::Format format = LintReport::Format::Text;
    if (!LintReport::parseFormat(parser.value(QStringLiteral("format")), &format)) {
        err << "mrc lint: unknown format '" << parser.value(QStringLiteral("format"))
            << "'; use text, json, sarif or checkstyle\n";
        return BadInput;
    }
    Linter linter;
    if (!commandLineLinter(parser, linter, err))
        return BadInput;

    const QStringList paths = parser.positionalArguments().mid(1); // the first is "lint"
    QList<LintFinding> findings;
    int problems = 0;
    if (parser.isSet(QStringLiteral("corpus"))) {
        if (!lintCorpus(parser.value(QStringLiteral("corpus")), linter, findings, &problems, err))
            return BadInput;
    } else if (!paths.isEmpty()) {
        lintPaths(paths, linter, findings, &problems, err);
    } else if (!lintManifest(parser, linter, findings, err)) {
        return BadInput;
    }

    // Findings quote Dockerfile lines; as text they must not carry a terminal's escape sequences (JSON, SARIF and
    // checkstyle escape them already).
    const QString report = QString::fromUtf8(LintReport::format(findings, format));
    out << (format == LintReport::Format::Text ? TerminalText::neutralised(report) : report);
    out.flush();
    if (problems > 0)
        return BadInput;
    return worstSeverity(findings) == LintSeverity::Error ? Failure : Ok;
}

} // namespace mrc::cli
