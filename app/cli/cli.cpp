// SPDX-License-Identifier: Apache-2.0
#include "cli.h"

#include <QCoreApplication>
#include <QTextStream>

namespace mrc::cli {

namespace {
const QStringList commands{QStringLiteral("matrix"), QStringLiteral("demo")};
}

bool isHeadless(const QStringList &arguments)
{
    for (const QString &argument : arguments.mid(1)) {
        if (argument == QLatin1String("--help") || argument == QLatin1String("-h")
            || argument == QLatin1String("--version") || argument == QLatin1String("-v")
            || commands.contains(argument))
            return true;
        if (!argument.startsWith(QLatin1Char('-')))
            return true; // an unknown subcommand: answer it on the terminal, not with a window
    }
    return false;
}

QString helpText()
{
    return QStringLiteral(
        "Usage: mrc [--manifest FILE]            open the console\n"
        "       mrc COMMAND [OPTIONS]            run headless\n"
        "\n"
        "Monasca Release Console: builds, tests and publishes the Docker images of OpenStack Monasca.\n"
        "\n"
        "Commands:\n"
        "  matrix [--manifest FILE] [--fetch] [--json]\n"
        "                 Resolve every component x branch x Docker version cell and print the grid.\n"
        "                 --fetch refreshes every git mirror first; otherwise mirrors are fetched only when\n"
        "                 missing. --json prints one JSON object {\"cells\": [...]}.\n"
        "  demo init DIR [--force]\n"
        "                 Create an offline demo workspace: 9 git repositories and DIR/release.yaml.\n"
        "\n"
        "Options:\n"
        "  --manifest FILE  The release manifest (default: ./release.yaml if present, else the built-in one).\n"
        "  -h, --help       Show this help; `mrc COMMAND --help` shows a command's help.\n"
        "  -v, --version    Show the version.\n"
        "\n"
        "Exit codes:\n"
        "  0  ok\n"
        "  1  the command failed\n"
        "  2  bad input: the manifest or the command line is wrong (each problem printed as FILE:LINE:COLUMN)\n"
        "  3  environment: nothing reachable and nothing cached\n"
        "\n"
        "Files: git mirrors are cached under $XDG_CACHE_HOME/mrc/mirrors (~/.cache/mrc/mirrors).\n");
}

int run(const QStringList &arguments)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QStringList rest = arguments.mid(1);
    const QString first = rest.value(0);
    if (first == QLatin1String("--version") || first == QLatin1String("-v")) {
        out << "mrc " << QCoreApplication::applicationVersion() << '\n';
        return Ok;
    }
    if (first == QLatin1String("matrix"))
        return runMatrix(arguments.mid(1));
    if (first == QLatin1String("demo"))
        return runDemo(arguments.mid(1));
    if (first == QLatin1String("--help") || first == QLatin1String("-h") || rest.contains(QStringLiteral("--help"))) {
        out << helpText();
        return Ok;
    }
    err << "mrc: unknown command '" << first << "'. Commands: " << commands.join(QStringLiteral(", "))
        << ". See mrc --help.\n";
    return BadInput;
}

} // namespace mrc::cli
