// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"

#include "render/celltemplates.h"
#include "git/gitmirror.h"
#include "manifest/manifestparser.h"
#include "render/templaterenderer.h"
#include "render/templatevariables.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace mrc::cli {

ManifestResult loadManifestArgument(const QString &path);

namespace {

QJsonObject toJson(const RenderProblem &problem)
{
    return QJsonObject{{QStringLiteral("line"), problem.line},
                       {QStringLiteral("kind"), problem.kindName()},
                       {QStringLiteral("name"), problem.name},
                       {QStringLiteral("message"), problem.message}};
}

/** Variables for one cell: both Dockerfiles, then the context file, then --set. */
bool prepare(TemplateRenderer &renderer, const CellTemplates &cell, const QString &contextText,
             const QString &contextFile, const QHash<QString, QString> &sets, TemplateVariables *variables,
             QTextStream &err)
{
    variables->setDockerfiles(cell.baseDockerfile, cell.baseComponent + QStringLiteral("/Dockerfile"), cell.dockerfile,
                              cell.folder + QStringLiteral("/Dockerfile"));
    for (const DockerfileProblem &problem : variables->problems())
        err << "warning: " << problem.message << '\n';
    if (!cell.warning.isEmpty())
        err << "warning: " << cell.warning << '\n';
    if (!contextText.isEmpty()) {
        QString error;
        const auto values = renderer.contextValues(variables->environment(), contextText, &error);
        if (!values) {
            err << "mrc render: " << contextFile << ": " << error << '\n';
            return false;
        }
        variables->setContext(contextText, contextFile, *values);
    }
    for (auto it = sets.cbegin(); it != sets.cend(); ++it)
        variables->setUser(it.key(), it.value());
    return true;
}

int renderAll(const Manifest &manifest, const QString &cacheRoot, bool json, bool ignoreUndefined,
              const QString &contextText, const QString &contextFile, const QHash<QString, QString> &sets)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    TemplateRenderer renderer;
    QString error;
    if (!renderer.start(&error)) {
        err << "mrc render: " << error << '\n';
        return Environment;
    }
    QJsonArray rows;
    QStringList problems;
    int counts[3] = {0, 0, 0};
    bool anyCell = false;
    struct Row
    {
        QString component, branch, path, status;
        int problems;
    };
    QList<Row> table;
    for (const ComponentSpec &component : manifest.components) {
        for (const BranchSpec &branch : manifest.branches) {
            const CellTemplates cell = CellTemplates::load(manifest, component.name, branch.name, cacheRoot);
            if (!cell.ok())
                continue; // a branch the repository lacks is no render problem
            anyCell = true;
            TemplateVariables variables;
            if (!prepare(renderer, cell, contextText, contextFile, sets, &variables, err))
                return BadInput;
            for (const TemplateFile &file : cell.templates) {
                const RenderResult result =
                    renderer.render(variables.request(file.path, file.text, ignoreUndefined));
                ++counts[result.status];
                table.append({component.name, branch.name, file.path, result.statusName(), int(result.problems.size())});
                QJsonArray jsonProblems;
                for (const RenderProblem &problem : result.problems) {
                    jsonProblems.append(toJson(problem));
                    problems.append(QStringLiteral("%1 %2 %3").arg(component.name, branch.name,
                                                                   problem.toString(cell.folder + QLatin1Char('/') + file.path)));
                }
                rows.append(QJsonObject{{QStringLiteral("component"), component.name},
                                        {QStringLiteral("branch"), branch.name},
                                        {QStringLiteral("commit"), cell.commit},
                                        {QStringLiteral("template"), file.path},
                                        {QStringLiteral("status"), result.statusName()},
                                        {QStringLiteral("partial"), result.partial},
                                        {QStringLiteral("output"), result.output},
                                        {QStringLiteral("problems"), jsonProblems}});
            }
        }
    }
    if (!anyCell) {
        err << "mrc render: no component has any of the manifest's branches (check the repositories)\n";
        return Environment;
    }
    if (json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("templates"), rows}}).toJson(QJsonDocument::Indented);
    } else {
        int widths[3] = {9, 6, 8};
        for (const Row &row : table) {
            widths[0] = std::max(widths[0], int(row.component.size()));
            widths[1] = std::max(widths[1], int(row.branch.size()));
            widths[2] = std::max(widths[2], int(row.path.size()));
        }
        out << QStringLiteral("component").leftJustified(widths[0] + 2) << QStringLiteral("branch").leftJustified(widths[1] + 2)
            << QStringLiteral("template").leftJustified(widths[2] + 2) << "status\n";
        for (const Row &row : table) {
            out << row.component.leftJustified(widths[0] + 2) << row.branch.leftJustified(widths[1] + 2)
                << row.path.leftJustified(widths[2] + 2) << row.status;
            if (row.problems > 0)
                out << " (" << row.problems << ')';
            out << '\n';
        }
        out << '\n' << table.size() << " templates: " << counts[RenderResult::Ok] << " ok, "
            << counts[RenderResult::Undefined] << " undefined, " << counts[RenderResult::Error] << " error\n";
        for (const QString &problem : std::as_const(problems))
            out << problem << '\n';
    }
    return counts[RenderResult::Undefined] + counts[RenderResult::Error] > 0 ? Failure : Ok;
}

} // namespace

int runRender(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Render a component's Jinja2 templates as templer does in the image, with the Dockerfile's environment."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("component"), QStringLiteral("The component."), QStringLiteral("NAME")});
    parser.addOption({QStringLiteral("branch"), QStringLiteral("The branch."), QStringLiteral("BRANCH")});
    parser.addOption({QStringLiteral("template"),
                      QStringLiteral("The template's path in the context folder (default: every template)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("set"), QStringLiteral("Set an environment variable (repeatable)."),
                      QStringLiteral("K=V")});
    parser.addOption({QStringLiteral("context"), QStringLiteral("A templer context file (YAML)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("strict"), QStringLiteral("Undefined variables are errors (templer's default).")});
    parser.addOption({QStringLiteral("ignore-undefined"), QStringLiteral("Render undefined variables empty (templer -i).")});
    parser.addOption({QStringLiteral("all"), QStringLiteral("Render every template of every cell and print a table.")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("With --all: print one JSON object {\"templates\": [...]}.")});
    parser.addPositionalArgument(QStringLiteral("render"), QStringLiteral("The command."));
    if (!parser.parse(QStringList{QStringLiteral("mrc")} + arguments)) {
        err << "mrc render: " << parser.errorText() << '\n';
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Ok;
    }
    if (parser.positionalArguments().size() > 1) {
        err << "mrc render: unexpected argument '" << parser.positionalArguments().at(1) << "'\n";
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("strict")) && parser.isSet(QStringLiteral("ignore-undefined"))) {
        err << "mrc render: --strict and --ignore-undefined exclude each other\n";
        return BadInput;
    }
    QHash<QString, QString> sets;
    for (const QString &set : parser.values(QStringLiteral("set"))) {
        const qsizetype eq = set.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            err << "mrc render: --set wants NAME=VALUE, got '" << set << "'\n";
            return BadInput;
        }
        sets.insert(set.left(eq), set.mid(eq + 1));
    }
    QString contextText;
    const QString contextFile = parser.value(QStringLiteral("context"));
    if (!contextFile.isEmpty()) {
        QFile file(contextFile);
        if (!file.open(QIODevice::ReadOnly)) {
            err << "mrc render: " << contextFile << ": " << file.errorString() << '\n';
            return BadInput;
        }
        contextText = QString::fromUtf8(file.readAll());
    }
    const ManifestResult loaded = loadManifestArgument(parser.value(QStringLiteral("manifest")));
    if (!loaded.ok()) {
        for (const ManifestProblem &problem : loaded.problems)
            err << problem.toString() << '\n';
        return BadInput;
    }
    const bool ignore = parser.isSet(QStringLiteral("ignore-undefined"));
    const QString cacheRoot = GitMirror::defaultCacheRoot();
    if (parser.isSet(QStringLiteral("all")))
        return renderAll(loaded.manifest, cacheRoot, parser.isSet(QStringLiteral("json")), ignore, contextText,
                         contextFile, sets);

    const QString component = parser.value(QStringLiteral("component"));
    const QString branch = parser.value(QStringLiteral("branch"));
    if (component.isEmpty() || branch.isEmpty()) {
        err << "mrc render: --component and --branch are required (or --all)\n";
        return BadInput;
    }
    if (!loaded.manifest.component(component)) {
        err << "mrc render: no component '" << component << "' in " << loaded.manifest.path << '\n';
        return BadInput;
    }
    const CellTemplates cell = CellTemplates::load(loaded.manifest, component, branch, cacheRoot);
    if (!cell.ok()) {
        err << "mrc render: " << cell.error << '\n';
        return BadInput;
    }
    QList<TemplateFile> chosen = cell.templates;
    const QString only = parser.value(QStringLiteral("template"));
    if (!only.isEmpty()) {
        const TemplateFile *file = cell.find(only);
        if (!file) {
            QStringList names;
            for (const TemplateFile &t : cell.templates)
                names.append(t.path);
            err << "mrc render: " << component << "@" << branch << " has no template '" << only
                << "'. Templates: " << names.join(QStringLiteral(", ")) << '\n';
            return BadInput;
        }
        chosen = {*file};
    }
    TemplateRenderer renderer;
    QString error;
    if (!renderer.start(&error)) {
        err << "mrc render: " << error << '\n';
        return Environment;
    }
    TemplateVariables variables;
    if (!prepare(renderer, cell, contextText, contextFile, sets, &variables, err))
        return BadInput;
    bool problems = false;
    for (const TemplateFile &file : chosen) {
        const RenderResult result = renderer.render(variables.request(file.path, file.text, ignore));
        if (chosen.size() > 1)
            out << "==> " << cell.folder << '/' << file.path << " <==\n";
        if (result.ok())
            out << result.output;
        for (const RenderProblem &problem : result.problems)
            err << problem.toString(cell.folder + QLatin1Char('/') + file.path) << '\n';
        problems = problems || !result.ok();
    }
    return problems ? Failure : Ok;
}

} // namespace mrc::cli
