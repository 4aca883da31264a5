// SPDX-License-Identifier: Apache-2.0
// Start-up time of the real console: exec of the mrc binary → the matrix's first paint on a private X server
// (Xvfb), on the demo workspace, as reported by the binary itself (MRC_REPORT_FIRST_PAINT, a monotonic clock
// shared by both processes). One warm-up start fills the git mirrors; then --runs (default 5) starts with warm
// mirrors. Prints each run and the median. Goal: under 300 ms. With MRC_STARTUP_TRACE set in the started binary
// it also prints the median time of each start-up phase (the checkpoints of app/desktop/startuptrace.h).
//
//   startup [--mrc PATH] [--runs N]     (PATH defaults to the build's app/mrc)
#include "common/desktopsession.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QProcess>
#include <QTemporaryDir>
#include <QThread>
#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace mrc::test;

namespace {

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 paintedAt(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray text = file.readAll();
    const qsizetype at = text.indexOf("monotonic_ns=");
    return at < 0 ? 0 : text.mid(at + 13, text.indexOf(' ', at) - at - 13).toLongLong();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    const qsizetype mrcAt = args.indexOf(QStringLiteral("--mrc"));
    const QString mrc = mrcAt >= 0 && mrcAt + 1 < args.size()
                            ? args[mrcAt + 1]
                            : QCoreApplication::applicationDirPath() + QStringLiteral("/../app/mrc");
    const qsizetype runsAt = args.indexOf(QStringLiteral("--runs"));
    const int runs = runsAt >= 0 && runsAt + 1 < args.size() ? std::max(1, args[runsAt + 1].toInt()) : 5;
    if (!QFileInfo(mrc).isExecutable()) {
        std::fprintf(stderr, "startup: no mrc binary at %s (--mrc PATH)\n", qPrintable(mrc));
        return 2;
    }
    if (const QStringList missing = DesktopSession::missingTools(); !missing.isEmpty()) {
        std::fprintf(stderr, "startup: missing %s (packaging/install-deps)\n",
                     qPrintable(missing.join(QStringLiteral(", "))));
        return 2;
    }
    QTemporaryDir home;
    DesktopSession session;
    QString error;
    if (!session.start(&error)) {
        std::fprintf(stderr, "startup: %s\n", qPrintable(error));
        return 1;
    }
    const QProcessEnvironment env = session.environment(home.filePath(QStringLiteral("home")));
    const QString demo = home.filePath(QStringLiteral("demo"));
    QProcess init;
    init.setProcessEnvironment(env);
    init.start(mrc, {QStringLiteral("demo"), QStringLiteral("init"), demo});
    init.waitForFinished(120000);
    if (init.exitCode() != 0) {
        std::fprintf(stderr, "startup: mrc demo init failed: %s\n", init.readAllStandardError().constData());
        return 1;
    }

    QList<double> ms;
    QStringList phases;                 // in the order the binary reaches them
    QMap<QString, QList<double>> spent; // phase → ms since the previous checkpoint (the first: since exec)
    for (int run = 0; run <= runs; ++run) {
        const QString report = home.filePath(QStringLiteral("paint-%1").arg(run));
        QProcessEnvironment runEnv = env;
        runEnv.insert(QStringLiteral("MRC_REPORT_FIRST_PAINT"), report);
        runEnv.insert(QStringLiteral("MRC_STARTUP_TRACE"), QStringLiteral("1"));
        QProcess console;
        console.setProcessEnvironment(runEnv);
        const qint64 started = monotonicNs();
        console.start(mrc, {QStringLiteral("--manifest"), demo + QStringLiteral("/release.yaml")});
        qint64 painted = 0;
        while (!(painted = paintedAt(report)) && console.state() != QProcess::NotRunning &&
               monotonicNs() - started < 60'000'000'000LL)
            console.waitForFinished(5);
        if (!painted) {
            std::fprintf(stderr, "startup: run %d: no first paint (exit code %d%s)\n%s\n", run, console.exitCode(),
                         console.exitStatus() == QProcess::CrashExit ? ", crashed" : "",
                         console.readAllStandardError().right(4000).constData());
            return 1;
        }
        // The warm-up start also fills the mirrors: let its scan finish before ending it.
        if (run == 0)
            console.waitForFinished(15000);
        console.terminate();
        console.waitForFinished(10000);
        const double took = double(painted - started) / 1e6;
        qint64 previous = started;
        for (const QByteArray &line : console.readAllStandardError().split('\n')) {
            const QList<QByteArray> words = line.split(' ');
            if (run == 0 || words.size() < 3 || words[0] != "mrc-startup:" || words[1].toLongLong() > painted)
                continue;
            const QString phase = QString::fromUtf8(line.mid(words[0].size() + words[1].size() + 2));
            if (!phases.contains(phase))
                phases.append(phase);
            spent[phase].append(double(words[1].toLongLong() - previous) / 1e6);
            previous = words[1].toLongLong();
        }
        if (run == 0) {
            std::printf("startup: warm-up (cold mirrors): %.0f ms\n", took);
            continue;
        }
        ms.append(took);
        std::printf("startup: run %d: exec → first paint %.0f ms\n", run, took);
    }
    for (const QString &phase : phases) {
        QList<double> values = spent.value(phase);
        std::sort(values.begin(), values.end());
        std::printf("startup: phase until %-14s median %6.1f ms (min %.1f)\n", qPrintable(phase),
                    values[values.size() / 2], values.first());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("startup: median of %d: %.0f ms (min %.0f, max %.0f; goal < 300 ms)\n", int(ms.size()),
                ms[ms.size() / 2], ms.first(), ms.last());
    return 0;
}
