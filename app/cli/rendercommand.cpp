// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "cli/sessionprinter.h"
#include "git/gitmirror.h"
#include "manifest/manifestparser.h"
#include "render/celltemplates.h"
#include "render/templaterenderer.h"
#include "render/templatevariables.h"
#include "sessions/rendersession.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace mrc::cli {

namespace {

QJsonObject toJson(const RenderProblem &problem)
{
    return QJsonObject{{QStringLiteral("line"), problem.line},
                       {QStringLiteral("kind"), problem.kindName()},
                       {QStringLiteral("name"), problem.name},
                       {QStringLiteral("message"), problem.message}};
}

/** Runs @p session to its end: warnings as "warning: ...", a stop as "mrc render: ..."; -1 or the exit code. */
int renderToEnd(RenderSession &session, QTextStream &err)
{
    QObject::connect(&session, &RenderSession::warning, &session,
                     [&err](const QString &text) { err << "warning: " << text << '\n'; });
    QObject::connect(&session, &RenderSession::failed, &session,
                     [&err](const QString &text) { err << "mrc render: " << text << '\n'; });
    cli::runToEnd(session, err, QStringLiteral("mrc render: interrupted"));
    return planningExitCode(session);
}

int renderAll(const Manifest &manifest, const RenderSessionOptions &options, bool json)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QJsonArray rows;
    QStringList problems;
    int counts[3] = {0, 0, 0};
    struct Row
    {
        QString component, branch, path, status;
        int problems;
    };
    QList<Row> table;
    RenderSession session(manifest, options);
    QObject::connect(&session, &RenderSession::rendered, &session, [&](const RenderUpdate &update) {
        const RenderResult &result = update.result;
        ++counts[result.status];
        table.append({update.component, update.branch, update.path, result.statusName(), int(result.problems.size())});
        QJsonArray jsonProblems;
        for (const RenderProblem &problem : result.problems) {
            jsonProblems.append(toJson(problem));
            problems.append(QStringLiteral("%1 %2 %3")
                                .arg(update.component, update.branch,
                                     problem.toString(update.folder + QLatin1Char('/') + update.path)));
        }
        rows.append(QJsonObject{{QStringLiteral("component"), update.component},
                                {QStringLiteral("branch"), update.branch},
                                {QStringLiteral("commit"), update.commit},
                                {QStringLiteral("template"), update.path},
                                {QStringLiteral("status"), result.statusName()},
                                {QStringLiteral("partial"), result.partial},
                                {QStringLiteral("output"), result.output},
                                {QStringLiteral("problems"), jsonProblems}});
    });
    if (const int code = renderToEnd(session, err); code >= 0)
        return code;
    if (json) {
        out << QJsonDocument(QJsonObject{{QStringLiteral("templates"), rows}}).toJson(QJsonDocument::Indented);
    } else {
        int widths[3] = {9, 6, 8};
        for (const Row &row : table) {
            widths[0] = std::max(widths[0], int(row.component.size()));
            widths[1] = std::max(widths[1], int(row.branch.size()));
            widths[2] = std::max(widths[2], int(row.path.size()));
        }
        out << QStringLiteral("component").leftJustified(widths[0] + 2)
            << QStringLiteral("branch").leftJustified(widths[1] + 2)
            << QStringLiteral("template").leftJustified(widths[2] + 2) << "status\n";
        for (const Row &row : table) {
            out << row.component.leftJustified(widths[0] + 2) << row.branch.leftJustified(widths[1] + 2)
                << row.path.leftJustified(widths[2] + 2) << row.status;
            if (row.problems > 0)
                out << " (" << row.problems << ')';
            out << '\n';
        }
        out << '\n'
            << table.size() << " templates: " << counts[RenderResult::Ok] << " ok, " << counts[RenderResult::Undefined]
            << " undefined, " << counts[RenderResult::Error] << " error\n";
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
    parser.addOption(
        {QStringLiteral("set"), QStringLiteral("Set an environment variable (repeatable)."), QStringLiteral("K=V")});
    parser.addOption(
        {QStringLiteral("context"), QStringLiteral("A templer context file (YAML)."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("strict"), QStringLiteral("Undefined variables are errors (templer's default).")});
    parser.addOption(
        {QStringLiteral("ignore-undefined"), QStringLiteral("Render undefined variables empty (templer -i).")});
    parser.addOption({QStringLiteral("all"), QStringLiteral("Render every template of every cell and print a table.")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("With --all: print one JSON object {\"templates\": [...]}.")});
    parser.addPositionalArgument(QStringLiteral("render"), QStringLiteral("The command."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("render"), arguments, out, err, 1))
        return *code;
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
    const std::optional<Manifest> loaded = loadManifest(parser.value(QStringLiteral("manifest")), err);
    if (!loaded)
        return BadInput;
    RenderSessionOptions options;
    options.ignoreUndefined = parser.isSet(QStringLiteral("ignore-undefined"));
    options.contextText = contextText;
    options.contextFile = contextFile;
    options.sets = sets;
    if (parser.isSet(QStringLiteral("all")))
        return renderAll(*loaded, options, parser.isSet(QStringLiteral("json")));

    options.component = parser.value(QStringLiteral("component"));
    options.branch = parser.value(QStringLiteral("branch"));
    options.templatePath = parser.value(QStringLiteral("template"));
    if (options.component.isEmpty() || options.branch.isEmpty()) {
        err << "mrc render: --component and --branch are required (or --all)\n";
        return BadInput;
    }
    // Several templates are printed one after the other, each under its name.
    QList<RenderUpdate> updates;
    RenderSession session(*loaded, options);
    QObject::connect(&session, &RenderSession::rendered, &session,
                     [&updates](const RenderUpdate &update) { updates.append(update); });
    if (const int code = renderToEnd(session, err); code >= 0)
        return code;
    for (const RenderUpdate &update : std::as_const(updates)) {
        if (updates.size() > 1)
            out << "==> " << update.folder << '/' << update.path << " <==\n";
        if (update.result.ok())
            out << update.result.output;
        for (const RenderProblem &problem : update.result.problems)
            err << problem.toString(update.folder + QLatin1Char('/') + update.path) << '\n';
    }
    return session.anyProblem() ? Failure : Ok;
}

} // namespace mrc::cli
