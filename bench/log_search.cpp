// SPDX-License-Identifier: Apache-2.0
// Search in a huge build log as the log view's search does (LogSearch: blocks of whole lines, case-insensitive),
// on a worker thread while the GUI thread's event loop runs a 1 ms heartbeat. Writes a log of --size-mb
// (default 1024) into a temporary folder, with the word on 14% of its lines, warms the page cache, then prints
// the hits, the median time of --runs (default 3) searches, the ratio to `grep -c -F` (and -i) on the same file,
// and the longest event-loop stall while searching. Goals: at most 2× grep, stall under 16 ms.
//
//   log_search [--size-mb N] [--runs N] [--file PATH]   (PATH: where to write the log; default a temporary folder)
#include "logs/logsearch.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QFuture>
#include <QFutureWatcher>
#include <QProcess>
#include <QTemporaryDir>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cstdio>

using namespace mrc;

namespace {

constexpr char Word[] = "timeout";

double median(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values.isEmpty() ? 0 : values[values.size() / 2];
}

/** Build output: step headers, pip lines, ANSI colours; every line of 100 whose number % 100 < 14 has the word. */
qint64 writeLog(const QString &path, qint64 bytes, qint64 *lines)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return -1;
    QByteArray block;
    qint64 n = 0;
    qint64 withWord = 0;
    while (file.size() + block.size() < bytes) {
        const int kind = int(n % 100);
        if (n % 1000 == 0)
            block += "Step " + QByteArray::number(n / 1000 + 1) + "/9999 : RUN pip install -r requirements.txt\n";
        else if (kind < 14) {
            block +=
                "\x1b[33mWARNING\x1b[0m: Retrying after connection broken by 'ReadTimeoutError' (read timeout=15) #" +
                QByteArray::number(n) + "\n";
            ++withWord;
        } else {
            block += "\x1b[32mCollecting\x1b[0m oslo.config>=6.8.0 (from monasca-common) downloading wheel #" +
                     QByteArray::number(n) + "\n";
        }
        ++n;
        if (block.size() > (8 << 20)) {
            file.write(block);
            block.clear();
        }
    }
    file.write(block);
    *lines = n;
    return withWord;
}

double timeGrep(const QStringList &arguments, const QString &path, qint64 *count)
{
    QProcess grep;
    QElapsedTimer timer;
    timer.start();
    grep.start(QStringLiteral("grep"), arguments + QStringList{QString::fromLatin1(Word), path});
    grep.waitForFinished(-1);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    *count = grep.readAllStandardOutput().trimmed().toLongLong();
    return ms;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    auto option = [&args](const QString &name, int fallback) {
        const qsizetype at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? args[at + 1].toInt() : fallback;
    };
    const qint64 sizeMb = option(QStringLiteral("--size-mb"), 1024);
    const int runs = std::max(1, option(QStringLiteral("--runs"), 3));

    QTemporaryDir dir;
    const qsizetype fileAt = args.indexOf(QStringLiteral("--file"));
    const QString path = fileAt >= 0 && fileAt + 1 < args.size() ? args[fileAt + 1] : dir.filePath(QStringLiteral("build.log"));
    qint64 lines = 0;
    QElapsedTimer timer;
    timer.start();
    const qint64 expected = writeLog(path, sizeMb << 20, &lines);
    if (expected < 0) {
        std::fprintf(stderr, "log_search: cannot write %s\n", qPrintable(path));
        return 1;
    }
    std::printf("log_search: %lld MB, %lld lines, \"%s\" on %lld of them (%.1f%%), written in %.1f s\n", sizeMb, lines,
                Word, expected, 100.0 * double(expected) / double(lines), double(timer.elapsed()) / 1000);

    // Warm the page cache: both readers then run from memory.
    qint64 grepCount = 0;
    timeGrep({QStringLiteral("-c"), QStringLiteral("-F")}, path, &grepCount);

    QList<double> grepMs;
    QList<double> grepIMs;
    QList<double> searchMs;
    QList<double> stalls;
    qint64 grepICount = 0;
    qint64 hits = -1;
    for (int run = 0; run < runs; ++run) {
        grepMs.append(timeGrep({QStringLiteral("-c"), QStringLiteral("-F")}, path, &grepCount));
        grepIMs.append(timeGrep({QStringLiteral("-c"), QStringLiteral("-F"), QStringLiteral("-i")}, path, &grepICount));

        // As LogModel::find does: QtConcurrent off the GUI thread, the answer back through a future watcher.
        QElapsedTimer beat;
        qint64 longest = 0;
        QTimer heartbeat;
        heartbeat.setTimerType(Qt::PreciseTimer);
        heartbeat.setInterval(1);
        QObject::connect(&heartbeat, &QTimer::timeout, [&] {
            longest = std::max(longest, beat.nsecsElapsed());
            beat.restart();
        });
        QFutureWatcher<qint64> watcher;
        QObject::connect(&watcher, &QFutureWatcher<qint64>::finished, &app, &QCoreApplication::quit);
        timer.restart();
        beat.start();
        heartbeat.start();
        watcher.setFuture(QtConcurrent::run([path] { return LogSearch::count(path, QString::fromLatin1(Word)); }));
        app.exec();
        searchMs.append(double(timer.nsecsElapsed()) / 1e6);
        heartbeat.stop();
        hits = watcher.result();
        stalls.append(double(longest) / 1e6 - 1); // the heartbeat's own millisecond is not a stall
    }

    // The same heartbeat with nothing to do: what the machine itself costs the event loop.
    qint64 idle = 0;
    {
        QElapsedTimer beat;
        QTimer heartbeat;
        heartbeat.setTimerType(Qt::PreciseTimer);
        heartbeat.setInterval(1);
        QObject::connect(&heartbeat, &QTimer::timeout, [&] {
            idle = std::max(idle, beat.nsecsElapsed());
            beat.restart();
        });
        QTimer::singleShot(int(median(searchMs)), &app, &QCoreApplication::quit);
        beat.start();
        heartbeat.start();
        app.exec();
    }

    const double search = median(searchMs);
    const double grep = median(grepMs);
    const double grepI = median(grepIMs);
    std::printf("log_search: LogSearch::count: %lld hits, median %.0f ms (%.2f GB/s)\n", hits, search,
                double(sizeMb) / 1024.0 / (search / 1000));
    std::printf("log_search: grep -c -F: %lld, median %.0f ms; grep -c -F -i: %lld, median %.0f ms\n", grepCount, grep,
                grepICount, grepI);
    std::printf("log_search: ratio to grep -c -F: %.2fx (goal <= 2x); to grep -c -F -i (same semantics): %.2fx\n",
                search / grep, search / grepI);
    std::printf("log_search: longest event-loop stall while searching: %.1f ms (median of runs; goal < 16 ms); "
                "with nothing to do, as long: %.1f ms\n",
                median(stalls), double(idle) / 1e6 - 1);
    const bool ok = hits == expected && grepICount == expected;
    if (!ok)
        std::printf("log_search: COUNT MISMATCH: expected %lld, LogSearch %lld, grep -i %lld\n", expected, hits,
                    grepICount);
    return ok ? 0 : 1;
}
