// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifestparser.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <functional>
#include <optional>

class QCommandLineParser;
class QTextStream;

namespace mrc {
class CellSelector;
struct EngineStatus;
} // namespace mrc

// What the CLI commands share: manifest loading, the command line, name checks, the engine report, Ctrl+C and
// tables.
namespace mrc::cli {

/** The manifest of a command: --manifest FILE, else ./release.yaml, else the built-in default. */
ManifestResult loadManifestArgument(const QString &path);
/** loadManifestArgument() with its problems printed to @p err ("FILE:LINE: ..."); nullopt when it failed. */
std::optional<Manifest> loadManifest(const QString &path, QTextStream &err);

/**
 * Parses `mrc COMMAND ARGUMENTS`: a parse error is printed as "mrc COMMAND: ..." (exit BadInput) and --help prints
 * the help (exit Ok). With @p maxPositionals >= 0, more positional arguments than that (the command's name
 * counts) are refused. Returns the exit code when the command ends here, nullopt when it goes on.
 */
std::optional<int> parseCommandLine(QCommandLineParser &parser, const QString &command, const QStringList &arguments,
                                    QTextStream &out, QTextStream &err, int maxPositionals = -1);

/** "PREFIXno component 'x' in FILE" for a name the manifest lacks; false then (exit BadInput). */
bool checkNames(const CellSelector &selector, const Manifest &manifest, const QString &prefix, QTextStream &err);

/** True when an engine is reachable; otherwise prints "PREFIXengine NAME (HOST) is unreachable: WHY" for each. */
bool anyEngineReachable(const QList<EngineStatus> &engines, const QString &prefix, QTextStream &err);

/**
 * Ctrl+C and SIGTERM while it lives: @p onInterrupt runs on this thread (polled every 100 ms, since a signal
 * handler may only set a flag). The default handlers come back when it is destroyed.
 */
class InterruptWatch
{
public:
    explicit InterruptWatch(std::function<void()> onInterrupt);
    ~InterruptWatch();
    InterruptWatch(const InterruptWatch &) = delete;
    InterruptWatch &operator=(const InterruptWatch &) = delete;

private:
    QTimer m_timer;
};

/** One line of a text table: each cell but the last left-justified to its width (never cut), joined by
 *  @p separator, ended by a newline. */
QString tableRow(const QStringList &cells, const QList<int> &widths, const QString &separator = {});

} // namespace mrc::cli
