// SPDX-License-Identifier: Apache-2.0
// The demo's master column on the three Docker versions that scripts/services runs (MRC_TEST_ENGINES: 20.10,
// 26.1, 28.5): `mrc demo init --engine ...` puts master on all three, the 33 images build, each one's labels
// are read back through the API of the engine of its version, and a second run builds nothing.
// A long test: 33 builds on vfs storage (see the measured time in its output).
#include "demo/demoworkspace.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/engineprobe.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

class TestFleetColumns : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void demoPutsMasterOnEveryEngine();
    void masterBuildsOnThreeVersions();
    void secondRunBuildsNothing();

private:
    QList<JobUpdate> build(const QList<Cell> &column, BuildPlan *planOut);
    QList<Cell> masterColumn();

    QTemporaryDir m_dir;
    QList<DemoWorkspace::Engine> m_engines;
    Manifest m_manifest;
    QList<EngineStatus> m_statuses;
    QList<Cell> m_cells;
};

void TestFleetColumns::initTestCase()
{
    const QStringList pairs = qEnvironmentVariable("MRC_TEST_ENGINES").split(QLatin1Char(' '), Qt::SkipEmptyParts);
    if (pairs.size() < 3) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_ENGINES names fewer than three engines: packaging/fetch-engines, then scripts/services");
        QSKIP("MRC_TEST_ENGINES names fewer than three engines (packaging/fetch-engines, scripts/services start)");
    }
    QStandardPaths::setTestModeEnabled(true);
    for (const QString &pair : pairs) {
        DemoWorkspace::Engine engine;
        engine.spec.host = pair.section(QLatin1Char('='), 1);
        const EngineStatus status = EngineProbe::probe(engine.spec, 5000);
        QVERIFY2(status.reachable, qPrintable(status.error));
        QCOMPARE(status.majorMinor(), pair.section(QLatin1Char('='), 0, 0));
        engine.spec.name = QStringLiteral("docker-") + status.majorMinor();
        engine.version = status.majorMinor();
        m_engines.append(engine);
    }
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, m_engines, &error),
             qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(loaded.ok());
    m_manifest = loaded.manifest;
}

void TestFleetColumns::demoPutsMasterOnEveryEngine()
{
    // Versions newest first, as the manifest lists them.
    QStringList versions;
    for (const DemoWorkspace::Engine &engine : std::as_const(m_engines))
        versions.prepend(engine.version); // MRC_TEST_ENGINES is oldest first
    QCOMPARE(m_manifest.engines.size(), m_engines.size());
    QCOMPARE(m_manifest.branch(QStringLiteral("master"))->docker, versions.mid(0, 3));
    QCOMPARE(m_manifest.branch(QStringLiteral("stable/2023.2"))->docker, versions.mid(1, 2));
    QCOMPARE(m_manifest.branch(QStringLiteral("unmaintained/2023.1"))->docker, versions.mid(2, 1));

    // Every cell of every branch has an engine that answers.
    masterColumn();
    QCOMPARE(m_cells.size(), 11 * 6);
    for (const Cell &cell : std::as_const(m_cells))
        QVERIFY2(cell.state == CellState::Ready,
                 qPrintable(cell.component + QLatin1Char(' ') + cell.branch + QLatin1Char(' ') + cell.docker));
}

QList<Cell> TestFleetColumns::masterColumn()
{
    ScanOptions options;
    options.fetch = true;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(m_manifest, options);
    scan.run();
    m_statuses = scan.engines();
    m_cells = scan.cells();
    QList<Cell> column;
    for (const Cell &cell : std::as_const(m_cells)) {
        if (cell.branch == QLatin1String("master"))
            column.append(cell);
    }
    return column;
}

QList<JobUpdate> TestFleetColumns::build(const QList<Cell> &column, BuildPlan *planOut)
{
    const BuildPlan plan = BuildPlan::make(m_manifest, m_cells, column, m_statuses, QDateTime::currentDateTimeUtc());
    if (!plan.problems.isEmpty())
        qWarning("plan problems: %s", qPrintable(plan.problems.join(QLatin1Char('\n'))));
    *planOut = plan;
    BuildOptions options;
    options.jobs = 2;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("data/logs"));
    BuildRunner runner(m_manifest, plan, options);
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    if (!finished.wait(1800000))
        qWarning("the builds did not finish in 30 minutes");
    return runner.jobs();
}

void TestFleetColumns::masterBuildsOnThreeVersions()
{
    const QList<Cell> column = masterColumn();
    QCOMPARE(column.size(), 33);
    QElapsedTimer timer;
    timer.start();
    BuildPlan plan;
    const QList<JobUpdate> jobs = build(column, &plan);
    QCOMPARE(jobs.size(), 33);
    qInfo("33 images on %lld engines built in %lld s", qlonglong(m_engines.size()), timer.elapsed() / 1000);

    QSet<QString> versionsBuilt;
    for (const JobUpdate &job : jobs) {
        // The demo's repositories are new, so their commits are too: every image really builds.
        QVERIFY2(job.state == JobState::Built,
                 qPrintable(job.component + QLatin1Char(' ') + job.docker + QStringLiteral(": ") +
                            jobStateName(job.state) + QLatin1Char(' ') + job.message));
        // The image is on the engine of its column's version, with the cell's labels.
        const BuildJobSpec &spec = plan.jobs.at(job.job);
        const auto engine = std::find_if(m_manifest.engines.cbegin(), m_manifest.engines.cend(),
                                         [&](const EngineSpec &e) { return e.name == spec.engine; });
        QVERIFY(engine != m_manifest.engines.cend());
        QCOMPARE(engine->name, QStringLiteral("docker-") + job.docker);
        EngineClient client(*engine);
        std::unique_ptr<EngineCall> call(client.inspectImage(job.tag));
        QVERIFY(call->waitForFinished(30000));
        QVERIFY2(call->ok(), qPrintable(call->errorString()));
        const QJsonObject image = call->json().object();
        QCOMPARE(image.value(QStringLiteral("Id")).toString(), job.imageId);
        const QJsonObject labels =
            image.value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
        QCOMPARE(labels.value(QLatin1String(ImageLabels::revision)).toString(), spec.cell.commit);
        QCOMPARE(labels.value(QLatin1String(ImageLabels::title)).toString(),
                 m_manifest.component(job.component)->image);
        if (!spec.baseCommit.isEmpty())
            QCOMPARE(labels.value(QLatin1String(ImageLabels::baseRevision)).toString(), spec.baseCommit);
        versionsBuilt.insert(job.docker);
    }
    QCOMPARE(versionsBuilt.size(), 3);
}

void TestFleetColumns::secondRunBuildsNothing()
{
    const QList<Cell> column = masterColumn();
    QElapsedTimer timer;
    timer.start();
    BuildPlan plan;
    const QList<JobUpdate> jobs = build(column, &plan);
    QCOMPARE(jobs.size(), 33);
    for (const JobUpdate &job : jobs) {
        QVERIFY2(job.state == JobState::UpToDate, qPrintable(job.component + QLatin1Char(' ') + job.docker +
                                                             QStringLiteral(": ") + jobStateName(job.state)));
        QCOMPARE(job.stepsTotal, 0);
    }
    qInfo("the second run (33 up-to-date checks on 3 engines) took %lld ms", timer.elapsed());
}

QTEST_GUILESS_MAIN(TestFleetColumns)
#include "tst_fleetcolumns.moc"
