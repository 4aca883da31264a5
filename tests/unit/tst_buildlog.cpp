// SPDX-License-Identifier: Apache-2.0
// The log store on real files: BuildLog (append, reopen after a crash, a real SIGKILL), LogIndex (incremental
// offsets, read-back), LogLine and AnsiText (classification and colour runs), BuildLogWriter (engine messages to
// lines, through the real BuildStreamParser) and LogSearch.
#include "engine/buildstreamparser.h"
#include "logs/ansitext.h"
#include "logs/buildlog.h"
#include "logs/buildlogwriter.h"
#include "logs/logindex.h"
#include "logs/logline.h"
#include "logs/logsearch.h"

#include <QFile>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

using namespace mrc;

using LineRanges = QList<QPair<int, int>>;

namespace {

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<cannot read>");
}

void writeFile(const QString &path, const QByteArray &bytes, QIODevice::OpenMode mode = QIODevice::WriteOnly)
{
    QFile file(path);
    QVERIFY(file.open(mode));
    QCOMPARE(file.write(bytes), bytes.size());
}

QString dumpRuns(const QList<AnsiText::Run> &runs)
{
    QStringList parts;
    for (const AnsiText::Run &run : runs)
        parts.append(QStringLiteral("%1+%2:%3/%4%5")
                         .arg(run.start)
                         .arg(run.length)
                         .arg(run.foreground)
                         .arg(run.background)
                         .arg(run.bold ? QStringLiteral("b") : QString()));
    return parts.join(QLatin1Char(' '));
}

BuildMessage stream(const QString &text)
{
    BuildMessage m;
    m.text = text;
    return m;
}

BuildMessage status(const QString &id, const QString &text)
{
    BuildMessage m;
    m.kind = BuildMessage::Status;
    m.id = id;
    m.text = text;
    return m;
}

BuildMessage error(const QString &text)
{
    BuildMessage m;
    m.kind = BuildMessage::Error;
    m.text = text;
    m.errorCode = 1;
    return m;
}

BuildMessage aux(const QString &id)
{
    BuildMessage m;
    m.kind = BuildMessage::Aux;
    m.aux = QJsonObject{{QStringLiteral("ID"), id}};
    return m;
}

} // namespace

class TestBuildLog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void classify_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("step");
        QTest::addColumn<int>("steps");
        QTest::addColumn<QByteArray>("layer");
        QTest::addRow("step") << QByteArray("Step 3/7 : RUN apk add git") << int(LogLine::StepHeader) << 3 << 7
                              << QByteArray();
        QTest::addRow("step with ansi") << QByteArray("\x1b[1m\x1b[34mStep 12/15 : COPY . /app")
                                        << int(LogLine::StepHeader) << 12 << 15 << QByteArray();
        QTest::addRow("step without total")
            << QByteArray("Step 3 : RUN x") << int(LogLine::Normal) << 0 << 0 << QByteArray();
        QTest::addRow("step in text") << QByteArray("  Step 1/2 indented") << int(LogLine::Normal) << 0 << 0
                                      << QByteArray();
        QTest::addRow("engine error") << QByteArray("ERROR: The command '/bin/sh -c false' returned a non-zero code: 1")
                                      << int(LogLine::Error) << 0 << 0 << QByteArray();
        QTest::addRow("tool error") << QByteArray("ERROR No matching distribution") << int(LogLine::Error) << 0 << 0
                                    << QByteArray();
        QTest::addRow("lowercase error") << QByteArray("error: not ours") << int(LogLine::Normal) << 0 << 0
                                         << QByteArray();
        QTest::addRow("layer") << QByteArray(" ---> 0123456789ab") << int(LogLine::Layer) << 0 << 0
                               << QByteArray("0123456789ab");
        QTest::addRow("layer crlf") << QByteArray(" ---> 0123456789ab\r") << int(LogLine::Layer) << 0 << 0
                                    << QByteArray("0123456789ab");
        QTest::addRow("running in") << QByteArray(" ---> Running in 0123456789ab") << int(LogLine::Normal) << 0 << 0
                                    << QByteArray();
        QTest::addRow("using cache") << QByteArray(" ---> Using cache") << int(LogLine::Normal) << 0 << 0
                                     << QByteArray();
        QTest::addRow("empty") << QByteArray() << int(LogLine::Normal) << 0 << 0 << QByteArray();
        QTest::addRow("lone escape") << QByteArray("\x1b[") << int(LogLine::Normal) << 0 << 0 << QByteArray();
        QTest::addRow("huge step number")
            << QByteArray("Step 99999999999/3 : X") << int(LogLine::Normal) << 0 << 0 << QByteArray();
    }
    void classify()
    {
        QFETCH(QByteArray, line);
        const LogLine::Info info = LogLine::classify(line);
        QTEST(int(info.kind), "kind");
        QTEST(info.step, "step");
        QTEST(info.steps, "steps");
        QTEST(info.layer, "layer");
    }

    void ansi_data()
    {
        QTest::addColumn<QString>("raw");
        QTest::addColumn<QString>("plain");
        QTest::addColumn<QString>("runs");
        QTest::addRow("plain") << QStringLiteral("hello") << QStringLiteral("hello") << QStringLiteral("0+5:-1/-1");
        QTest::addRow("red then reset") << QStringLiteral("\x1b[31mred\x1b[0m ok") << QStringLiteral("red ok")
                                        << QStringLiteral("0+3:1/-1 3+3:-1/-1");
        QTest::addRow("bright bold") << QStringLiteral("\x1b[1;92mgreen\x1b[22m") << QStringLiteral("green")
                                     << QStringLiteral("0+5:10/-1b");
        QTest::addRow("all normal colours")
            << QStringLiteral("\x1b[30ma\x1b[37mb\x1b[90mc\x1b[97md") << QStringLiteral("abcd")
            << QStringLiteral("0+1:0/-1 1+1:7/-1 2+1:8/-1 3+1:15/-1");
        QTest::addRow("background") << QStringLiteral("\x1b[41;37mX\x1b[49;39mY") << QStringLiteral("XY")
                                    << QStringLiteral("0+1:7/1 1+1:-1/-1");
        QTest::addRow("empty params reset")
            << QStringLiteral("\x1b[31ma\x1b[mb") << QStringLiteral("ab") << QStringLiteral("0+1:1/-1 1+1:-1/-1");
        QTest::addRow("256 colours") << QStringLiteral("\x1b[38;5;9ma\x1b[38;5;200mb\x1b[38;2;1;2;3mc")
                                     << QStringLiteral("abc") << QStringLiteral("0+1:9/-1 1+2:-1/-1");
        QTest::addRow("merged runs") << QStringLiteral("a\x1b[31m\x1b[39mb") << QStringLiteral("ab")
                                     << QStringLiteral("0+2:-1/-1");
        QTest::addRow("other csi dropped")
            << QStringLiteral("\x1b[2Ka\x1b[1Gb") << QStringLiteral("ab") << QStringLiteral("0+2:-1/-1");
        QTest::addRow("osc dropped") << QStringLiteral("\x1b]0;title\x07x") << QStringLiteral("x")
                                     << QStringLiteral("0+1:-1/-1");
        QTest::addRow("carriage return") << QStringLiteral("10%\r50%\r100%\r") << QStringLiteral("100%")
                                         << QStringLiteral("0+4:-1/-1");
        QTest::addRow("tab") << QStringLiteral("a\tb") << QStringLiteral("a       b") << QStringLiteral("0+9:-1/-1");
        QTest::addRow("truncated escape")
            << QStringLiteral("a\x1b[3") << QStringLiteral("a") << QStringLiteral("0+1:-1/-1");
        QTest::addRow("only escapes") << QStringLiteral("\x1b[0m") << QString() << QString();
    }
    void ansi()
    {
        QFETCH(QString, raw);
        QString plain;
        const QList<AnsiText::Run> runs = AnsiText::parse(raw, &plain);
        QTEST(plain, "plain");
        QTEST(dumpRuns(runs), "runs");
        QCOMPARE(AnsiText::strip(raw), plain);
    }

    void appendAndReadBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("jobs/1/build.log"));
        BuildLog log;
        QString error;
        QVERIFY2(log.open(path, &error), qPrintable(error));
        QVERIFY(log.append(QStringLiteral("Step 1/2 : FROM busybox")));
        QVERIFY(log.append(QByteArrayView(" ---> 0123456789ab\nStep 2/2 : RUN false\n")));
        QVERIFY(log.append(QByteArrayView("no newline")));
        QVERIFY(log.append(QStringLiteral("ERROR: failed ü")));
        const QByteArray expected =
            "Step 1/2 : FROM busybox\n ---> 0123456789ab\nStep 2/2 : RUN false\nno newline\nERROR: failed \xc3\xbc\n";
        // Nothing waits in a buffer: the file holds every line before close().
        QCOMPARE(readAll(path), expected);
        QCOMPARE(log.size(), expected.size());
        QCOMPARE(log.lineCount(), 5);
        QCOMPARE(log.marks().steps().size(), 2);
        QCOMPARE(log.marks().failingStep().number, 2);
        QCOMPARE(log.marks().failingStep().line, 2);
        QCOMPARE(log.marks().lastLayerId(), QStringLiteral("0123456789ab"));
        QCOMPARE(log.lastStepHeader(), QStringLiteral("Step 2/2 : RUN false"));

        LogIndex index;
        QVERIFY(index.open(path));
        QCOMPARE(index.scan(), 5);
        QCOMPARE(index.lineCount(), 5);
        QCOMPARE(index.line(0), QStringLiteral("Step 1/2 : FROM busybox"));
        QCOMPARE(index.line(4), QStringLiteral("ERROR: failed ü"));
        QCOMPARE(index.lineStart(1), 24);
        QCOMPARE(index.lineEnd(1), 43);
        QCOMPARE(index.indexedSize(), expected.size());
        QCOMPARE(index.lineAt(0), 0);
        QCOMPARE(index.lineAt(23), 0);
        QCOMPARE(index.lineAt(24), 1);
        QCOMPARE(index.lineAt(1 << 20), 4);
        QCOMPARE(index.line(5), QString());
        QCOMPARE(index.line(-1), QString());
        QCOMPARE(index.marks().failingStep().line, 2);
    }

    void openFails()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath(QStringLiteral("file")), "x");
        BuildLog log;
        QString error;
        QVERIFY(!log.open(dir.filePath(QStringLiteral("file/build.log")), &error));
        QVERIFY2(error.contains(QStringLiteral("file")), qPrintable(error));
        QVERIFY(!log.append(QStringLiteral("x")));
        QVERIFY(log.errorString().contains(QStringLiteral("not open")));
        LogIndex index;
        QVERIFY(!index.open(dir.filePath(QStringLiteral("missing.log")), &error));
        QVERIFY2(error.contains(QStringLiteral("missing.log")), qPrintable(error));
    }

    void reopenAfterCrash_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<int>("lines");
        QTest::addColumn<int>("steps");
        QTest::addColumn<QByteArray>("after");
        QTest::addRow("empty") << QByteArray() << 0 << 0 << QByteArray("next\n");
        QTest::addRow("complete") << QByteArray("a\nb\n") << 2 << 0 << QByteArray("a\nb\nnext\n");
        QTest::addRow("partial last line") << QByteArray("a\nb\npart") << 3 << 0 << QByteArray("a\nb\npart\nnext\n");
        QTest::addRow("partial step header")
            << QByteArray("Step 1/2 : FROM x\n ---> 0123456789ab\nStep 2/2 : RU") << 3 << 2
            << QByteArray("Step 1/2 : FROM x\n ---> 0123456789ab\nStep 2/2 : RU\nnext\n");
        QByteArray big(3 << 20, 'x'); // lines across the 1 MB read blocks
        big[100] = '\n';
        big[(1 << 20) + 5] = '\n';
        QTest::addRow("long lines") << big << 3 << 0 << big + "\nnext\n";
    }
    void reopenAfterCrash()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        writeFile(path, before);
        BuildLog log;
        QString error;
        QVERIFY2(log.open(path, &error), qPrintable(error));
        QTEST(log.lineCount(), "lines");
        QTEST(int(log.marks().steps().size()), "steps");
        QVERIFY(log.append(QStringLiteral("next")));
        QCOMPARE(readAll(path), after);
        QCOMPARE(log.size(), after.size());
        QCOMPARE(log.lineCount(), int(after.count('\n')));
    }

    // A real SIGKILL right after the appends: whatever append() returned for is in the file.
    void survivesSigkill()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        const pid_t child = fork();
        QVERIFY(child >= 0);
        if (child == 0) {
            BuildLog log;
            if (!log.open(path))
                _exit(2);
            for (int i = 0; i < 1000; ++i)
                log.append(QStringLiteral("line %1").arg(i));
            ::kill(::getpid(), SIGKILL);
            _exit(3);
        }
        int status = 0;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFSIGNALED(status));
        QCOMPARE(WTERMSIG(status), SIGKILL);
        const QByteArray bytes = readAll(path);
        QCOMPARE(bytes.count('\n'), 1000);
        QVERIFY(bytes.endsWith("line 999\n"));
    }

    // The file grows while the index reads it: every split of the input gives the same lines and marks.
    void incrementalScan()
    {
        const QByteArray text = "Step 1/3 : FROM busybox\r\n ---> 0123456789ab\nStep 2/3 : RUN x\n"
                                "\x1b[31mred\x1b[0m\n\nERROR: boom\nStep 3/3 : CMD\nunfinished";
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        for (qsizetype split = 0; split <= text.size(); ++split) {
            writeFile(path, text.first(split));
            LogIndex index;
            QVERIFY(index.open(path));
            index.scan();
            QCOMPARE(index.scannedSize(), split);
            writeFile(path, text.sliced(split), QIODevice::Append);
            index.scan();
            QCOMPARE(index.lineCount(), 7);
            QCOMPARE(index.line(0), QStringLiteral("Step 1/3 : FROM busybox"));
            QCOMPARE(index.line(3), QStringLiteral("\x1b[31mred\x1b[0m"));
            QCOMPARE(index.line(4), QString());
            QCOMPARE(index.line(6), QStringLiteral("Step 3/3 : CMD"));
            QCOMPARE(index.indexedSize(), text.lastIndexOf('\n') + 1);
            QCOMPARE(index.marks().steps().size(), 3);
            QCOMPARE(index.marks().lastErrorLine(), 5);
            QCOMPARE(index.marks().failingStep().number, 2);
            QCOMPARE(index.marks().lastLayerId(), QStringLiteral("0123456789ab"));
        }
    }

    void scanLimits()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        QByteArray text;
        for (int i = 0; i < 10000; ++i)
            text += "line " + QByteArray::number(i) + '\n';
        writeFile(path, text);
        LogIndex index;
        QVERIFY(index.open(path));
        QCOMPARE(index.scan(-1, 1000), int(text.first(1000).count('\n')));
        QCOMPARE(index.scannedSize(), 1000);
        index.scan(5000);
        QCOMPARE(index.scannedSize(), 5000);
        index.scan();
        QCOMPARE(index.lineCount(), 10000);
        for (int i : {0, 4095, 4096, 4097, 9999})
            QCOMPARE(index.line(i), QStringLiteral("line %1").arg(i));
        QVERIFY(index.memoryBytes() < 10000 * 8);
    }

    // Lines longer than a cache block, a line crossing two blocks, and a block cached before the file grew.
    void readBack()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        const QByteArray longLine(200000, 'y');
        writeFile(path, "short\n" + QByteArray(65530, 'z') + '\n' + longLine + '\n' + "tail");
        LogIndex index;
        QVERIFY(index.open(path));
        index.scan();
        QCOMPARE(index.lineCount(), 3);
        QCOMPARE(index.lineBytes(1), QByteArray(65530, 'z'));
        QCOMPARE(index.lineBytes(2, 1 << 20), longLine);
        QCOMPARE(index.lineBytes(2, 10), QByteArray(10, 'y'));
        QCOMPARE(index.lineBytes(0), QByteArray("short"));
        writeFile(path, "ed\n", QIODevice::Append);
        index.scan();
        QCOMPARE(index.lineBytes(3), QByteArray("tailed"));

        QTemporaryDir other;
        const QString small = other.filePath(QStringLiteral("small.log"));
        writeFile(small, "one\n");
        LogIndex growing;
        QVERIFY(growing.open(small));
        growing.scan();
        QCOMPARE(growing.line(0), QStringLiteral("one"));
        writeFile(small, "two\n", QIODevice::Append);
        growing.scan();
        QCOMPARE(growing.line(1), QStringLiteral("two"));
    }

    void writer_data()
    {
        QTest::addColumn<QList<QList<BuildMessage>>>("batches");
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QString>("imageId");
        QTest::addRow("stream lines") << QList<QList<BuildMessage>>{{stream(QStringLiteral("Step 1/2 : FROM x\n")),
                                                                     stream(QStringLiteral(" ---> abc\nStep 2/2"))},
                                                                    {stream(QStringLiteral(" : RUN y\n"))}}
                                      << QByteArray("Step 1/2 : FROM x\n ---> abc\nStep 2/2 : RUN y\n") << QString();
        QTest::addRow("partial line kept until finish")
            << QList<QList<BuildMessage>>{{stream(QStringLiteral("a")), stream(QStringLiteral("b"))}}
            << QByteArray("ab\n") << QString();
        QTest::addRow("status changes only")
            << QList<QList<BuildMessage>>{{status(QString(), QStringLiteral("Pulling from library/busybox")),
                                           status(QStringLiteral("l1"), QStringLiteral("Downloading")),
                                           status(QStringLiteral("l1"), QStringLiteral("Downloading")),
                                           status(QStringLiteral("l1"), QStringLiteral("Pull complete"))}}
            << QByteArray("Pulling from library/busybox\nl1: Downloading\nl1: Pull complete\n") << QString();
        QTest::addRow("error after partial")
            << QList<QList<BuildMessage>>{{stream(QStringLiteral("half")),
                                           error(QStringLiteral("The command '/bin/sh -c false' returned a "
                                                                "non-zero code: 1"))}}
            << QByteArray("half\nERROR: The command '/bin/sh -c false' returned a non-zero code: 1\n") << QString();
        QTest::addRow("multi-line error") << QList<QList<BuildMessage>>{{error(QStringLiteral("one\ntwo\n"))}}
                                          << QByteArray("ERROR: one\nERROR: two\n") << QString();
        QTest::addRow("aux") << QList<QList<BuildMessage>>{{aux(QStringLiteral("sha256:0123")),
                                                            stream(QStringLiteral("Successfully built 0123\n"))}}
                             << QByteArray("Built image sha256:0123\nSuccessfully built 0123\n")
                             << QStringLiteral("sha256:0123");
        BuildMessage trace;
        trace.kind = BuildMessage::Aux;
        trace.id = QStringLiteral("moby.buildkit.trace");
        QTest::addRow("aux without id") << QList<QList<BuildMessage>>{{trace}} << QByteArray() << QString();
    }
    void writer()
    {
        QFETCH(QList<QList<BuildMessage>>, batches);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        BuildLog log;
        QVERIFY(log.open(path));
        BuildLogWriter writer(&log);
        for (const QList<BuildMessage> &batch : batches)
            QVERIFY(writer.write(batch));
        QVERIFY(writer.finish());
        QTEST(readAll(path), "file");
        QTEST(writer.imageId(), "imageId");
    }

    // The engine's JSON through the real parser, cut at every byte: the log is the same.
    void writerThroughParser()
    {
        const QByteArray json =
            "{\"stream\":\"Step 1/2 : FROM busybox\\n\"}\r\n{\"stream\":\" ---> 0123456789ab\\n\"}\r\n"
            "{\"stream\":\"Step 2/2 : RUN false\\n\"}\r\n{\"stream\":\" ---> Running in 1\\n\"}\r\n"
            "{\"stream\":\"\\u001b[31mbad \xc3\xa9\\u001b[0m\\n\"}\r\n"
            "{\"errorDetail\":{\"code\":1,\"message\":\"The command '/bin/sh -c false' returned "
            "a non-zero code: 1\"},\"error\":\"The command '/bin/sh -c false' returned a "
            "non-zero code: 1\"}\r\n";
        const QByteArray expected = "Step 1/2 : FROM busybox\n ---> 0123456789ab\nStep 2/2 : RUN false\n"
                                    " ---> Running in 1\n\x1b[31mbad \xc3\xa9\x1b[0m\n"
                                    "ERROR: The command '/bin/sh -c false' returned a non-zero code: 1\n";
        QTemporaryDir dir;
        for (qsizetype split = 0; split <= json.size(); ++split) {
            const QString path = dir.filePath(QStringLiteral("build-%1.log").arg(split));
            BuildLog log;
            QVERIFY(log.open(path));
            BuildLogWriter writer(&log);
            BuildStreamParser parser;
            QVERIFY(writer.write(parser.feed(json.first(split))));
            QVERIFY(writer.write(parser.feed(json.sliced(split))));
            QVERIFY(writer.write(parser.finish()));
            QVERIFY(writer.finish());
            QCOMPARE(readAll(path), expected);
            QCOMPARE(log.marks().failingStep().number, 2);
            QCOMPARE(log.marks().lastLayerId(), QStringLiteral("0123456789ab"));
            QCOMPARE(writer.errorMessage(),
                     QStringLiteral("The command '/bin/sh -c false' returned a non-zero code: 1"));
        }
    }

    void search_data()
    {
        QTest::addColumn<QString>("needle");
        QTest::addColumn<bool>("forward");
        QTest::addColumn<LineRanges>("ranges"); // line ranges, in search order
        QTest::addColumn<int>("found");
        const LineRanges all{{0, 9}};
        QTest::addRow("first") << QStringLiteral("needle") << true << all << 2;
        QTest::addRow("case-insensitive") << QStringLiteral("NEEDLE") << true << all << 2;
        QTest::addRow("last") << QStringLiteral("needle") << false << all << 7;
        QTest::addRow("after a line") << QStringLiteral("needle") << true << LineRanges{{3, 9}} << 7;
        QTest::addRow("wrap") << QStringLiteral("needle") << true << LineRanges{{8, 9}, {0, 7}} << 2;
        QTest::addRow("backward wrap") << QStringLiteral("needle") << false << LineRanges{{0, 1}, {2, 9}} << 7;
        QTest::addRow("unicode") << QStringLiteral("ÉTÉ") << true << all << 5;
        QTest::addRow("escape inside") << QStringLiteral("31mred") << true << all << 4;
        QTest::addRow("none") << QStringLiteral("absent") << true << all << -1;
        QTest::addRow("empty") << QString() << true << all << -1;
        QTest::addRow("across lines") << QStringLiteral("one\ntwo") << true << all << -1;
    }
    void search()
    {
        QFETCH(LineRanges, ranges);
        QFETCH(QString, needle);
        QFETCH(bool, forward);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        writeFile(path, "zero\none\nthe Needle\nthree\n\x1b[31mred\x1b[0m\n\xc3\xa9t\xc3\xa9\nsix\nneedle again\n"
                        "eight\nnine\n");
        LogIndex index;
        QVERIFY(index.open(path));
        index.scan();
        QList<LogSearch::Segment> segments;
        for (const auto &[first, last] : ranges)
            segments.append(LogSearch::Segment{first, index.lineStart(first), index.lineEnd(last)});
        QTEST(LogSearch::find(path, segments, needle, forward), "found");
        std::atomic_bool cancelled{true};
        QCOMPARE(LogSearch::find(path, segments, needle, forward, &cancelled), -1);
    }

    void count_data()
    {
        QTest::addColumn<QString>("needle");
        QTest::addColumn<qint64>("hits");
        QTest::addRow("twice on a line counts once") << QStringLiteral("needle") << qint64(3);
        QTest::addRow("case-insensitive") << QStringLiteral("NEEDLE") << qint64(3);
        QTest::addRow("unicode") << QStringLiteral("ÉTÉ") << qint64(1);
        QTest::addRow("last line without a newline") << QStringLiteral("tail") << qint64(1);
        QTest::addRow("none") << QStringLiteral("absent") << qint64(0);
        QTest::addRow("empty") << QString() << qint64(0);
    }
    void count()
    {
        QFETCH(QString, needle);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("build.log"));
        // Over one read block, so that a line split between two reads is counted once.
        QByteArray text;
        while (text.size() < (4 << 20) - 3)
            text += "filler line\n";
        text.chop(text.size() - ((4 << 20) - 3));
        text += "needle and needle\nthe Needle\n\xc3\xa9t\xc3\xa9\nNEEDLE\nthe tail";
        writeFile(path, text);
        QTEST(LogSearch::count(path, needle), "hits");
        std::atomic_bool cancelled{true};
        QCOMPARE(LogSearch::count(path, QStringLiteral("needle"), 0, &cancelled), qint64(-1));
    }
};

QTEST_GUILESS_MAIN(TestBuildLog)
#include "tst_buildlog.moc"
