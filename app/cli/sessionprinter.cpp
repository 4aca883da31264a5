// SPDX-License-Identifier: Apache-2.0
#include "cli/sessionprinter.h"

#include "logs/terminaltext.h"

#include <QHash>
#include <atomic>
#include <csignal>
#include <memory>

namespace mrc::cli {

namespace {

std::atomic_bool interrupted{false};

void onSignal(int)
{
    interrupted = true;
}

} // namespace

void runSession(QObject *session, const std::function<void()> &start, const std::function<void()> &cancel,
                QTextStream &err, const QString &interruptedText)
{
    interrupted = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QTimer watch;
    QObject::connect(&watch, &QTimer::timeout, session, [&] {
        if (interrupted.exchange(false)) {
            err << interruptedText << '\n';
            err.flush();
            cancel();
        }
    });
    watch.start(100);
    QEventLoop loop;
    QObject::connect(session, SIGNAL(finished()), &loop, SLOT(quit()), Qt::QueuedConnection);
    start();
    loop.exec();
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

int planningExitCode(const Session &session)
{
    switch (session.outcome()) {
    case Session::Outcome::BadInput:
        return 2;
    case Session::Outcome::NoEngine:
    case Session::Outcome::Environment:
        return 3;
    default:
        return -1;
    }
}

void runToEnd(Session &session, QTextStream &err, const QString &interruptedText)
{
    runSession(
        &session, [&session] { session.start(); }, [&session] { session.cancel(); }, err, interruptedText);
}

void printBuildProgress(BuildSession &session, const QString &command, QTextStream &err, QTextStream &logOut)
{
    // In a pool the engine is part of the label: two engines may build the same cell (a base) at once.
    const auto label = [&session](const JobUpdate &job) {
        const BuildJobSpec *spec = session.specOf(job);
        return spec && spec->engines.size() > 1
                   ? QStringLiteral("[%1@%2 %3 on %4]").arg(job.component, job.branch, job.docker, job.engine)
                   : QStringLiteral("[%1@%2 %3]").arg(job.component, job.branch, job.docker);
    };
    auto latest = std::make_shared<QHash<int, JobUpdate>>();
    QObject::connect(&session, &BuildSession::note, &session, [&err, command](const QString &text) {
        err << "mrc " << command << ": " << text << '\n';
        err.flush();
    });
    QObject::connect(&session, &BuildSession::logLines, &session,
                     [&logOut, label, latest](int job, const QByteArray &lines) {
                         const QString prefix = label(latest->value(job)) + QLatin1Char(' ');
                         for (const QByteArray &line : lines.split('\n')) {
                             if (!line.isEmpty())
                                 logOut << prefix << TerminalText::neutralised(QString::fromUtf8(line)) << '\n';
                         }
                         logOut.flush();
                     });
    QObject::connect(&session, &BuildSession::jobUpdated, &session, [&logOut, label, latest](const JobUpdate &job) {
        latest->insert(job.job, job);
        if (isFinal(job.state)) {
            logOut << label(job) << " == " << jobStateName(job.state)
                   << (job.message.isEmpty() ? QString()
                                             : QStringLiteral(": ") + TerminalText::neutralised(job.message))
                   << '\n';
            logOut.flush();
        }
    });
}

} // namespace mrc::cli
