// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "history/history.h"
#include "imagetests/testplan.h"
#include "manifest/dockerpolicy.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <algorithm>
#include <map>

namespace mrc::cli {

namespace {

QString symbol(CellState state)
{
    switch (state) {
    case CellState::Ready:
        return QStringLiteral("ok");
    case CellState::NoBranch:
        return QStringLiteral("--");
    case CellState::NoContext:
        return QStringLiteral("no-ctx");
    case CellState::NoEngine:
        return QStringLiteral("no-eng");
    case CellState::Error:
        return QStringLiteral("ERROR");
    case CellState::Unknown:
        break;
    }
    return QStringLiteral("?");
}

QJsonObject toJson(const Cell &cell)
{
    return QJsonObject{
        {QStringLiteral("component"), cell.component}, {QStringLiteral("image"), cell.image},
        {QStringLiteral("branch"), cell.branch},       {QStringLiteral("docker"), cell.docker},
        {QStringLiteral("commit"), cell.commit},       {QStringLiteral("state"), cellStateName(cell.state)},
        {QStringLiteral("message"), cell.message},
    };
}

QJsonObject toJson(const EngineStatus &engine)
{
    return QJsonObject{
        {QStringLiteral("name"), engine.name},           {QStringLiteral("host"), engine.host},
        {QStringLiteral("reachable"), engine.reachable}, {QStringLiteral("version"), engine.version},
        {QStringLiteral("error"), engine.error},
    };
}

void printGrid(QTextStream &out, const Manifest &manifest, const WorkspaceScan &scan)
{
    const auto columns = manifest.columns();
    int nameWidth = 9;
    for (const ComponentSpec &component : manifest.components)
        nameWidth = std::max(nameWidth, int(component.name.size()));
    constexpr int cellWidth = 16;

    out << "Engines:\n";
    for (const EngineStatus &engine : scan.engines()) {
        out << "  " << engine.name << "  " << engine.host << "  ";
        if (engine.reachable)
            out << "Docker " << engine.version << " (API " << engine.apiVersion << ")\n";
        else
            out << "unreachable: " << engine.error << '\n';
    }
    out << '\n';

    // Two header lines: the branch over its first column, then the Docker versions.
    out << QString(nameWidth + 2, QLatin1Char(' '));
    for (int c = 0; c < columns.size();) {
        int span = 1;
        while (c + span < columns.size() && columns[c + span].first == columns[c].first)
            ++span;
        out << columns[c].first.leftJustified(cellWidth * span - 1, QLatin1Char(' '), true) << ' ';
        c += span;
    }
    out << '\n' << QStringLiteral("component").leftJustified(nameWidth + 2);
    for (const auto &column : columns)
        out << (QStringLiteral("docker ") + column.second).leftJustified(cellWidth);
    out << '\n';
    for (int row = 0; row < manifest.components.size(); ++row) {
        out << manifest.components[row].name.leftJustified(nameWidth + 2);
        for (int c = 0; c < columns.size(); ++c) {
            const Cell &cell = scan.cells()[row * columns.size() + c];
            const QString text = (symbol(cell.state) + QLatin1Char(' ') + cell.commit.left(7)).trimmed();
            out << text.leftJustified(cellWidth);
        }
        out << '\n';
    }

    std::map<CellState, int> counts;
    for (const Cell &cell : scan.cells())
        ++counts[cell.state];
    out << '\n' << scan.cells().size() << " cells:";
    bool first = true;
    for (const auto &[state, count] : counts) {
        out << (first ? " " : ", ") << count << ' ' << cellStateName(state);
        first = false;
    }
    out << '\n';
    for (const RepoStatus &repo : scan.repos()) {
        if (!repo.staleText().isEmpty())
            out << repo.url << ": " << repo.staleText() << " (" << repo.fetchError << ")\n";
    }
    QStringList seen;
    for (const Cell &cell : scan.cells()) {
        if (cell.state == CellState::Error && !seen.contains(cell.message)) {
            seen.append(cell.message);
            out << "error: " << cell.component << ": " << cell.message << '\n';
        }
    }
}

} // namespace

int runMatrix(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Resolve and print the component x branch x Docker version matrix."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption({QStringLiteral("fetch"), QStringLiteral("Fetch every git mirror before resolving.")});
    parser.addOption(
        {QStringLiteral("json"),
         QStringLiteral("Print one JSON object: {\"cells\": [...]}, each cell with its \"tests\" state.")});
    parser.addPositionalArgument(QStringLiteral("matrix"), QStringLiteral("The command."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("matrix"), arguments, out, err, 1))
        return *code;

    const std::optional<Manifest> loaded = loadManifest(parser.value(QStringLiteral("manifest")), err);
    if (!loaded)
        return BadInput;

    const bool json = parser.isSet(QStringLiteral("json"));
    ScanOptions options;
    options.fetch = parser.isSet(QStringLiteral("fetch"));
    WorkspaceScan scan(*loaded, options);
    WorkspaceScan::Callbacks callbacks;
    callbacks.progress = [&err](int done, int total, const QString &what) {
        err << "[" << done << "/" << total << "] " << what << '\n';
        err.flush();
    };
    scan.run(callbacks);

    // The Docker version policy, against the versions the reachable engines run when docker_releases is unset.
    QStringList engineVersions;
    for (const EngineStatus &engine : scan.engines()) {
        if (engine.reachable)
            engineVersions << engine.majorMinor();
    }
    const std::optional<DockerPolicy::History> policyHistory = DockerPolicy::history(loaded->path);
    const ManifestProblems policy =
        DockerPolicy::check(*loaded, engineVersions, policyHistory ? &*policyHistory : nullptr);
    for (const ManifestProblem &finding : policy)
        err << finding.toString() << '\n';
    err.flush();

    if (json) {
        // Each cell's tests, as the history has them: untested, testing, passed, failed (the first failing test) or
        // stale (the image was rebuilt after they ran).
        History history;
        QString historyError;
        const bool haveHistory = QFileInfo::exists(history.path()) && history.open(&historyError);
        QJsonArray cells;
        for (const Cell &cell : scan.cells()) {
            QJsonObject object = toJson(cell);
            CellTestStatus tests;
            if (haveHistory)
                tests = summarizeTests(history.latestTests(cell.component, cell.branch, cell.docker),
                                       history.latestImageId(cell.component, cell.branch, cell.docker));
            object.insert(QStringLiteral("tests"), QJsonObject{
                                                       {QStringLiteral("state"), testStateName(tests.state)},
                                                       {QStringLiteral("message"), tests.message},
                                                       {QStringLiteral("passed"), tests.passed},
                                                       {QStringLiteral("total"), tests.total},
                                                   });
            cells.append(object);
        }
        QJsonArray engines;
        for (const EngineStatus &engine : scan.engines())
            engines.append(toJson(engine));
        QJsonArray policyJson;
        for (const ManifestProblem &finding : policy)
            policyJson.append(QJsonObject{{QStringLiteral("file"), finding.file},
                                          {QStringLiteral("line"), finding.line},
                                          {QStringLiteral("column"), finding.column},
                                          {QStringLiteral("message"), finding.message}});
        out << QJsonDocument(QJsonObject{{QStringLiteral("cells"), cells},
                                         {QStringLiteral("engines"), engines},
                                         {QStringLiteral("policy"), policyJson}})
                   .toJson(QJsonDocument::Indented);
    } else {
        printGrid(out, *loaded, scan);
    }

    const bool anyRepo =
        std::any_of(scan.repos().cbegin(), scan.repos().cend(), [](const RepoStatus &repo) { return repo.available; });
    if (!anyRepo) {
        err << "mrc matrix: no repository could be fetched and nothing is cached; check the network or the repo URLs "
               "in "
            << loaded->path << '\n';
        return Environment;
    }
    return Ok;
}

} // namespace mrc::cli
