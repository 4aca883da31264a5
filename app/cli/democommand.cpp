// SPDX-License-Identifier: Apache-2.0
#include "cli/cli.h"
#include "cli/common.h"
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"
#include "manifest/manifest.h"

#include <QCommandLineParser>
#include <QDir>
#include <QTextStream>

namespace mrc::cli {

int runDemo(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Create an offline demo workspace: bare git repositories of the 9 Monasca repositories under DIR/repos and "
        "DIR/release.yaml pointing at them, the engines given with --engine (default: the local engine) and a "
        "registry on 127.0.0.1:5000."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("force"), QStringLiteral("Replace DIR if it is not empty.")});
    parser.addOption(
        {QStringLiteral("engine"),
         QStringLiteral("A running engine for the demo (unix://, tcp:// or ssh://); repeat it for several. "
                        "All are listed in the manifest; with three Docker versions or more, master is "
                        "on the three newest, stable/2023.2 on the two older, unmaintained/2023.1 on "
                        "the oldest. Default: the local engine (DOCKER_HOST)."),
         QStringLiteral("HOST")});
    parser.addPositionalArgument(QStringLiteral("init"), QStringLiteral("The only action: init."));
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The workspace folder."));
    if (const std::optional<int> code = parseCommandLine(parser, QStringLiteral("demo"), arguments, out, err))
        return *code;
    const QStringList positional = parser.positionalArguments(); // "demo", "init", DIR
    if (positional.size() != 3 || positional[1] != QLatin1String("init")) {
        err << "mrc demo: usage: mrc demo init DIR [--force] [--engine HOST]...\n";
        return BadInput;
    }
    const QString dir = QDir(positional[2]).absolutePath();

    QString error;
    bool created = false;
    const QStringList hosts = parser.values(QStringLiteral("engine"));
    if (hosts.isEmpty()) {
        // The demo's master branch lists the local engine's Docker version, so its first column is buildable.
        const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 2000);
        if (!engine.reachable)
            err << "note: no engine answered at " << engine.host << "; the demo uses default Docker versions\n";
        created = DemoWorkspace::create(dir, parser.isSet(QStringLiteral("force")),
                                        engine.reachable ? engine.majorMinor() : QString(), &error);
    } else {
        // Each engine is asked for its version; the manifest lists them all, named after their version.
        QList<DemoWorkspace::Engine> engines;
        QStringList names;
        for (const QString &host : hosts) {
            EngineSpec spec;
            spec.host = host.trimmed();
            const EngineStatus status = EngineProbe::probe(spec, 5000);
            if (!status.reachable) {
                err << "note: leaving out engine " << spec.host << ": " << status.error << '\n';
                continue;
            }
            QString name = QStringLiteral("docker-") + status.majorMinor();
            for (int n = 2; names.contains(name); ++n)
                name = QStringLiteral("docker-%1-%2").arg(status.majorMinor()).arg(n);
            names << name;
            spec.name = name;
            engines.append({spec, status.majorMinor()});
            out << "engine " << name << ": " << spec.host << " (Docker " << status.version << ")\n";
        }
        if (engines.isEmpty()) {
            err << "mrc demo init: none of the engines given with --engine answered\n";
            return Environment;
        }
        created = DemoWorkspace::create(dir, parser.isSet(QStringLiteral("force")), engines, &error);
    }
    if (!created) {
        err << "mrc demo init: " << error << '\n';
        return Failure;
    }
    out << "Demo workspace ready in " << dir << "\n"
        << "  manifest: " << dir << "/release.yaml\n"
        << "  open it:  mrc --manifest " << dir << "/release.yaml\n";
    return Ok;
}

} // namespace mrc::cli
