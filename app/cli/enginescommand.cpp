// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "manifest/manifestparser.h"
#include "workspace/engineoverview.h"

#include <QCommandLineParser>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>
#include <algorithm>

namespace mrc::cli {

int runEngines(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "List the manifest's engines: transport, Docker and API version, whether each answers, and the columns "
        "(branch x Docker version) it builds. Exit codes: 0 every engine reachable, 1 one is not, 2 bad input, "
        "3 none is reachable."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("manifest"), QStringLiteral("The release manifest."), QStringLiteral("FILE")});
    parser.addOption(
        {QStringLiteral("json"), QStringLiteral("Print {\"engines\": [{\"name\", \"host\", \"transport\", \"version\", "
                                                "\"api_version\", \"reachable\", \"columns\"}]}.")});
    parser.addOption({QStringLiteral("timeout"), QStringLiteral("Milliseconds to wait for each engine (default 3000)."),
                      QStringLiteral("MS"), QStringLiteral("3000")});
    parser.addPositionalArgument(QStringLiteral("engines"), QStringLiteral("The command."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("engines"), arguments, out, err, 1))
        return *code;
    bool timeoutOk = false;
    const int timeout = parser.value(QStringLiteral("timeout")).toInt(&timeoutOk);
    if (!timeoutOk || timeout < 100 || timeout > 600000) {
        err << "mrc engines: --timeout takes milliseconds from 100 to 600000\n";
        return BadInput;
    }
    const std::optional<Manifest> loaded = loadManifest(parser.value(QStringLiteral("manifest")), err);
    if (!loaded)
        return BadInput;
    const QList<EngineOverview> rows = EngineOverview::make(*loaded, EngineOverview::probeAll(*loaded, timeout));
    const int reachable =
        int(std::count_if(rows.cbegin(), rows.cend(), [](const EngineOverview &r) { return r.status.reachable; }));

    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray engines;
        for (const EngineOverview &row : rows)
            engines.append(row.toJson());
        out << QJsonDocument(QJsonObject{{QStringLiteral("engines"), engines}}).toJson(QJsonDocument::Indented);
    } else {
        int nameWidth = 6;
        int hostWidth = 4;
        int versionWidth = 7;
        for (const EngineOverview &row : rows) {
            nameWidth = std::max(nameWidth, int(row.spec.name.size()));
            hostWidth = std::max(hostWidth, int(row.spec.host.size()));
            versionWidth = std::max(versionWidth, int(row.status.version.size()));
        }
        out << QStringLiteral("engine").leftJustified(nameWidth + 2)
            << QStringLiteral("host").leftJustified(hostWidth + 2) << QStringLiteral("transport").leftJustified(11)
            << QStringLiteral("version").leftJustified(versionWidth + 2) << QStringLiteral("api").leftJustified(6)
            << QStringLiteral("reachable").leftJustified(11) << "columns\n";
        for (const EngineOverview &row : rows) {
            QStringList columns;
            for (const auto &[branch, docker] : row.columns)
                columns.append(branch + QStringLiteral(" × ") + docker);
            out << row.spec.name.leftJustified(nameWidth + 2) << row.spec.host.leftJustified(hostWidth + 2)
                << row.transport.leftJustified(11) << row.status.version.leftJustified(versionWidth + 2)
                << row.status.apiVersion.leftJustified(6)
                << (row.status.reachable ? QStringLiteral("yes") : QStringLiteral("no")).leftJustified(11)
                << (row.status.reachable
                        ? (columns.isEmpty() ? QStringLiteral("(none)") : columns.join(QStringLiteral(", ")))
                        : row.status.error)
                << '\n';
        }
        // Columns nobody builds, with the reason.
        QStringList seen;
        for (const auto &[branch, docker] : loaded->columns()) {
            QList<EngineStatus> statuses;
            for (const EngineOverview &row : rows)
                statuses.append(row.status);
            const QString problem = EngineOverview::columnProblem(statuses, docker);
            if (!problem.isEmpty() && !seen.contains(docker)) {
                seen.append(docker);
                out << "Docker " << docker << ": " << problem << '\n';
            }
        }
    }
    if (reachable == 0)
        return Environment;
    return reachable == rows.size() ? Ok : Failure;
}

} // namespace mrc::cli
