// SPDX-License-Identifier: Apache-2.0
// Container tests on the real private dockerd that scripts/test starts: the demo's run, health and docker-compose
// stack tests on a column of freshly built images, a failing command, a container that never becomes healthy, a
// failing smoke command and a cancelled stack that must both leave nothing behind, JUnit XML, and results that go
// stale when the image is rebuilt. The column is a branch of its own, so that its image tags are this test's alone.
#include "demo/demoworkspace.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/engineprobe.h"
#include "history/history.h"
#include "imagetests/junitwriter.h"
#include "imagetests/testplan.h"
#include "imagetests/testrunner.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>
#include <QXmlStreamReader>
#include <functional>

using namespace mrc;

namespace {

QString run(const QString &program, const QStringList &arguments, const QString &workDir = {})
{
    QProcess process;
    if (!workDir.isEmpty())
        process.setWorkingDirectory(workDir);
    process.start(program, arguments);
    if (!process.waitForFinished(60000) || process.exitCode() != 0)
        qWarning("%s %s failed: %s", qPrintable(program), qPrintable(arguments.join(QLatin1Char(' '))),
                 process.readAllStandardError().constData());
    return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
}

QString readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

} // namespace

class TestContainerTests : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void columnTestsPass();
    void failingCommandFailsWithItsOutput();
    void neverHealthyFailsAtTimeout();
    void failingSmokeLeavesNothingBehind();
    void cancelledStackLeavesNothingBehind();
    void stackWithAMissingImageFailsFirst();
    void rebuildMakesResultsStale();
    void cliPrintsJsonAndJunit();

private:
    QList<JobUpdate> build(const QList<Cell> &selected, bool noCache);
    QList<TestUpdate> runTests(const Manifest &manifest, const TestPlan &plan,
                               std::function<void(TestRunner &, int, const QByteArray &)> onLog = {},
                               QString *runId = nullptr);
    const Cell *cell(const QString &component) const;
    /** Names of the engine's containers, networks and volumes whose name or labels mention @p needle. */
    QStringList leftovers(const QString &needle);
    TestJobSpec job(const QString &component, const TestSpec &test) const;

    QTemporaryDir m_dir;
    QString m_engineHost;
    QString m_docker;
    QString m_branch;
    Manifest m_manifest;
    QList<EngineStatus> m_engines;
    QList<Cell> m_cells;
    std::unique_ptr<EngineClient> m_client;
};

void TestContainerTests::initTestCase()
{
    m_engineHost = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (m_engineHost.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("docker-compose")).isEmpty(),
             "docker-compose is missing: run packaging/install-deps");
    qputenv("DOCKER_HOST", m_engineHost.toLocal8Bit());
    QStandardPaths::setTestModeEnabled(true);
    const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    m_docker = engine.majorMinor();
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, m_docker, &error), qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY2(loaded.ok(), loaded.problems.isEmpty() ? "" : qPrintable(loaded.problems.first().toString()));
    m_manifest = loaded.manifest;
    m_client = std::make_unique<EngineClient>(m_manifest.engines.first());

    // A branch of master that only this test builds: its tags (monasca/api:ct-...) are nobody else's.
    m_branch = QStringLiteral("ct-%1").arg(QRandomGenerator::global()->generate() % 1000000);
    QList<ComponentSpec> kept;
    for (const ComponentSpec &c : std::as_const(m_manifest.components)) {
        if (QStringList{QStringLiteral("base"), QStringLiteral("api"), QStringLiteral("persister"),
                        QStringLiteral("notification")}
                .contains(c.name)) {
            kept.append(c);
            run(QStringLiteral("git"), {QStringLiteral("-C"), QUrl(c.repo).toLocalFile(), QStringLiteral("branch"),
                                        m_branch, QStringLiteral("master")});
        }
    }
    QCOMPARE(kept.size(), 4);
    m_manifest.components = kept;
    m_manifest.branches = {BranchSpec{m_branch, {m_docker}, {}}};
    QCOMPARE(m_manifest.stacks.size(), 1);

    ScanOptions options;
    options.fetch = true;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(m_manifest, options);
    scan.run();
    m_engines = scan.engines();
    m_cells = scan.cells();
    QCOMPARE(m_cells.size(), 4);
    QElapsedTimer timer;
    timer.start();
    for (const JobUpdate &job : build(m_cells, false))
        QVERIFY2(job.state == JobState::Built, qPrintable(job.component + QLatin1Char(' ') + job.message));
    qInfo("built the column in %.1f s", timer.elapsed() / 1000.0);
}

void TestContainerTests::cleanupTestCase()
{
    if (!m_client)
        return;
    QStringList tags{QStringLiteral("mrc-test/unhealthy:%1").arg(m_branch)};
    for (const ComponentSpec &c : std::as_const(m_manifest.components))
        tags.append(BuildPlan::localTag(c.image, m_branch));
    for (const QString &tag : std::as_const(tags)) {
        EngineCall *call = m_client->removeImage(tag, true);
        call->waitForFinished(30000);
        delete call;
    }
}

QList<JobUpdate> TestContainerTests::build(const QList<Cell> &selected, bool noCache)
{
    const BuildPlan plan = BuildPlan::make(m_manifest, m_cells, selected, m_engines, QDateTime::currentDateTimeUtc());
    BuildOptions options;
    options.noCache = noCache;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("data/logs"));
    BuildRunner runner(m_manifest, plan, options);
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    if (!finished.wait(600000))
        qWarning("the build did not finish in 10 minutes");
    return runner.jobs();
}

QList<TestUpdate> TestContainerTests::runTests(const Manifest &manifest, const TestPlan &plan,
                                               std::function<void(TestRunner &, int, const QByteArray &)> onLog,
                                               QString *runId)
{
    TestOptions options;
    options.jobs = 3;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("data/logs"));
    TestRunner runner(manifest, plan, options);
    if (runId)
        *runId = runner.runId();
    if (onLog)
        connect(&runner, &TestRunner::logLines, &runner,
                [&runner, onLog](int job, const QByteArray &lines) { onLog(runner, job, lines); });
    QSignalSpy finished(&runner, &TestRunner::finished);
    runner.start();
    if (!finished.wait(300000))
        qWarning("the tests did not finish in 5 minutes");
    return runner.jobs();
}

const Cell *TestContainerTests::cell(const QString &component) const
{
    for (const Cell &c : m_cells) {
        if (c.component == component)
            return &c;
    }
    return nullptr;
}

TestJobSpec TestContainerTests::job(const QString &component, const TestSpec &test) const
{
    const Cell *c = cell(component);
    TestJobSpec spec;
    spec.id = 0;
    spec.cell = *c;
    spec.repo = m_manifest.component(component)->repo;
    spec.engine = m_engines.first().name;
    spec.tag = BuildPlan::localTag(m_manifest.component(component)->image, m_branch);
    spec.test = test;
    return spec;
}

QStringList TestContainerTests::leftovers(const QString &needle)
{
    QStringList found;
    EngineCall *containers = m_client->listContainers();
    EngineCall *networks = m_client->listNetworks();
    EngineCall *volumes = m_client->listVolumes();
    for (EngineCall *call : {containers, networks, volumes}) {
        if (!call->waitForFinished(30000) || !call->ok())
            qWarning("%s", qPrintable(call->errorString()));
    }
    const auto scan = [&](const QJsonArray &list, const QString &kind) {
        for (const QJsonValue &value : list) {
            const QJsonObject object = value.toObject();
            const QString text = QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
            if (text.contains(needle))
                found.append(kind + QLatin1Char(' ') + object.value(QStringLiteral("Name")).toString() +
                             object.value(QStringLiteral("Names")).toArray().first().toString());
        }
    };
    scan(containers->json().array(), QStringLiteral("container"));
    scan(networks->json().array(), QStringLiteral("network"));
    scan(volumes->json().object().value(QStringLiteral("Volumes")).toArray(), QStringLiteral("volume"));
    delete containers;
    delete networks;
    delete volumes;
    return found;
}

void TestContainerTests::columnTestsPass()
{
    const TestPlan plan = TestPlan::make(m_manifest, m_cells, m_engines);
    QVERIFY(plan.problems.isEmpty());
    // base, persister, notification: start-check; api: start-check, healthy and the metrics-smoke stack.
    QCOMPARE(plan.jobs.size(), 6);
    QString runId;
    QElapsedTimer timer;
    timer.start();
    const QList<TestUpdate> results = runTests(m_manifest, plan, {}, &runId);
    qInfo("ran %lld tests in %.1f s", qlonglong(results.size()), timer.elapsed() / 1000.0);
    QSet<QString> kinds;
    for (const TestUpdate &t : results) {
        QVERIFY2(t.state == TestState::Passed, qPrintable(QStringLiteral("%1 %2: %3 %4\n%5")
                                                              .arg(t.component, t.test, testStateName(t.state),
                                                                   t.message, JUnitWriter::logTail(t.logPath))));
        QVERIFY(t.imageId.startsWith(QLatin1String("sha256:")));
        kinds.insert(t.kind);
    }
    QCOMPARE(kinds, (QSet<QString>{QStringLiteral("run"), QStringLiteral("health"), QStringLiteral("stack")}));
    const auto find = [&](const QString &test) {
        return *std::find_if(results.cbegin(), results.cend(), [&](const TestUpdate &t) { return t.test == test; });
    };
    QVERIFY(readAll(find(QStringLiteral("start-check")).logPath).contains(QLatin1String("templates rendered")));
    const QString health = readAll(find(QStringLiteral("healthy")).logPath);
    QVERIFY2(health.contains(QLatin1String("health log (healthy")), qPrintable(health));
    const QString stack = readAll(find(QStringLiteral("metrics-smoke")).logPath);
    QVERIFY2(stack.contains(QLatin1String("probe: ok")), qPrintable(stack));
    for (const char *service : {"[base] ", "[api] ", "[persister] ", "[notification] "})
        QVERIFY2(stack.contains(QLatin1String(service)), service); // every service's log is collected
    QVERIFY2(leftovers(runId).isEmpty(), qPrintable(leftovers(runId).join(QLatin1Char('\n'))));

    // JUnit: valid XML, one suite per cell, one case per test.
    const QString junit = m_dir.filePath(QStringLiteral("junit.xml"));
    QString error;
    QVERIFY2(JUnitWriter::write(junit, results, &error), qPrintable(error));
    QFile file(junit);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int suites = 0, cases = 0, failures = 0;
    QString declaredTests;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("testsuites"))
            declaredTests = xml.attributes().value(QStringLiteral("tests")).toString();
        suites += xml.name() == QLatin1String("testsuite");
        cases += xml.name() == QLatin1String("testcase");
        failures += xml.name() == QLatin1String("failure");
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QCOMPARE(suites, 4);
    QCOMPARE(cases, 6);
    QCOMPARE(failures, 0);
    QCOMPARE(declaredTests, QStringLiteral("6"));

    // The history holds the results; the cell's tests pass on its current image.
    History history(m_dir.filePath(QStringLiteral("data/history.sqlite")));
    QVERIFY(history.open(&error));
    const QList<TestRecord> api = history.latestTests(QStringLiteral("api"), m_branch, m_docker);
    QCOMPARE(api.size(), 3);
    const CellTestStatus status = summarizeTests(api, history.latestImageId(QStringLiteral("api"), m_branch, m_docker));
    QCOMPARE(testStateName(status.state), QStringLiteral("passed"));
    QCOMPARE(status.passed, 3);
}

void TestContainerTests::failingCommandFailsWithItsOutput()
{
    TestSpec test;
    test.name = QStringLiteral("exits-one");
    test.kind = TestSpec::Kind::Run;
    test.command = QStringLiteral("echo boom-on-stdout; echo boom-on-stderr >&2; exit 1");
    test.timeoutSeconds = 60;
    TestPlan plan;
    plan.jobs = {job(QStringLiteral("base"), test)};
    QString runId;
    const QList<TestUpdate> results = runTests(m_manifest, plan, {}, &runId);
    QCOMPARE(results.size(), 1);
    QCOMPARE(testStateName(results[0].state), QStringLiteral("failed"));
    QCOMPARE(results[0].message, QStringLiteral("the command exited with code 1"));
    const QString log = readAll(results[0].logPath);
    QVERIFY2(log.contains(QLatin1String("boom-on-stdout")) && log.contains(QLatin1String("boom-on-stderr")),
             qPrintable(log));
    const QByteArray xml = JUnitWriter::toXml(results);
    QVERIFY(xml.contains("<failure message=\"the command exited with code 1\""));
    QVERIFY(xml.contains("boom-on-stdout")); // the log tail goes with the failure
    QVERIFY(leftovers(runId).isEmpty());

    // An `expect` that does not match fails even when the command exits 0.
    test.name = QStringLiteral("wrong-output");
    test.command = QStringLiteral("echo hello");
    test.expect = QStringLiteral("^goodbye$");
    plan.jobs = {job(QStringLiteral("base"), test)};
    const QList<TestUpdate> mismatch = runTests(m_manifest, plan);
    QCOMPARE(testStateName(mismatch[0].state), QStringLiteral("failed"));
    QVERIFY2(mismatch[0].message.contains(QLatin1String("does not match")), qPrintable(mismatch[0].message));
}

void TestContainerTests::neverHealthyFailsAtTimeout()
{
    // An image whose HEALTHCHECK never passes: it stays "starting" until the test's timeout.
    QTemporaryDir context;
    QFile dockerfile(context.filePath(QStringLiteral("Dockerfile")));
    QVERIFY(dockerfile.open(QIODevice::WriteOnly));
    dockerfile.write(
        QStringLiteral("FROM %1\n"
                       "HEALTHCHECK --interval=1s --timeout=1s --retries=1000 CMD echo probing-the-service; false\n"
                       "CMD [\"sh\", \"-c\", \"trap 'exit 0' TERM; while :; do sleep 1 & wait $!; done\"]\n")
            .arg(BuildPlan::localTag(QStringLiteral("monasca/base"), m_branch))
            .toUtf8());
    dockerfile.close();
    QProcess tar;
    tar.start(QStringLiteral("tar"), {QStringLiteral("-cf"), QStringLiteral("-"), QStringLiteral("-C"), context.path(),
                                      QStringLiteral("Dockerfile")});
    QVERIFY(tar.waitForFinished(30000));
    QBuffer body;
    body.setData(tar.readAllStandardOutput());
    body.open(QIODevice::ReadOnly);
    const QString tag = QStringLiteral("mrc-test/unhealthy:%1").arg(m_branch);
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("t"), tag);
    query.addQueryItem(QStringLiteral("networkmode"), QStringLiteral("none"));
    EngineCall *buildCall = m_client->build(query, &body);
    QVERIFY(buildCall->waitForFinished(120000));
    QVERIFY2(buildCall->ok(), qPrintable(buildCall->errorString()));
    delete buildCall;

    TestSpec test;
    test.name = QStringLiteral("never-healthy");
    test.kind = TestSpec::Kind::Health;
    test.timeoutSeconds = 5;
    TestJobSpec spec = job(QStringLiteral("base"), test);
    spec.tag = tag;
    TestPlan plan;
    plan.jobs = {spec};
    QString runId;
    const QList<TestUpdate> results = runTests(m_manifest, plan, {}, &runId);
    QCOMPARE(testStateName(results[0].state), QStringLiteral("failed"));
    QCOMPARE(results[0].message, QStringLiteral("timed out after 5 s"));
    QVERIFY2(results[0].durationSeconds() >= 4.5 && results[0].durationSeconds() < 30, // timers are coarse
             qPrintable(QString::number(results[0].durationSeconds())));
    const QString log = readAll(results[0].logPath);
    QVERIFY2(log.contains(QLatin1String("health log (starting")), qPrintable(log));
    QVERIFY2(log.contains(QLatin1String("probing-the-service")), qPrintable(log)); // the checks' output
    QVERIFY(leftovers(runId).isEmpty());

    // An image without a HEALTHCHECK fails at once, with that reason.
    spec.tag = BuildPlan::localTag(QStringLiteral("monasca/persister"), m_branch);
    plan.jobs = {spec};
    const QList<TestUpdate> none = runTests(m_manifest, plan);
    QCOMPARE(none[0].message, QStringLiteral("the image has no HEALTHCHECK"));
}

void TestContainerTests::failingSmokeLeavesNothingBehind()
{
    // A compose file given in the manifest, with a named volume, and a smoke command that fails (404).
    const QString compose = m_dir.filePath(QStringLiteral("smoke-compose.yml"));
    QFile file(compose);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("services:\n"
               "  api:\n"
               "    image: monasca/api:whatever\n"
               "    volumes:\n"
               "      - data:/data\n"
               "volumes:\n"
               "  data: {}\n");
    file.close();
    TestSpec test;
    test.name = QStringLiteral("smoke-404");
    test.kind = TestSpec::Kind::Stack;
    test.composeFile = compose;
    test.probe = QStringLiteral("wget -q -O - http://api:8070/no-such-page");
    test.timeoutSeconds = 120;
    TestPlan plan;
    plan.jobs = {job(QStringLiteral("api"), test)};
    const QStringList before = leftovers(QStringLiteral("mrc-"));
    QString runId;
    const QList<TestUpdate> results = runTests(m_manifest, plan, {}, &runId);
    QCOMPARE(testStateName(results[0].state), QStringLiteral("failed"));
    QVERIFY2(results[0].message.startsWith(QLatin1String("the smoke command exited with code")),
             qPrintable(results[0].message));
    const QString log = readAll(results[0].logPath);
    // It did make a network, a volume and containers ...
    QVERIFY2(log.contains(QLatin1String("Creating network")) && log.contains(QLatin1String("Creating volume")),
             qPrintable(log));
    QVERIFY2(log.contains(QLatin1String("probe: wget")), qPrintable(log));
    // ... and none of them is left.
    QVERIFY2(leftovers(runId).isEmpty(), qPrintable(leftovers(runId).join(QLatin1Char('\n'))));
    const QStringList after = leftovers(QStringLiteral("mrc-"));
    for (const QString &name : after)
        QVERIFY2(before.contains(name) || !name.contains(runId), qPrintable(name));
}

void TestContainerTests::stackWithAMissingImageFailsFirst()
{
    // A version 3 compose file cannot say pull_policy: never; a service image missing on the engine must fail the
    // test with its name before docker-compose tries Docker Hub.
    const QString compose = m_dir.filePath(QStringLiteral("missing-compose.yml"));
    QFile file(compose);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("version: \"3.8\"\n"
               "services:\n"
               "  api:\n"
               "    image: monasca/api:whatever\n"
               "  db:\n"
               "    image: mrc-missing/never-built:1\n");
    file.close();
    TestSpec test;
    test.name = QStringLiteral("missing-service-image");
    test.kind = TestSpec::Kind::Stack;
    test.composeFile = compose;
    test.timeoutSeconds = 120;
    TestPlan plan;
    plan.jobs = {job(QStringLiteral("api"), test)};
    const QList<TestUpdate> results = runTests(m_manifest, plan);
    QCOMPARE(testStateName(results[0].state), QStringLiteral("failed"));
    QVERIFY2(results[0].message.startsWith(QStringLiteral("image mrc-missing/never-built:1 is not on engine ")),
             qPrintable(results[0].message));
    QVERIFY2(results[0].message.contains(QStringLiteral("(service db)")), qPrintable(results[0].message));
    const QString log = readAll(results[0].logPath);
    // docker-compose never ran "up" (only the cleanup's "down"), so nothing was pulled.
    QVERIFY2(!log.contains(QLatin1String(" up -d")) && !log.contains(QLatin1String("Pulling")), qPrintable(log));
}

void TestContainerTests::cancelledStackLeavesNothingBehind()
{
    const TestPlan plan =
        TestPlan::make(m_manifest, {*cell(QStringLiteral("api"))}, m_engines, {QStringLiteral("metrics-smoke")});
    QCOMPARE(plan.jobs.size(), 1);
    QString runId;
    QStringList running;
    bool cancelled = false;
    const QList<TestUpdate> results = runTests(
        m_manifest, plan,
        [&](TestRunner &runner, int, const QByteArray &lines) {
            // Once docker-compose brought the stack up, cancel it.
            if (!cancelled && lines.contains("mrc: waiting for")) {
                cancelled = true;
                running = leftovers(runner.runId());
                runner.cancel(-1);
            }
        },
        &runId);
    QVERIFY(cancelled);
    QVERIFY2(running.size() >= 5, qPrintable(running.join(QLatin1Char('\n')))); // 4 containers and a network
    QCOMPARE(testStateName(results[0].state), QStringLiteral("cancelled"));
    QVERIFY2(leftovers(runId).isEmpty(), qPrintable(leftovers(runId).join(QLatin1Char('\n'))));
    QVERIFY(readAll(results[0].logPath).contains(QLatin1String("Removing network")));
}

void TestContainerTests::rebuildMakesResultsStale()
{
    History history(m_dir.filePath(QStringLiteral("data/history.sqlite")));
    QString error;
    QVERIFY(history.open(&error));
    const QString persister = QStringLiteral("persister");
    QCOMPARE(testStateName(summarizeTests(history.latestTests(persister, m_branch, m_docker),
                                          history.latestImageId(persister, m_branch, m_docker))
                               .state),
             QStringLiteral("passed"));
    const QString before = history.latestImageId(persister, m_branch, m_docker);
    for (const JobUpdate &job : build({*cell(persister)}, true))
        QVERIFY2(job.state == JobState::Built, qPrintable(job.message));
    const QString after = history.latestImageId(persister, m_branch, m_docker);
    QVERIFY(after != before);
    const CellTestStatus status = summarizeTests(history.latestTests(persister, m_branch, m_docker), after);
    QCOMPARE(testStateName(status.state), QStringLiteral("stale"));
}

void TestContainerTests::cliPrintsJsonAndJunit()
{
    const QString binary = qEnvironmentVariable("MRC_BINARY");
    if (binary.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_BINARY is not set: run through ctest");
        QSKIP("MRC_BINARY is not set: run through ctest");
    }
    // The demo's manifest with this test's branch in place of master.
    QString yaml = readAll(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(yaml.contains(QLatin1String("  - name: master\n")));
    yaml.replace(QLatin1String("  - name: master\n"), QStringLiteral("  - name: %1\n").arg(m_branch));
    const QString manifest = m_dir.filePath(QStringLiteral("cli-release.yaml"));
    QFile file(manifest);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(yaml.toUtf8());
    file.close();
    const QString junit = m_dir.filePath(QStringLiteral("cli-junit.xml"));
    const auto mrc = [&](const QStringList &arguments, QByteArray *out) {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("cli-data")));
        env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cli-cache")));
        process.setProcessEnvironment(env);
        process.start(binary, QStringList{QStringLiteral("test"), QStringLiteral("--manifest"), manifest} + arguments);
        if (!process.waitForFinished(180000))
            return -1;
        *out = process.readAllStandardOutput();
        return process.exitCode();
    };
    QByteArray out;
    QCOMPARE(mrc({QStringLiteral("--test"), QStringLiteral("no-such-test")}, &out), 2);
    const int code =
        mrc({QStringLiteral("--branch"), m_branch, QStringLiteral("--docker"), m_docker, QStringLiteral("--component"),
             QStringLiteral("persister"), QStringLiteral("--json"), QStringLiteral("--junit"), junit},
            &out);
    QCOMPARE(code, 0);
    const QJsonArray results = QJsonDocument::fromJson(out).object().value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 1);
    const QJsonObject result = results.first().toObject();
    QCOMPARE(result.value(QStringLiteral("test")).toString(), QStringLiteral("start-check"));
    QCOMPARE(result.value(QStringLiteral("kind")).toString(), QStringLiteral("run"));
    QCOMPARE(result.value(QStringLiteral("state")).toString(), QStringLiteral("passed"));
    for (const char *key : {"component", "branch", "docker", "duration_s", "message", "log"})
        QVERIFY2(result.contains(QLatin1String(key)), key);
    QVERIFY(readAll(junit).contains(QLatin1String("<testcase name=\"start-check\"")));
}

QTEST_GUILESS_MAIN(TestContainerTests)
#include "tst_containertests.moc"
