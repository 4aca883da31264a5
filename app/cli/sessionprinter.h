// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "buildsession.h"

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

/** The 2, 3 or 0 exit code of a session that ended while planning; -1 when it ran. */
template<typename Session> int planningExitCode(const Session &session)
{
    switch (session.outcome()) {
    case Session::Outcome::BadInput:
        return 2;
    case Session::Outcome::NoEngine:
        return 3;
    default:
        return -1;
    }
}

/** Runs a session to its end with Ctrl+C cancelling it. */
template<typename Session> void runToEnd(Session &session, QTextStream &err, const QString &interruptedText)
{
    runSession(
        &session, [&session] { session.start(); }, [&session] { session.cancel(); }, err, interruptedText);
}

} // namespace mrc::cli
