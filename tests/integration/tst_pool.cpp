// SPDX-License-Identifier: Apache-2.0
// Acceptance: two engines of one Docker version build the demo's master column together. The test services'
// engine is one; this test starts a second private dockerd of the same version (tests/common/privateengine.h).
// Both engines get jobs, each child is built on an engine that has its base, and the labels are read back through
// each engine's API. Then the second engine is killed mid-column: the column finishes on the first, the killed
// engine's running job ends engine-lost with its log kept. Needs root (like CI): run through scripts/test.
#include "common/privateengine.h"
#include "demo/demoworkspace.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>
#include <memory>

using namespace mrc;

class TestPool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void bothEnginesShareTheColumn();
    void lostEngineFinishesOnTheOther();
    void cleanupTestCase();

private:
    BuildPlan masterPlan(const QStringList &components = {});
    BuildOptions options(const QString &run) const;
    QJsonObject labelsOn(const QString &engine, const QString &tag);
    void verifyColumn(const BuildRunner &runner, const QStringList &engines, int cellCount);

    QTemporaryDir m_dir;
    std::unique_ptr<test::PrivateEngine> m_second;
    Manifest m_manifest;
    QString m_docker;
};

void TestPool::initTestCase()
{
    const QString host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (host.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test (this test also starts a dockerd and needs root)");
    }
    QVERIFY(m_dir.isValid());
    EngineSpec first{QStringLiteral("pool-a"), host, {}, {}, {}, 0};
    const EngineStatus status = EngineProbe::probe(first, 5000);
    QVERIFY2(status.reachable, qPrintable(status.error));
    m_docker = status.majorMinor();

    m_second = std::make_unique<test::PrivateEngine>(QStringLiteral("pool-b"));
    QString error;
    QVERIFY2(m_second->start(&error), qPrintable(error));
    // dockerd on the PATH is the services' own, so both run the same version.
    QCOMPARE(m_second->status().majorMinor(), m_docker);

    QStandardPaths::setTestModeEnabled(true);
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, m_docker, &error), qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(loaded.ok());
    m_manifest = loaded.manifest;
    EngineSpec second = m_second->spec();
    second.name = QStringLiteral("pool-b");
    m_manifest.engines = {first, second};
    m_manifest.branches = {BranchSpec{QStringLiteral("master"), {m_docker}, {}, {}, {}}};
}

BuildPlan TestPool::masterPlan(const QStringList &components)
{
    ScanOptions scanOptions;
    scanOptions.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(m_manifest, scanOptions);
    scan.run();
    for (const EngineStatus &engine : scan.engines())
        [&] { QVERIFY2(engine.reachable, qPrintable(engine.name + QLatin1String(": ") + engine.error)); }();
    QList<Cell> column;
    for (const Cell &cell : scan.cells()) {
        if (cell.state == CellState::Ready && (components.isEmpty() || components.contains(cell.component)))
            column.append(cell);
    }
    [&] { QCOMPARE(column.size(), components.isEmpty() ? 11 : components.size()); }();
    BuildPlan plan = BuildPlan::make(m_manifest, scan.cells(), column, scan.engines(), QDateTime::currentDateTimeUtc());
    [&] { QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n')))); }();
    return plan;
}

BuildOptions TestPool::options(const QString &run) const
{
    BuildOptions options;
    options.noCache = true; // both engines do real work, whatever the services' engine holds already
    options.jobs = 2;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_dir.filePath(run + QStringLiteral("/history.sqlite"));
    options.logDirectory = m_dir.filePath(run + QStringLiteral("/logs"));
    return options;
}

QJsonObject TestPool::labelsOn(const QString &engine, const QString &tag)
{
    for (const EngineSpec &spec : std::as_const(m_manifest.engines)) {
        if (spec.name != engine)
            continue;
        EngineClient client(spec);
        EngineCall *call = client.inspectImage(tag);
        QSignalSpy finished(call, &EngineCall::finished);
        if (!finished.wait(30000) || !call->ok())
            return {};
        return call->json()
            .object()
            .value(QStringLiteral("Config"))
            .toObject()
            .value(QStringLiteral("Labels"))
            .toObject();
    }
    return {};
}

// Every cell of the column has an image on an engine of @p engines with the cell's revisions, and a child's base
// (with the revision the child records) is on the child's engine.
void TestPool::verifyColumn(const BuildRunner &runner, const QStringList &engines, int cellCount)
{
    QVERIFY(runner.succeeded());
    const BuildPlan &plan = runner.plan();
    QSet<QString> cells;
    for (const JobUpdate &job : runner.jobs()) {
        if (!isSuccess(job.state) || !engines.contains(job.engine))
            continue;
        const BuildJobSpec &spec = plan.jobs[job.job];
        const QJsonObject labels = labelsOn(job.engine, job.tag);
        QCOMPARE(labels.value(QLatin1String(ImageLabels::revision)).toString(), spec.cell.commit);
        QCOMPARE(labels.value(QLatin1String(ImageLabels::title)).toString(), spec.cell.image);
        if (!spec.baseCommit.isEmpty()) {
            QCOMPARE(labels.value(QLatin1String(ImageLabels::baseRevision)).toString(), spec.baseCommit);
            const QJsonObject base = labelsOn(job.engine, plan.jobs[spec.dependsOn.first()].tag);
            QCOMPARE(base.value(QLatin1String(ImageLabels::revision)).toString(), spec.baseCommit);
        }
        cells.insert(job.component);
    }
    QCOMPARE(cells.size(), cellCount);
}

void TestPool::bothEnginesShareTheColumn()
{
    const BuildPlan plan = masterPlan();
    QCOMPARE(plan.jobs.size(), 11);
    QCOMPARE(plan.jobs.first().engines, (QStringList{QStringLiteral("pool-a"), QStringLiteral("pool-b")}));

    BuildRunner runner(m_manifest, plan, options(QStringLiteral("shared")));
    QCOMPARE(runner.jobs().size(), 12); // the base once per engine
    connect(&runner, &BuildRunner::jobUpdated, this, [](const JobUpdate &job) {
        if (isFinal(job.state))
            qInfo("job %d %s on %s: %s %s", job.job, qPrintable(job.component), qPrintable(job.engine),
                  qPrintable(jobStateName(job.state)), qPrintable(job.message.left(60)));
    });
    QSignalSpy finished(&runner, &BuildRunner::finished);
    QElapsedTimer timer;
    timer.start();
    runner.start();
    QVERIFY(finished.wait(500000));
    qInfo("11 images on two engines in %lld ms", timer.elapsed());

    QSet<QString> childEngines;
    for (const JobUpdate &job : runner.jobs()) {
        QVERIFY2(job.state == JobState::Built, qPrintable(job.component + QLatin1String(": ") + job.message));
        if (job.component != QLatin1String("base"))
            childEngines.insert(job.engine);
    }
    QCOMPARE(childEngines.size(), 2); // both engines got children
    verifyColumn(runner, {QStringLiteral("pool-a"), QStringLiteral("pool-b")}, 11);
}

void TestPool::lostEngineFinishesOnTheOther()
{
    // Half of the column keeps the test short: the base and four images built FROM it.
    const BuildPlan plan = masterPlan({QStringLiteral("base"), QStringLiteral("api"), QStringLiteral("statsd"),
                                       QStringLiteral("log-api"), QStringLiteral("client")});
    BuildRunner runner(m_manifest, plan, options(QStringLiteral("lost")));
    // The engine dies while one of its builds runs: killed the moment that build logs its second step.
    bool killed = false;
    int killedJob = -1;
    connect(&runner, &BuildRunner::logLines, this, [&](int job, const QByteArray &lines) {
        if (killed || runner.jobs()[job].engine != QLatin1String("pool-b") || !lines.contains("Step 2/"))
            return;
        killed = m_second->kill();
        killedJob = job;
    });
    connect(&runner, &BuildRunner::jobUpdated, this, [](const JobUpdate &job) {
        if (isFinal(job.state))
            qInfo("job %d %s on %s: %s %s", job.job, qPrintable(job.component), qPrintable(job.engine),
                  qPrintable(jobStateName(job.state)), qPrintable(job.message.left(90)));
    });
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    QVERIFY(finished.wait(400000));
    QVERIFY(killed);

    const JobUpdate lost = runner.jobs()[killedJob];
    QVERIFY2(lost.state == JobState::EngineLost,
             qPrintable(jobStateName(lost.state) + QLatin1String(": ") + lost.message));
    QCOMPARE(lost.engine, QStringLiteral("pool-b"));
    QVERIFY(lost.replacedBy >= 0);
    QVERIFY(runner.lostEngines().contains(QStringLiteral("pool-b")));
    QFile log(lost.logPath);
    QVERIFY2(log.open(QIODevice::ReadOnly), qPrintable(lost.logPath));
    const QByteArray text = log.readAll();
    QVERIFY(text.contains("Step 2/"));
    QVERIFY(text.contains("engine-lost"));

    // What pool-b built before it died went with it: the whole column is on pool-a now.
    for (const JobUpdate &job : runner.jobs()) {
        if (job.engine == QLatin1String("pool-b") && isSuccess(job.state))
            QVERIFY2(job.replacedBy >= 0, qPrintable(job.component));
    }
    verifyColumn(runner, {QStringLiteral("pool-a")}, int(plan.jobs.size()));
}

void TestPool::cleanupTestCase()
{
    if (!m_second)
        return;
    m_second->stop();
    QVERIFY(!m_second->leftMounts());
}

int main(int argc, char **argv)
{
    // A column takes minutes on a loaded machine; QtTest's watchdog would stop it at five.
    qputenv("QTEST_FUNCTION_TIMEOUT", "1100000");
    QCoreApplication app(argc, argv);
    TestPool test;
    return QTest::qExec(&test, argc, argv);
}
#include "tst_pool.moc"
