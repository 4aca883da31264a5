// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStringList>
#include <optional>

namespace mrc::cli {

/** Exit codes, also listed by --help. */
enum ExitCode
{
    Ok = 0,
    Failure = 1,        // the command ran and failed (a demo folder that cannot be written, ...)
    BadInput = 2,       // the manifest or the command line is wrong
    Environment = 3,    // nothing reachable and nothing cached; no keychain answered
    Authentication = 4, // the registry refused the credentials
};

/** Runs a headless command (parseLaunch() said Headless) on the QCoreApplication that exists; returns the exit
 *  code. */
int run(const QStringList &arguments);
/** The text of `mrc --help`. */
QString helpText();

int runMatrix(const QStringList &arguments);
int runBuild(const QStringList &arguments);
int runTest(const QStringList &arguments);
int runDemo(const QStringList &arguments);
int runRender(const QStringList &arguments);
int runLint(const QStringList &arguments);
int runLogin(const QStringList &arguments);
int runLogout(const QStringList &arguments);
int runTags(const QStringList &arguments);
int runPush(const QStringList &arguments);
int runAudit(const QStringList &arguments);
int runLabels(const QStringList &arguments);
int runEngines(const QStringList &arguments);
int runBranch(const QStringList &arguments);
int runWatch(const QStringList &arguments);

} // namespace mrc::cli
