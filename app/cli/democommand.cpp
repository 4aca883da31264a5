// SPDX-License-Identifier: Apache-2.0
#include "cli.h"

#include "demoworkspace.h"
#include "engineprobe.h"
#include "manifest.h"

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
        "DIR/release.yaml pointing at them, the local engine and a registry on 127.0.0.1:5000."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("force"), QStringLiteral("Replace DIR if it is not empty.")});
    parser.addPositionalArgument(QStringLiteral("init"), QStringLiteral("The only action: init."));
    parser.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The workspace folder."));
    if (!parser.parse(QStringList{QStringLiteral("mrc")} + arguments)) {
        err << "mrc demo: " << parser.errorText() << '\n';
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Ok;
    }
    const QStringList positional = parser.positionalArguments(); // "demo", "init", DIR
    if (positional.size() != 3 || positional[1] != QLatin1String("init")) {
        err << "mrc demo: usage: mrc demo init DIR [--force]\n";
        return BadInput;
    }
    const QString dir = QDir(positional[2]).absolutePath();

    // The demo's master branch lists the local engine's Docker version, so its first column is buildable.
    const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 2000);
    if (!engine.reachable)
        err << "note: no engine answered at " << engine.host << "; the demo uses default Docker versions\n";

    QString error;
    if (!DemoWorkspace::create(dir, parser.isSet(QStringLiteral("force")), engine.reachable ? engine.majorMinor() : QString(),
                               &error)) {
        err << "mrc demo init: " << error << '\n';
        return Failure;
    }
    out << "Demo workspace ready in " << dir << "\n"
        << "  manifest: " << dir << "/release.yaml\n"
        << "  open it:  mrc --manifest " << dir << "/release.yaml\n";
    return Ok;
}

} // namespace mrc::cli
