// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>
#include <QStringList>

namespace mrc::cli {

/**
 * How one command line starts mrc: the window or a headless command. The one place that knows which
 * options take a value (ours and the ones Qt's QApplication consumes), so that a value such as the FILE of
 * `--manifest FILE` is never taken for a command.
 */
struct Launch
{
    enum class Mode
    {
        Gui,
        Headless
    };
    Mode mode = Mode::Gui;
    /** Gui: the manifest to open (`--manifest FILE`, `--manifest=FILE` or a file given alone, as a .desktop
     *  launch with %f does); empty for the default. */
    QString manifest;
    /** Headless: the command word (`matrix`, ...), `--help`, `--version`, or the unknown word or option. */
    QString command;
    /** Headless: the command word, then its arguments; global options given before the command follow it, so
     *  `mrc --manifest F matrix` runs as `mrc matrix --manifest F`. */
    QStringList commandArguments;
    /** Headless: true when `command` is neither a known command nor --help/--version. */
    bool unknown = false;
};

/** The headless command words. */
const QStringList &commandNames();

/** Decides from argv (arguments[0] is the program). */
Launch parseLaunch(const QStringList &arguments);

} // namespace mrc::cli
