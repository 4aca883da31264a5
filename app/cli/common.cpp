// SPDX-License-Identifier: Apache-2.0
#include "cli/common.h"

#include "cli/cli.h"
#include "engine/enginestatus.h"
#include "lint/lintrule.h"
#include "workspace/cellselector.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QTextStream>
#include <atomic>
#include <csignal>

namespace mrc::cli {

namespace {

std::atomic_bool interrupted{false};

void onSignal(int)
{
    interrupted = true;
}

} // namespace

ManifestResult loadManifestArgument(const QString &path)
{
    ManifestResult loaded;
    if (!path.isEmpty())
        loaded = ManifestParser::load(path);
    else if (QFileInfo::exists(QStringLiteral("release.yaml")))
        loaded = ManifestParser::load(QStringLiteral("release.yaml"));
    else
        loaded = ManifestParser::defaultManifest();
    LintRule::checkRules(loaded); // the manifest checks a rule id's form; lint knows which rules exist
    return loaded;
}

std::optional<Manifest> loadManifest(const QString &path, QTextStream &err)
{
    const ManifestResult loaded = loadManifestArgument(path);
    if (!loaded.ok()) {
        for (const ManifestProblem &problem : loaded.problems)
            err << problem.toString() << '\n';
        return std::nullopt;
    }
    return loaded.manifest;
}

std::optional<int> parseCommandLine(QCommandLineParser &parser, const QString &command, const QStringList &arguments,
                                    QTextStream &out, QTextStream &err, int maxPositionals)
{
    if (!parser.parse(QStringList{QStringLiteral("mrc")} + arguments)) {
        err << "mrc " << command << ": " << parser.errorText() << '\n';
        return BadInput;
    }
    if (parser.isSet(QStringLiteral("help"))) {
        out << parser.helpText();
        return Ok;
    }
    if (maxPositionals >= 0 && parser.positionalArguments().size() > maxPositionals) {
        err << "mrc " << command << ": unexpected argument '" << parser.positionalArguments().at(maxPositionals)
            << "'\n";
        return BadInput;
    }
    return std::nullopt;
}

bool checkNames(const CellSelector &selector, const Manifest &manifest, const QString &prefix, QTextStream &err)
{
    const QString problem = selector.unknownName(manifest);
    if (problem.isEmpty())
        return true;
    err << prefix << problem << '\n';
    return false;
}

bool anyEngineReachable(const QList<EngineStatus> &engines, const QString &prefix, QTextStream &err)
{
    if (std::any_of(engines.cbegin(), engines.cend(), [](const EngineStatus &e) { return e.reachable; }))
        return true;
    for (const EngineStatus &engine : engines)
        err << prefix << "engine " << engine.name << " (" << engine.host << ") is unreachable: " << engine.error
            << '\n';
    return false;
}

InterruptWatch::InterruptWatch(std::function<void()> onInterrupt)
{
    interrupted = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QObject::connect(&m_timer, &QTimer::timeout, [onInterrupt = std::move(onInterrupt)] {
        if (interrupted.exchange(false))
            onInterrupt();
    });
    m_timer.start(100);
}

InterruptWatch::~InterruptWatch()
{
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

QString tableRow(const QStringList &cells, const QList<int> &widths, const QString &separator)
{
    QString line;
    for (int i = 0; i < cells.size(); ++i) {
        if (i > 0)
            line += separator;
        line += i + 1 < cells.size() ? cells.at(i).leftJustified(widths.value(i)) : cells.at(i);
    }
    return line + QLatin1Char('\n');
}

} // namespace mrc::cli
