// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "sessions/buildsession.h"

#include <QCoreApplication>
#include <QTextStream>
#include <QTimer>
#include <functional>

namespace mrc::cli {

/** Runs @p session until it finishes; Ctrl+C (or SIGTERM) cancels it and says so as "mrc COMMAND: interrupted, ...". */
void runSession(QObject *session, const std::function<void()> &start, const std::function<void()> &cancel,
                QTextStream &err, const QString &interruptedText);

/** Prints a build session's notes as "mrc COMMAND: ..." on @p err, its log lines and outcomes on @p logOut. */
void printBuildProgress(BuildSession &session, const QString &command, QTextStream &err, QTextStream &logOut);

/** The exit code of a session that stopped before it ran (2 bad input, 3 no engine); -1 when it ran. */
int planningExitCode(const Session &session);

/** Runs a session to its end with Ctrl+C cancelling it. */
void runToEnd(Session &session, QTextStream &err, const QString &interruptedText);

} // namespace mrc::cli
