// SPDX-License-Identifier: Apache-2.0
#include "engine/buildstreamparser.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QtTest>
#include <ctime>

using namespace mrc;

namespace {

QString dump(const BuildMessage &m)
{
    static const char *const kinds[] = {"stream", "status", "error", "aux"};
    QString line = QString::fromLatin1(kinds[m.kind]) + QLatin1Char('|') + m.text;
    if (!m.id.isEmpty())
        line += QStringLiteral("|id=") + m.id;
    if (!m.progress.isEmpty())
        line += QStringLiteral("|progress=") + m.progress;
    if (!m.aux.isEmpty())
        line += QStringLiteral("|aux=") + QString::fromUtf8(QJsonDocument(m.aux).toJson(QJsonDocument::Compact));
    if (m.errorCode != 0)
        line += QStringLiteral("|code=") + QString::number(m.errorCode);
    return line;
}

/** Feeds the pieces, then finishes; the truncation error, if any, is the last line. */
QStringList parse(const QList<QByteArrayView> &pieces)
{
    BuildStreamParser parser;
    QList<BuildMessage> messages;
    for (QByteArrayView piece : pieces)
        parser.feed(piece, messages);
    QString truncation;
    messages += parser.finish(&truncation);
    QStringList lines;
    for (const BuildMessage &m : std::as_const(messages))
        lines << dump(m);
    if (!truncation.isEmpty())
        lines << QStringLiteral("truncated|") + truncation;
    return lines;
}

} // namespace

class TestBuildStreamParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void messages_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QStringList>("expected");

        QTest::addRow("classic build, CRLF separated")
            << QByteArray("{\"stream\":\"Step 1/3 : FROM scratch\\n\"}\r\n"
                          "{\"stream\":\" ---\\u003e Running in 0123\\n\"}\r\n"
                          "{\"aux\":{\"ID\":\"sha256:abc\"}}\r\n"
                          "{\"stream\":\"Successfully built abc\\n\"}\r\n")
            << QStringList{QStringLiteral("stream|Step 1/3 : FROM scratch\n"),
                           QStringLiteral("stream| ---> Running in 0123\n"),
                           QStringLiteral("aux||aux={\"ID\":\"sha256:abc\"}"),
                           QStringLiteral("stream|Successfully built abc\n")};
        QTest::addRow("concatenated without separators")
            << QByteArray("{\"stream\":\"a\"}{\"stream\":\"b\"}{\"stream\":\"c\"}")
            << QStringList{QStringLiteral("stream|a"), QStringLiteral("stream|b"), QStringLiteral("stream|c")};
        QTest::addRow("status with id, progress and detail")
            << QByteArray("{\"status\":\"Downloading\",\"progressDetail\":{\"current\":5,\"total\":10},"
                          "\"progress\":\"[=====>     ]\",\"id\":\"f00d\"}\n")
            << QStringList{QStringLiteral("status|Downloading|id=f00d|progress=[=====>     ]")};
        QTest::addRow("error with detail")
            << QByteArray("{\"errorDetail\":{\"code\":1,\"message\":\"The command '/bin/sh -c false' returned a "
                          "non-zero code: 1\"},\"error\":\"The command '/bin/sh -c false' returned a non-zero code: "
                          "1\"}\r\n")
            << QStringList{QStringLiteral("error|The command '/bin/sh -c false' returned a non-zero code: 1|code=1")};
        QTest::addRow("error detail only") << QByteArray("{\"errorDetail\":{\"message\":\"no space\"}}")
                                           << QStringList{QStringLiteral("error|no space")};
        // Found by fuzz/fuzz_buildstream: an error whose detail is not an object once gave an empty reason.
        QTest::addRow("fuzz: error without a message")
            << QByteArray("{\"errorDetail\":\"x\"}")
            << QStringList{QStringLiteral("error|the engine reported an error without a message at offset 0: "
                                          "{\"errorDetail\":\"x\"}")};
        QTest::addRow("escapes") << QByteArray("{\"stream\":\"q\\\" b\\\\ s\\/ t\\t u\\u00e9 \\ud83d\\ude00 "
                                               "bad\\ud800 ctl\\u0001\"}")
                                 << QStringList{QStringLiteral("stream|q\" b\\ s/ t\t u\u00e9 \U0001F600 bad\uFFFD "
                                                               "ctl\u0001")};
        QTest::addRow("backslash runs before quotes")
            << QByteArray("{\"stream\":\"a\\\\\"}{\"stream\":\"\\\\\\\"\"}{\"stream\":\"\\\\\\\\\"}")
            << QStringList{QStringLiteral("stream|a\\"), QStringLiteral("stream|\\\""), QStringLiteral("stream|\\\\")};
        QTest::addRow("braces inside strings")
            << QByteArray("{\"stream\":\"{[}]\\\"}\",\"x\":{\"y\":[\"}\",{}]}}{\"stream\":\"next\"}")
            << QStringList{QStringLiteral("stream|{[}]\"}"), QStringLiteral("stream|next")};
        QTest::addRow("raw UTF-8") << QByteArray("{\"stream\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\\n\"}")
                                   << QStringList{QStringLiteral("stream|caf\u00e9 \u20ac \U0001F433\n")};
        QTest::addRow("unknown keys and objects")
            << QByteArray("{\"progressDetail\":{}}\n{\"foo\":[1,true,null,-2.5e3],\"stream\":\"x\"}\n{}")
            << QStringList{QStringLiteral("stream|x")};
        QTest::addRow("BuildKit aux with id")
            << QByteArray("{\"id\":\"moby.image.id\",\"aux\":{\"ID\":\"sha256:1\"}}"
                          "{\"id\":\"moby.buildkit.trace\",\"aux\":\"Cg==\"}")
            << QStringList{QStringLiteral("aux||id=moby.image.id|aux={\"ID\":\"sha256:1\"}"),
                           QStringLiteral("aux||id=moby.buildkit.trace|aux={\"value\":\"Cg==\"}")};
        QTest::addRow("whitespace only") << QByteArray(" \r\n\t\n") << QStringList{};
        QTest::addRow("empty") << QByteArray() << QStringList{};

        QTest::addRow("garbage before an object")
            << QByteArray("502 Bad Gateway\n{\"stream\":\"a\"}")
            << QStringList{
                   QStringLiteral("error|build output at offset 0 is not a JSON object: 502 Bad Gateway|code=-1"),
                   QStringLiteral("stream|a")};
        QTest::addRow("garbage at the end")
            << QByteArray("{\"stream\":\"a\"} ]]")
            << QStringList{QStringLiteral("stream|a"), QStringLiteral("error|build output at offset 15 is not a "
                                                                      "JSON object: ]]|code=-1")};
        QTest::addRow("invalid object") << QByteArray("{\"stream\": nope}{\"stream\":\"b\"}")
                                        << QStringList{QStringLiteral("error|build output at offset 0 is not valid "
                                                                      "JSON: {\"stream\": nope}|code=-1"),
                                                       QStringLiteral("stream|b")};
        QTest::addRow("bad escape") << QByteArray("{\"stream\":\"\\x\"}")
                                    << QStringList{QStringLiteral("error|build output at offset 0 is not valid JSON: "
                                                                  "{\"stream\":\"\\x\"}|code=-1")};
        QTest::addRow("truncated last object")
            << QByteArray("{\"stream\":\"a\"}\r\n{\"stream\":\"Step 2/")
            << QStringList{QStringLiteral("stream|a"),
                           QStringLiteral("truncated|build output ends inside an object at offset 16 (18 bytes): "
                                          "{\"stream\":\"Step 2/")};
        QTest::addRow("truncated after a backslash")
            << QByteArray("{\"stream\":\"a\\")
            << QStringList{QStringLiteral("truncated|build output ends inside an object at offset 0 (13 bytes): "
                                          "{\"stream\":\"a\\")};
    }

    /** Whole, cut in two at every byte, and byte by byte: always the same messages. */
    void messages()
    {
        QFETCH(QByteArray, input);
        QFETCH(QStringList, expected);

        QCOMPARE(parse({input}), expected);
        const QByteArrayView view(input);
        for (qsizetype cut = 0; cut <= input.size(); ++cut) {
            const QStringList split = parse({view.first(cut), view.sliced(cut)});
            if (split != expected)
                QFAIL(qPrintable(QStringLiteral("cut at %1: %2").arg(cut).arg(split.join(QLatin1String(" / ")))));
        }
        for (qsizetype a = 0; a <= input.size(); a += 3) {
            for (qsizetype b = a; b <= input.size(); b += 2) {
                const QStringList split = parse({view.first(a), view.sliced(a, b - a), view.sliced(b)});
                if (split != expected)
                    QFAIL(qPrintable(QStringLiteral("cut at %1 and %2: %3").arg(a).arg(b).arg(split.join(" / "))));
            }
        }
        QList<QByteArrayView> bytes;
        for (qsizetype i = 0; i < input.size(); ++i)
            bytes.append(view.sliced(i, 1));
        QCOMPARE(parse(bytes), expected);
    }

    void offsetsAcrossFeeds()
    {
        BuildStreamParser parser;
        QCOMPARE(parser.feed("{\"stream\":\"a\"}").size(), 1);
        QCOMPARE(parser.offset(), 14);
        const QList<BuildMessage> garbage = parser.feed("\nxyz{");
        QCOMPARE(garbage.size(), 1);
        QVERIFY2(garbage.constFirst().text.contains(QLatin1String("offset 15")), qPrintable(garbage.constFirst().text));
        QString truncation;
        QVERIFY(parser.finish(&truncation).isEmpty());
        QVERIFY2(truncation.contains(QLatin1String("offset 18")), qPrintable(truncation));
        // finish() leaves the parser ready for a new stream
        QCOMPARE(parser.feed("{\"stream\":\"b\"}").size(), 1);
        QVERIFY(parser.finish(&truncation).isEmpty());
        QVERIFY(truncation.isEmpty());
    }

    /** A realistic build stream in 64 KiB reads; prints MB/s (Release builds are the ones to quote). */
    void throughput()
    {
        QByteArray unit;
        for (int step = 1; step <= 20; ++step) {
            unit += "{\"stream\":\"Step " + QByteArray::number(step) + "/20 : RUN apt-get install -y python3\\n\"}\r\n";
            unit += "{\"stream\":\" ---\\u003e Running in 4f3c2b1a0e9d\\n\"}\r\n";
            for (int line = 0; line < 10; ++line)
                unit +=
                    "{\"stream\":\"Setting up libpython3.11-stdlib:amd64 (3.11.2-6+deb12u1) ... caf\xc3\xa9\\n\"}\r\n";
            unit += "{\"stream\":\" ---\\u003e 0123456789ab\\n\"}\r\n";
        }
        unit += "{\"aux\":{\"ID\":\"sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"}}\r\n";
        const qsizetype unitMessages = 20 * 13 + 1;

        QByteArray data;
        while (data.size() < 32 * 1024 * 1024)
            data += unit;
        const qsizetype expectedMessages = data.size() / unit.size() * unitMessages;

        BuildStreamParser parser;
        QList<BuildMessage> messages;
        qsizetype count = 0;
        qsizetype textChars = 0;
        QElapsedTimer timer;
        timer.start();
        const std::clock_t cpuStart = std::clock(); // wall time lies on a loaded machine
        constexpr qsizetype Read = 64 * 1024;
        for (qsizetype pos = 0; pos < data.size(); pos += Read) {
            messages.clear();
            parser.feed(QByteArrayView(data).sliced(pos, qMin(Read, data.size() - pos)), messages);
            count += messages.size();
            for (const BuildMessage &m : std::as_const(messages))
                textChars += m.text.size();
        }
        QString truncation;
        count += parser.finish(&truncation).size();
        const qint64 ms = qMax<qint64>(1, timer.elapsed());
        const double cpuSeconds = qMax(1e-3, double(std::clock() - cpuStart) / CLOCKS_PER_SEC);
        QCOMPARE(truncation, QString());
        QCOMPARE(count, expectedMessages);
        QVERIFY(textChars > 0);
        qInfo("BuildStreamParser: %lld MB in %lld ms wall = %.0f MB/s; CPU time %.0f MB/s, %.1f M messages/s",
              qint64(data.size() >> 20), ms, double(data.size()) / 1e6 / (double(ms) / 1000.0),
              double(data.size()) / 1e6 / cpuSeconds, double(count) / 1e6 / cpuSeconds);
    }
};

QTEST_GUILESS_MAIN(TestBuildStreamParser)
#include "tst_buildstreamparser.moc"
