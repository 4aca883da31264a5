// SPDX-License-Identifier: Apache-2.0
// Feeds synthetic engine build output (the JSON stream of POST /build: {"stream":...} objects with step headers,
// layers, coloured tool output and lines split across objects) through BuildStreamParser, BuildLogWriter and
// BuildLog into a temporary log file, then indexes that file with LogIndex, the way LogModel would. The input is
// generated in memory, chunk by chunk, and never written to disk.
//
// Prints MB/s of the parser + log store, MB/s of the index, and the peak RSS (getrusage), against the goals:
// at least 200 MB/s, and a peak RSS of at most 64 MB + 16 bytes per line.
//
//   log_ingest [--size-mb N]   (default 1024: about 10 million lines)
#include "engine/buildstreamparser.h"
#include "logs/buildlog.h"
#include "logs/buildlogwriter.h"
#include "logs/logindex.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <cstdio>
#include <sys/resource.h>

using namespace mrc;

namespace {

qint64 peakRssBytes()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return qint64(usage.ru_maxrss) * 1024;
}

QByteArray jsonStream(const QByteArray &escapedText)
{
    return "{\"stream\":\"" + escapedText + "\"}\r\n";
}

/** Makes the engine's output one chunk at a time: about 100 bytes of JSON per line, like a real build. */
class SyntheticBuild
{
public:
    SyntheticBuild()
    {
        const char *tools[] = {
            "Collecting oslo.config>=6.8.0 (from monasca-common==3.1.0)",
            "  Downloading https://files.example/packages/oslo.config-9.1.1-py3-none-any.whl (128kB)",
            "(12/48) Installing py3-jinja2 (3.1.2-r0)",
            "Requirement already satisfied: six>=1.10.0 in /usr/lib/python3.10/site-packages",
            "Successfully installed PyYAML-6.0 monasca-common-3.1.0 oslo.config-9.1.1 templer-1.1.4",
            "fetch http://dl-cdn.example/alpine/v3.17/main/x86_64/APKINDEX.tar.gz",
        };
        for (int i = 0; i < 512; ++i) {
            QByteArray text = tools[i % 6];
            text += " #" + QByteArray::number(i);
            if (i % 7 == 0) // coloured output, as pip and apk print it on a terminal
                text = "\\u001b[32m" + text + "\\u001b[0m";
            if (i % 31 == 0) // a line that arrives in two objects
                m_pool.append(jsonStream(text.left(20)) + jsonStream(text.mid(20) + "\\n"));
            else
                m_pool.append(jsonStream(text + "\\n"));
        }
    }

    /** Appends about @p bytes of stream to @p out; returns the lines it holds. */
    int next(QByteArray &out, qsizetype bytes)
    {
        out.clear();
        int lines = 0;
        while (out.size() < bytes) {
            if (m_line % 1000 == 0) {
                ++m_step;
                out += jsonStream("Step " + QByteArray::number(m_step) +
                                  "/99999 : RUN pip install -r "
                                  "requirements.txt \\u0026\\u0026 apk del build-deps\\n");
                out += jsonStream(" ---> Running in 5f1e2d3c4b5a\\n");
                lines += 2;
            } else if (m_line % 1000 == 999) {
                out += jsonStream(" ---> " + QByteArray::number(0x1a2b3c4d5e00 + m_step, 16) + "\\n");
                ++lines;
            } else {
                out += m_pool[m_line % m_pool.size()];
                ++lines;
            }
            ++m_line;
        }
        return lines;
    }

private:
    QList<QByteArray> m_pool;
    qint64 m_line = 0;
    int m_step = 0;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 sizeMb = 1024;
    const QStringList args = app.arguments();
    const qsizetype at = args.indexOf(QStringLiteral("--size-mb"));
    if (at >= 0 && at + 1 < args.size())
        sizeMb = qMax(1LL, args[at + 1].toLongLong());
    const qint64 total = sizeMb * 1024 * 1024;
    constexpr qsizetype ChunkSize = 64 * 1024; // the size of a read from the engine's socket

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("build.log"));
    BuildLog log;
    QString error;
    if (!log.open(path, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    BuildLogWriter writer(&log);
    BuildStreamParser parser;
    SyntheticBuild build;
    QByteArray chunk;
    chunk.reserve(ChunkSize + 4096);
    QList<BuildMessage> messages;
    qint64 fed = 0;
    qint64 generated = 0;
    QElapsedTimer generating;
    QElapsedTimer timer;
    qint64 generateNs = 0;
    qint64 storeNs = 0;
    qint64 parseNs = 0;
    while (fed < total) {
        generating.start();
        generated += build.next(chunk, ChunkSize);
        generateNs += generating.nsecsElapsed();
        timer.start();
        messages.clear();
        parser.feed(chunk, messages);
        parseNs += timer.nsecsElapsed();
        if (!writer.write(messages)) {
            std::fprintf(stderr, "%s\n", qPrintable(log.errorString()));
            return 1;
        }
        storeNs += timer.nsecsElapsed();
        fed += chunk.size();
    }
    writer.write(parser.finish());
    writer.finish();
    const double mb = double(fed) / (1024 * 1024);
    const double storeS = storeNs / 1e9;
    const qint64 rssAfterStore = peakRssBytes();

    // The reader's side: index the file as LogModel does (the file is in the page cache).
    LogIndex index;
    index.open(path);
    timer.start();
    index.scan();
    const double indexS = timer.nsecsElapsed() / 1e9;
    const qint64 lines = log.lineCount();
    const qint64 rss = peakRssBytes();
    const qint64 rssGoal = 64LL * 1024 * 1024 + 16 * lines;
    const double rate = mb / storeS;

    std::printf("log_ingest: %.0f MB of engine JSON (%lld lines generated, %lld log lines, %lld steps), "
                "log file %.0f MB\n",
                mb, generated, lines, qint64(log.marks().steps().size()), log.size() / 1048576.0);
    std::printf("  parse + write:  %.2f s  %.0f MB/s of JSON   (goal >= 200 MB/s: %s)\n", storeS, rate,
                rate >= 200 ? "met" : "NOT met");
    std::printf("    of which BuildStreamParser %.2f s, BuildLogWriter + BuildLog %.2f s\n", parseNs / 1e9,
                (storeNs - parseNs) / 1e9);
    std::printf("  generating the input (not counted): %.2f s\n", generateNs / 1e9);
    std::printf("  index the log:  %.2f s  %.0f MB/s of log, %lld lines indexed, index %.1f MB (%.1f B/line)\n", indexS,
                log.size() / 1048576.0 / indexS, qint64(index.lineCount()), index.memoryBytes() / 1048576.0,
                double(index.memoryBytes()) / qMax<qint64>(1, lines));
    std::printf("  peak RSS: %.1f MB after the store, %.1f MB with the index   (goal <= 64 MB + 16 B/line = %.1f MB: "
                "%s)\n",
                rssAfterStore / 1048576.0, rss / 1048576.0, rssGoal / 1048576.0, rss <= rssGoal ? "met" : "NOT met");
    return index.lineCount() == lines ? 0 : 1;
}
