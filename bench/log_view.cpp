// SPDX-License-Identifier: Apache-2.0
// Streams engine build output at full speed into a shown LogView that follows the tail: a writer thread runs
// BuildStreamParser + BuildLogWriter + BuildLog and announces each write to the LogModel through a queued call,
// as a build job does. A 5 ms heartbeat timer on the GUI thread measures the longest event-loop stall (goal:
// under 50 ms). Runs offscreen unless QT_QPA_PLATFORM says otherwise.
//
//   log_view [--seconds N]   (default 5)
#include "engine/buildstreamparser.h"
#include "logs/buildlog.h"
#include "logs/buildlogwriter.h"
#include "models/logmodel.h"
#include "views/loglinesview.h"
#include "views/logview.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

using namespace mrc;

namespace {

QByteArray jsonStream(const QByteArray &escapedText)
{
    return "{\"stream\":\"" + escapedText + "\"}\r\n";
}

QByteArray chunkOfOutput(qint64 &line, int &step)
{
    QByteArray out;
    while (out.size() < 64 * 1024) {
        if (line % 1000 == 0) {
            out += jsonStream("Step " + QByteArray::number(++step) + "/9999 : RUN pip install -r requirements.txt\\n");
        } else {
            QByteArray text =
                "\\u001b[32mCollecting\\u001b[0m oslo.config>=6.8.0 (from monasca-common) #" + QByteArray::number(line);
            if (line % 500 == 7)
                text = "ERROR: Could not find a version that satisfies the requirement #" + QByteArray::number(line);
            out += jsonStream(text + "\\n");
        }
        ++line;
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    int seconds = 5;
    const QStringList args = app.arguments();
    const qsizetype at = args.indexOf(QStringLiteral("--seconds"));
    if (at >= 0 && at + 1 < args.size())
        seconds = qMax(1, args[at + 1].toInt());

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    QFile(path).open(QIODevice::WriteOnly); // exists before the model opens it
    LogModel model;
    if (!model.open(path))
        return 1;
    LogView view;
    view.setModel(&model);
    view.resize(1200, 800);
    view.show();

    std::atomic_bool stop{false};
    std::atomic<qint64> written{0};
    std::atomic<qint64> jsonBytes{0};
    std::thread writerThread([&] {
        BuildLog log;
        if (!log.open(path))
            return;
        BuildLogWriter writer(&log);
        BuildStreamParser parser;
        qint64 line = 0;
        int step = 0;
        QList<BuildMessage> messages;
        while (!stop.load()) {
            const QByteArray chunk = chunkOfOutput(line, step);
            messages.clear();
            parser.feed(chunk, messages);
            writer.write(messages);
            jsonBytes += chunk.size();
            written = log.size();
            const qint64 size = log.size();
            QMetaObject::invokeMethod(
                &model, [&model, size] { model.bytesAvailable(size); }, Qt::QueuedConnection);
        }
    });

    QElapsedTimer clock;
    clock.start();
    qint64 last = 0;
    qint64 longest = 0;
    qint64 ticks = 0;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(5);
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        if (last > 0)
            longest = std::max(longest, now - last - 5'000'000);
        last = now;
        ++ticks;
    });
    heartbeat.start();
    int paints = 0;
    int lastTop = -1;
    QTimer frame; // counts how often the visible tail moved: the view kept up
    QObject::connect(&frame, &QTimer::timeout, [&] {
        const int top = view.linesView()->firstVisibleRow();
        if (top != lastTop)
            ++paints;
        lastTop = top;
    });
    frame.start(100);
    QTimer::singleShot(seconds * 1000, &app, [&] {
        stop = true;
        app.quit();
    });
    app.exec();
    writerThread.join();

    const double s = clock.nsecsElapsed() / 1e9;
    std::printf("log_view: %d s of full-speed streaming into a shown LogView following the tail\n", seconds);
    std::printf("  writer: %.0f MB of JSON, %.0f MB of log (%.0f MB/s of JSON)\n", jsonBytes / 1048576.0,
                written / 1048576.0, jsonBytes / 1048576.0 / s);
    std::printf("  model: %d rows shown, %.0f MB indexed (%.0f%% of the log when the stream stopped), following: %s\n",
                model.rowCount(), model.scannedSize() / 1048576.0,
                100.0 * model.scannedSize() / qMax<qint64>(1, written), view.isFollowingTail() ? "yes" : "no");
    std::printf("  view: the tail moved in %d of %d 100 ms samples\n", paints, int(s * 10));
    std::printf("  longest event-loop stall: %.1f ms over %lld heartbeats   (goal < 50 ms: %s)\n", longest / 1e6, ticks,
                longest < 50'000'000 ? "met" : "NOT met");
    return 0;
}
