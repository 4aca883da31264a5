// SPDX-License-Identifier: Apache-2.0
// The parts of container tests that need no engine: the `tests:` and `stacks:` sections of the manifest, the
// demultiplexer of container output streams, the JUnit writer and the cell's test state (stale included).
#include "engine/streamdemuxer.h"
#include "history/history.h"
#include "imagetests/junitwriter.h"
#include "imagetests/testplan.h"
#include "jobs/buildplan.h"
#include "manifest/manifestparser.h"

#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

using namespace mrc;

namespace {

QByteArray frame(int stream, const QByteArray &payload)
{
    QByteArray out(8, '\0');
    out[0] = char(stream);
    const quint32 size = quint32(payload.size());
    out[4] = char(size >> 24);
    out[5] = char(size >> 16);
    out[6] = char(size >> 8);
    out[7] = char(size);
    return out + payload;
}

QString fixture(const QString &name)
{
    return qEnvironmentVariable("MRC_TEST_FIXTURES") + QStringLiteral("/tests/") + name;
}

} // namespace

class TestContainerTestsUnit : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void demuxerSplitsFramesAtEveryBoundary();
    void demuxerKeepsPartialLinesPerStream();
    void demuxerReportsTruncatedFrame();
    void manifestReadsTests();
    void manifestReportsBadTests();
    void junitCountsAndFailures();
    void summaryStates();
    void refColumnTestsTheImageTheBuildTagged();
};

void TestContainerTestsUnit::demuxerSplitsFramesAtEveryBoundary()
{
    const QByteArray stream = frame(1, "first line\nsecond ") + frame(2, "an error\n") + frame(1, "line\n") +
                              frame(1, QByteArray(70000, 'x') + '\n');
    // Feed it cut at every position (two pieces), and byte by byte: the lines are always the same.
    QList<int> cuts;
    for (int cut = 0; cut <= 40; ++cut)
        cuts.append(cut);
    cuts.append(int(stream.size()) - 3);
    for (int cut : std::as_const(cuts)) {
        StreamDemuxer demuxer;
        QList<StreamDemuxer::Line> lines = demuxer.feed(stream.left(cut));
        lines += demuxer.feed(stream.mid(cut));
        lines += demuxer.finish();
        QCOMPARE(lines.size(), 4);
        QCOMPARE(lines[0].text, QByteArray("first line"));
        QCOMPARE(lines[0].stream, StreamDemuxer::Stdout);
        QCOMPARE(lines[1].text, QByteArray("an error"));
        QCOMPARE(lines[1].stream, StreamDemuxer::Stderr);
        QCOMPARE(lines[2].text, QByteArray("second line"));
        QCOMPARE(lines[3].text.size(), 70000);
        QVERIFY(!demuxer.truncated());
    }
    StreamDemuxer bytewise;
    QList<StreamDemuxer::Line> lines;
    for (char c : stream)
        lines += bytewise.feed(QByteArray(1, c));
    QCOMPARE(lines.size(), 4);
    QCOMPARE(bytewise.output().size(), qsizetype(11 + 7 + 9 + 5 + 70001));
}

void TestContainerTestsUnit::demuxerKeepsPartialLinesPerStream()
{
    StreamDemuxer demuxer;
    QVERIFY(demuxer.feed(frame(1, "no end yet") + frame(2, "err part")).isEmpty());
    const QList<StreamDemuxer::Line> lines = demuxer.finish();
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines[0].text, QByteArray("no end yet"));
    QCOMPARE(lines[1].text, QByteArray("err part"));
    QCOMPARE(demuxer.feed(frame(1, "crlf\r\n")).first().text, QByteArray("crlf"));
}

void TestContainerTestsUnit::demuxerReportsTruncatedFrame()
{
    StreamDemuxer demuxer;
    QVERIFY(demuxer.feed(frame(1, "cut short\n").left(12)).isEmpty());
    demuxer.finish();
    QVERIFY(demuxer.truncated());
}

void TestContainerTestsUnit::manifestReadsTests()
{
    const ManifestResult result = ManifestParser::load(fixture(QStringLiteral("good.yaml")));
    QVERIFY2(result.ok(), result.problems.isEmpty() ? "" : qPrintable(result.problems.first().toString()));
    const ComponentSpec *api = result.manifest.component(QStringLiteral("api"));
    QCOMPARE(api->tests.size(), 3);
    QCOMPARE(api->tests[0].kind, TestSpec::Kind::Run);
    QCOMPARE(api->tests[0].timeoutSeconds, 30);
    QCOMPARE(api->tests[0].network, QStringLiteral("none")); // the default
    QCOMPARE(api->tests[0].expect, QStringLiteral("templates rendered"));
    QCOMPARE(api->tests[1].kind, TestSpec::Kind::Health);
    QCOMPARE(api->tests[1].timeoutSeconds, 60);
    QCOMPARE(api->tests[2].network, QStringLiteral("host"));
    QCOMPARE(result.manifest.stacks.size(), 1);
    const TestSpec &stack = result.manifest.stacks.first();
    QCOMPARE(stack.kind, TestSpec::Kind::Stack); // the default kind of a workspace stack
    QCOMPARE(stack.component, QStringLiteral("api"));
    QCOMPARE(stack.services.value(QStringLiteral("base")), QStringLiteral("base"));
    QCOMPARE(stack.probeImage, QStringLiteral("base"));
    QCOMPARE(stack.timeoutSeconds, 180);
    // The api cell runs its own tests, then the stack it holds; base has none.
    const QList<TestSpec> tests = result.manifest.testsFor(QStringLiteral("api"));
    QCOMPARE(tests.size(), 4);
    QCOMPARE(tests.last().name, QStringLiteral("metrics-smoke"));
    QVERIFY(result.manifest.testsFor(QStringLiteral("base")).isEmpty());
}

void TestContainerTestsUnit::manifestReportsBadTests()
{
    const ManifestResult result = ManifestParser::load(fixture(QStringLiteral("bad.yaml")));
    QVERIFY(!result.ok());
    QStringList problems;
    for (const ManifestProblem &p : result.problems)
        problems.append(p.toString());
    const QString all = problems.join(QLatin1Char('\n'));
    const auto expect = [&](const QString &text) {
        QVERIFY2(all.contains(text), qPrintable(QStringLiteral("missing: %1\nin:\n%2").arg(text, all)));
    };
    const QString file = fixture(QStringLiteral("bad.yaml"));
    expect(file + QStringLiteral(":13:15: unknown test kind 'rn'; did you mean 'run'?"));
    expect(QStringLiteral(":15:9: duplicate test 'start-check'; first defined at line 12"));
    expect(QStringLiteral(":20:18: 'timeout' must be a number of seconds from 1 to 86400, not 'forever'"));
    expect(QStringLiteral(":21:9: 'command' applies only to run tests"));
    expect(QStringLiteral(":25:17: 'expect' is not a valid regular expression"));
    expect(QStringLiteral(":27:5: stack smoke has no 'component'"));
    expect(QStringLiteral(":29:21: service 'api' names no component 'apii'"));
    expect(QStringLiteral(":31:5: test 'no-compose' has no 'compose'"));
}

void TestContainerTestsUnit::junitCountsAndFailures()
{
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("t.log"));
    QFile file(log);
    QVERIFY(file.open(QIODevice::WriteOnly));
    for (int i = 0; i < 100; ++i)
        file.write(QByteArray("line ") + QByteArray::number(i) + "\n");
    file.write("colour \x1b[31mred\x1b[0m & <tag>\n");
    file.close();
    const QDateTime start = QDateTime::currentDateTimeUtc();
    const auto update = [&](const QString &component, const QString &test, TestState state, const QString &message) {
        TestUpdate u;
        u.component = component;
        u.branch = QStringLiteral("master");
        u.docker = QStringLiteral("28.2");
        u.test = test;
        u.kind = QStringLiteral("run");
        u.state = state;
        u.message = message;
        u.logPath = log;
        u.started = start;
        u.finished = start.addMSecs(1500);
        return u;
    };
    const QList<TestUpdate> results{
        update(QStringLiteral("api"), QStringLiteral("a"), TestState::Passed, {}),
        update(QStringLiteral("api"), QStringLiteral("b"), TestState::Failed,
               QStringLiteral("the command exited with code 1")),
        update(QStringLiteral("base"), QStringLiteral("c"), TestState::Cancelled, QStringLiteral("cancelled"))};
    QXmlStreamReader xml(JUnitWriter::toXml(results));
    int suites = 0, cases = 0, failures = 0, skipped = 0;
    QString failureText;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("testsuites")) {
            QCOMPARE(xml.attributes().value(QStringLiteral("tests")).toString(), QStringLiteral("3"));
            QCOMPARE(xml.attributes().value(QStringLiteral("failures")).toString(), QStringLiteral("1"));
        }
        suites += xml.name() == QLatin1String("testsuite");
        cases += xml.name() == QLatin1String("testcase");
        skipped += xml.name() == QLatin1String("skipped");
        if (xml.name() == QLatin1String("failure")) {
            ++failures;
            QCOMPARE(xml.attributes().value(QStringLiteral("message")).toString(),
                     QStringLiteral("the command exited with code 1"));
            failureText = xml.readElementText();
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(suites, 2);
    QCOMPARE(cases, 3);
    QCOMPARE(failures, 1);
    QCOMPARE(skipped, 1);
    // The tail of the log, control characters replaced so the XML stays valid.
    QVERIFY(failureText.contains(QLatin1String("line 99")));
    QVERIFY(!failureText.contains(QLatin1String("line 50\n")));
    QVERIFY(failureText.contains(QLatin1String("& <tag>")));
}

void TestContainerTestsUnit::summaryStates()
{
    QCOMPARE(summarizeTests({}, QStringLiteral("sha256:a")).state, TestState::Untested);
    TestRecord passed;
    passed.test = QStringLiteral("start-check");
    passed.state = TestState::Passed;
    passed.imageId = QStringLiteral("sha256:a");
    TestRecord failed = passed;
    failed.test = QStringLiteral("healthy");
    failed.state = TestState::Failed;
    failed.message = QStringLiteral("timed out after 5 s");
    QCOMPARE(summarizeTests({passed}, QStringLiteral("sha256:a")).state, TestState::Passed);
    const CellTestStatus failing = summarizeTests({passed, failed}, QStringLiteral("sha256:a"));
    QCOMPARE(failing.state, TestState::Failed);
    QCOMPARE(failing.message, QStringLiteral("healthy: timed out after 5 s"));
    QCOMPARE(summarizeTests({passed, failed}, QStringLiteral("sha256:b")).state, TestState::Stale);
    TestRecord testing = passed;
    testing.state = TestState::Testing;
    QCOMPARE(summarizeTests({passed, testing}, QStringLiteral("sha256:b")).state, TestState::Testing);
    QCOMPARE(testStateFromName(testStateName(TestState::Cancelled)), TestState::Cancelled);
}

void TestContainerTestsUnit::refColumnTestsTheImageTheBuildTagged()
{
    // `mrc test --build --ref 11.0.0` tests what `mrc build --ref` tagged (monasca/api:ref-11.0.0), not a
    // branch tag of the same name.
    Manifest manifest;
    manifest.branches = {BranchSpec{QStringLiteral("master"), {QStringLiteral("20.10")}, {}}};
    BranchSpec column{QStringLiteral("11.0.0"), {QStringLiteral("20.10")}, {}};
    column.ref = QStringLiteral("11.0.0");
    manifest.branches.append(column);
    QCOMPARE(TestPlan::imageTag(manifest, QStringLiteral("monasca/api"), QStringLiteral("11.0.0")),
             BuildPlan::refTag(QStringLiteral("monasca/api"), QStringLiteral("11.0.0")));
    QCOMPARE(TestPlan::imageTag(manifest, QStringLiteral("monasca/api"), QStringLiteral("master")),
             QStringLiteral("monasca/api:master"));
    QCOMPARE(TestPlan::imageTag(manifest, QStringLiteral("monasca/api"), QStringLiteral("stable/2023.2")),
             QStringLiteral("monasca/api:stable-2023.2"));
}

QTEST_GUILESS_MAIN(TestContainerTestsUnit)
#include "tst_containertestsunit.moc"
