// SPDX-License-Identifier: Apache-2.0
// Builds on the real private dockerd that scripts/test starts: the demo's master column, build avoidance, a
// failing base that blocks its dependants, cancelling, and a console killed with SIGKILL mid-build.
#include "demo/demoworkspace.h"
#include "engine/enginecall.h"
#include "engine/engineclient.h"
#include "engine/engineprobe.h"
#include "git/gitmirror.h"
#include "history/history.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

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

} // namespace

class TestBuild : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void masterColumnBuilds();
    void secondBuildIsUpToDate();
    void stableBuildGetsItsConstraints();
    void changeRefBuildsOnlyItsImage();
    void failingBaseBlocksDependants();
    void cancelStopsTheBuildOnTheEngine();
    void sigkillLeavesInterruptedJob();

private:
    /** Commits `line` appended to the repo's Dockerfile at `folder` on a new branch made from master. */
    void addBranch(const QString &repo, const QString &branch, const QString &folder, const QString &line);
    QList<Cell> scanColumn(const Manifest &manifest, const QString &branch);
    QList<JobUpdate> build(const Manifest &manifest, const QList<Cell> &cells, const QList<Cell> &selected,
                           bool noCache = false, BuildRunner **runnerOut = nullptr);

    QTemporaryDir m_dir;
    QString m_engineHost;
    QString m_docker;
    Manifest m_manifest;
    QList<EngineStatus> m_engines;
    QList<Cell> m_cells;
};

void TestBuild::initTestCase()
{
    m_engineHost = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (m_engineHost.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    qputenv("DOCKER_HOST", m_engineHost.toLocal8Bit());
    QStandardPaths::setTestModeEnabled(true);
    const EngineStatus engine = EngineProbe::probe(EngineProbe::localEngine(), 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    m_docker = engine.majorMinor();
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, m_docker, &error), qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(loaded.ok());
    m_manifest = loaded.manifest;
}

QList<Cell> TestBuild::scanColumn(const Manifest &manifest, const QString &branch)
{
    ScanOptions options;
    options.fetch = true;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(manifest, options);
    scan.run();
    m_engines = scan.engines();
    m_cells = scan.cells();
    QList<Cell> column;
    for (const Cell &cell : scan.cells()) {
        if (cell.branch == branch && cell.docker == m_docker)
            column.append(cell);
    }
    return column;
}

QList<JobUpdate> TestBuild::build(const Manifest &manifest, const QList<Cell> &cells, const QList<Cell> &selected,
                                  bool noCache, BuildRunner **runnerOut)
{
    const BuildPlan plan = BuildPlan::make(manifest, cells, selected, m_engines, QDateTime::currentDateTimeUtc());
    if (!plan.problems.isEmpty())
        qWarning("plan problems: %s", qPrintable(plan.problems.join(QLatin1Char('\n'))));
    BuildOptions options;
    options.jobs = 2;
    options.noCache = noCache;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("data/logs"));
    BuildRunner runner(manifest, plan, options);
    if (runnerOut)
        *runnerOut = &runner;
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    if (!finished.wait(600000))
        qWarning("the build did not finish in 10 minutes");
    if (runnerOut)
        *runnerOut = nullptr;
    return runner.jobs();
}

void TestBuild::masterColumnBuilds()
{
    const QList<Cell> column = scanColumn(m_manifest, QStringLiteral("master"));
    QCOMPARE(column.size(), 11);
    const QList<JobUpdate> jobs = build(m_manifest, m_cells, column, true);
    QCOMPARE(jobs.size(), 11);
    EngineClient client(m_manifest.engines.first());
    for (const JobUpdate &job : jobs) {
        QVERIFY2(job.state == JobState::Built, qPrintable(job.component + QStringLiteral(": ") +
                                                          jobStateName(job.state) + QLatin1Char(' ') + job.message));
        QVERIFY(job.imageId.startsWith(QStringLiteral("sha256:")));
        QVERIFY(job.stepsTotal > 0);
        QVERIFY(QFile::exists(job.logPath));
        // The labels, read back from the engine, carry the cell's commit.
        EngineCall *call = client.inspectImage(job.tag);
        QVERIFY(call->waitForFinished(30000));
        QVERIFY2(call->ok(), qPrintable(call->errorString()));
        const QJsonObject labels =
            call->json().object().value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
        const Cell *cell = nullptr;
        for (const Cell &c : column) {
            if (c.component == job.component)
                cell = &c;
        }
        QVERIFY(cell);
        QCOMPARE(labels.value(QLatin1String(ImageLabels::revision)).toString(), cell->commit);
        QCOMPARE(labels.value(QLatin1String(ImageLabels::title)).toString(),
                 m_manifest.component(job.component)->image);
        QCOMPARE(call->json().object().value(QStringLiteral("Id")).toString(), job.imageId);
        delete call;
    }
}

void TestBuild::secondBuildIsUpToDate()
{
    const QList<Cell> column = scanColumn(m_manifest, QStringLiteral("master"));
    QElapsedTimer timer;
    timer.start();
    const QList<JobUpdate> jobs = build(m_manifest, m_cells, column);
    for (const JobUpdate &job : jobs) {
        QVERIFY2(job.state == JobState::UpToDate,
                 qPrintable(job.component + QStringLiteral(": ") + jobStateName(job.state)));
        QCOMPARE(job.stepsTotal, 0); // no build ran: no step was streamed
        QFile log(job.logPath);
        QVERIFY(log.open(QIODevice::ReadOnly));
        QVERIFY(!log.readAll().contains("Step 1/"));
    }
    qInfo("11 up-to-date checks took %lld ms", timer.elapsed());
}

QString dockerRun(const QString &host, const QString &image, const QStringList &command)
{
    QProcess docker;
    docker.start(QStringLiteral("docker"),
                 QStringList{QStringLiteral("-H"), host, QStringLiteral("run"), QStringLiteral("--rm"),
                             QStringLiteral("--network"), QStringLiteral("none"), image} +
                     command);
    if (!docker.waitForFinished(60000) || docker.exitCode() != 0)
        return QStringLiteral("docker run failed: ") + QString::fromUtf8(docker.readAllStandardError());
    return QString::fromUtf8(docker.readAllStandardOutput());
}

void TestBuild::stableBuildGetsItsConstraints()
{
    const QString stableConstraints =
        QStringLiteral("https://opendev.org/openstack/requirements/raw/branch/stable/2023.2/upper-constraints.txt");
    // `mrc build --dry-run --json` shows the plan and builds nothing (the engine may keep an earlier run's image).
    EngineClient client(m_manifest.engines.first());
    {
        std::unique_ptr<EngineCall> removal(client.removeImage(QStringLiteral("monasca/api:stable-2023.2"), true));
        QVERIFY(removal->waitForFinished(30000));
    }
    QProcess mrc;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("cli-cache")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("cli-data")));
    mrc.setProcessEnvironment(env);
    mrc.start(qEnvironmentVariable("MRC_BINARY"),
              {QStringLiteral("build"), QStringLiteral("--manifest"),
               m_dir.filePath(QStringLiteral("demo/release.yaml")), QStringLiteral("--component"),
               QStringLiteral("api"), QStringLiteral("--branch"), QStringLiteral("stable/2023.2"),
               QStringLiteral("--docker"), m_docker, QStringLiteral("--dry-run"), QStringLiteral("--json")});
    QVERIFY(mrc.waitForFinished(120000));
    QVERIFY2(mrc.exitCode() == 0, mrc.readAllStandardError().constData());
    const QJsonArray plan =
        QJsonDocument::fromJson(mrc.readAllStandardOutput()).object().value(QStringLiteral("plan")).toArray();
    QCOMPARE(plan.size(), 2);
    const QJsonObject basePlan = plan.at(0).toObject();
    const QJsonObject apiPlan = plan.at(1).toObject();
    QCOMPARE(basePlan.value(QStringLiteral("component")).toString(), QStringLiteral("base"));
    QCOMPARE(basePlan.value(QStringLiteral("build_args")).toObject().keys(),
             (QStringList{QStringLiteral("BASE_CREATION_TIME"), QStringLiteral("BASE_GIT_COMMIT")}));
    QCOMPARE(apiPlan.value(QStringLiteral("tag")).toString(), QStringLiteral("monasca/api:stable-2023.2"));
    QCOMPARE(apiPlan.value(QStringLiteral("docker")).toString(), m_docker);
    QVERIFY(!apiPlan.value(QStringLiteral("engine")).toString().isEmpty());
    const QJsonObject apiArgs = apiPlan.value(QStringLiteral("build_args")).toObject();
    QCOMPARE(apiArgs.value(QStringLiteral("CONSTRAINTS_FILE")).toString(), stableConstraints);
    QCOMPARE(apiArgs.value(QStringLiteral("COMMON_VERSION")).toString(), QStringLiteral("10.0.1"));
    {
        std::unique_ptr<EngineCall> call(client.inspectImage(QStringLiteral("monasca/api:stable-2023.2")));
        QVERIFY(call->waitForFinished(30000));
        QVERIFY2(!call->ok(), "the dry run built the image");
    }

    // The real build: the engine receives the stable branch's constraints file and the pinned monasca-common.
    QList<Cell> selected;
    for (const Cell &cell : scanColumn(m_manifest, QStringLiteral("stable/2023.2"))) {
        if (cell.component == QLatin1String("api"))
            selected.append(cell);
    }
    QCOMPARE(selected.size(), 1);
    const QList<JobUpdate> jobs = build(m_manifest, m_cells, selected, true);
    QCOMPARE(jobs.size(), 2);
    for (const JobUpdate &job : jobs)
        QVERIFY2(job.state == JobState::Built, qPrintable(job.component + QStringLiteral(": ") + job.message));
    GitMirror common(m_manifest.component(QStringLiteral("base"))->repo, m_dir.filePath(QStringLiteral("cache")));
    const QString pinnedCommit = common.resolve(QStringLiteral("10.0.1"))->sha;
    const QString baseCommit = common.resolveBranch(QStringLiteral("stable/2023.2"))->sha;
    QVERIFY(pinnedCommit != baseCommit);
    std::unique_ptr<EngineCall> call(client.inspectImage(QStringLiteral("monasca/api:stable-2023.2")));
    QVERIFY(call->waitForFinished(30000));
    QVERIFY2(call->ok(), qPrintable(call->errorString()));
    const QJsonObject labels =
        call->json().object().value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
    QCOMPARE(labels.value(QStringLiteral("org.openstack.constraints_uri")).toString(), stableConstraints);
    QCOMPARE(labels.value(QStringLiteral("org.openstack.monasca_common_version")).toString(), QStringLiteral("10.0.1"));
    QCOMPARE(labels.value(QStringLiteral("org.opencontainers.image.url")).toString(),
             QStringLiteral("https://github.com/openstack/monasca-api"));
    const QString apiVersions = dockerRun(m_engineHost, QStringLiteral("monasca/api:stable-2023.2"),
                                          {QStringLiteral("cat"), QStringLiteral("/VERSIONS")});
    QVERIFY2(apiVersions.contains(QStringLiteral("Constraints: %1\n").arg(stableConstraints)), qPrintable(apiVersions));
    QVERIFY2(apiVersions.contains(QStringLiteral("monasca-common: 10.0.1 (%1)\n").arg(pinnedCommit)),
             qPrintable(apiVersions));

    // The base's /VERSIONS holds its date and revision (BASE_CREATION_TIME, BASE_GIT_COMMIT).
    const QString baseVersions = dockerRun(m_engineHost, QStringLiteral("monasca/base:stable-2023.2"),
                                           {QStringLiteral("cat"), QStringLiteral("/VERSIONS")});
    QVERIFY2(QRegularExpression(QStringLiteral("Monasca base build date: \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n"))
                 .match(baseVersions)
                 .hasMatch(),
             qPrintable(baseVersions));
    QVERIFY2(baseVersions.contains(QStringLiteral("Monasca base revision:   %1\n").arg(baseCommit)),
             qPrintable(baseVersions));
}

void TestBuild::changeRefBuildsOnlyItsImage()
{
    // A Gerrit change to monasca-api's docker/ folder, reachable only from its change ref.
    const QString binary = qEnvironmentVariable("MRC_BINARY");
    QVERIFY2(!binary.isEmpty(), "MRC_BINARY is not set");
    const QString ref = QStringLiteral("refs/changes/51/558751/1");
    const QString origin = m_dir.filePath(QStringLiteral("demo/repos/monasca-api.git"));
    const QString work = m_dir.filePath(QStringLiteral("work-change"));
    run(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), origin, work});
    QFile template_(work + QStringLiteral("/docker/api-logging.conf.j2"));
    QVERIFY(template_.open(QIODevice::Append));
    template_.write("# change 558751: log more\n");
    template_.close();
    run(QStringLiteral("git"),
        {QStringLiteral("-c"), QStringLiteral("user.name=Test"), QStringLiteral("-c"),
         QStringLiteral("user.email=test@example.org"), QStringLiteral("commit"), QStringLiteral("-qam"),
         QStringLiteral("Log more")},
        work);
    run(QStringLiteral("git"),
        {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), QStringLiteral("HEAD:") + ref}, work);
    const QString change =
        run(QStringLiteral("git"), {QStringLiteral("--git-dir"), origin, QStringLiteral("rev-parse"), ref});
    QCOMPARE(change.size(), 40);
    const QString commonMaster =
        run(QStringLiteral("git"),
            {QStringLiteral("--git-dir"), m_dir.filePath(QStringLiteral("demo/repos/monasca-common.git")),
             QStringLiteral("rev-parse"), QStringLiteral("master")});

    EngineClient client(m_manifest.engines.first());
    auto imageId = [&client](const QString &tag) {
        EngineCall *call = client.inspectImage(tag);
        call->waitForFinished(30000);
        const QString id = call->ok() ? call->json().object().value(QStringLiteral("Id")).toString() : QString();
        delete call;
        return id;
    };
    const QString apiMaster = imageId(QStringLiteral("monasca/api:master"));

    QProcess mrc;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("ref-data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("ref-cache")));
    env.insert(QStringLiteral("DOCKER_HOST"), m_engineHost);
    mrc.setProcessEnvironment(env);
    QElapsedTimer timer;
    timer.start();
    mrc.start(binary, {QStringLiteral("build"), QStringLiteral("--manifest"),
                       m_dir.filePath(QStringLiteral("demo/release.yaml")), QStringLiteral("--ref"), ref,
                       QStringLiteral("--json")});
    QVERIFY(mrc.waitForFinished(300000));
    const QByteArray errors = mrc.readAllStandardError();
    QVERIFY2(mrc.exitCode() == 0, errors.constData());
    qInfo("mrc build --ref took %lld ms", timer.elapsed());
    // It says where the ref is and what it is based on.
    QVERIFY2(errors.contains(ref.toUtf8() + " is in api; based on master, Docker "), errors.constData());

    const QJsonArray results =
        QJsonDocument::fromJson(mrc.readAllStandardOutput()).object().value(QStringLiteral("results")).toArray();
    // api in the ref column, and its base from master's column (the change is not in monasca-common).
    QCOMPARE(results.size(), 2);
    const QJsonObject base = results[0].toObject();
    const QJsonObject api = results[1].toObject();
    QCOMPARE(base.value(QStringLiteral("component")).toString(), QStringLiteral("base"));
    QCOMPARE(base.value(QStringLiteral("branch")).toString(), QStringLiteral("master"));
    QVERIFY(base.value(QStringLiteral("ref")).isNull());
    QCOMPARE(base.value(QStringLiteral("tag")).toString(), QStringLiteral("monasca/base:master"));
    QCOMPARE(api.value(QStringLiteral("component")).toString(), QStringLiteral("api"));
    QCOMPARE(api.value(QStringLiteral("branch")).toString(), ref);
    QCOMPARE(api.value(QStringLiteral("ref")).toString(), ref);
    QCOMPARE(api.value(QStringLiteral("commit")).toString(), change);
    QCOMPARE(api.value(QStringLiteral("docker")).toString(), m_docker);
    QCOMPARE(api.value(QStringLiteral("state")).toString(), QStringLiteral("built"));
    QCOMPARE(api.value(QStringLiteral("tag")).toString(), QStringLiteral("monasca/api:ref-changes-51-558751-1"));
    // The master base was built by the earlier tests: nothing to do for it.
    QCOMPARE(base.value(QStringLiteral("state")).toString(), QStringLiteral("up-to-date"));

    // The labels, read through the Engine API, carry the change's commit and master's base commit.
    EngineCall *call = client.inspectImage(QStringLiteral("monasca/api:ref-changes-51-558751-1"));
    QVERIFY(call->waitForFinished(30000));
    QVERIFY2(call->ok(), qPrintable(call->errorString()));
    const QJsonObject labels =
        call->json().object().value(QStringLiteral("Config")).toObject().value(QStringLiteral("Labels")).toObject();
    QCOMPARE(labels.value(QLatin1String(ImageLabels::revision)).toString(), change);
    QCOMPARE(labels.value(QLatin1String(ImageLabels::version)).toString(), ref);
    QCOMPARE(labels.value(QLatin1String(ImageLabels::baseRevision)).toString(), commonMaster);
    QCOMPARE(call->json().object().value(QStringLiteral("Id")).toString(),
             api.value(QStringLiteral("image_id")).toString());
    delete call;

    // The branch images are untouched.
    QCOMPARE(imageId(QStringLiteral("monasca/api:master")), apiMaster);
    QVERIFY(apiMaster != api.value(QStringLiteral("image_id")).toString());

    // An unknown ref is bad input, and says so.
    mrc.start(binary, {QStringLiteral("build"), QStringLiteral("--manifest"),
                       m_dir.filePath(QStringLiteral("demo/release.yaml")), QStringLiteral("--ref"),
                       QStringLiteral("refs/changes/99/999999/9")});
    QVERIFY(mrc.waitForFinished(120000));
    QCOMPARE(mrc.exitCode(), 2);
    QVERIFY2(mrc.readAllStandardError().contains("refs/changes/99/999999/9 not found in any repository"), "no message");
}

void TestBuild::addBranch(const QString &repo, const QString &branch, const QString &folder, const QString &line)
{
    const QString work =
        m_dir.filePath(QStringLiteral("work-") + QFileInfo(repo).baseName() + QLatin1Char('-') + branch);
    run(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), repo, work});
    run(QStringLiteral("git"), {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), branch}, work);
    if (!line.isEmpty()) {
        QFile dockerfile(work + QLatin1Char('/') + folder + QStringLiteral("/Dockerfile"));
        QVERIFY(dockerfile.open(QIODevice::Append));
        dockerfile.write(line.toUtf8() + '\n');
        dockerfile.close();
        run(QStringLiteral("git"),
            {QStringLiteral("-c"), QStringLiteral("user.name=Test"), QStringLiteral("-c"),
             QStringLiteral("user.email=test@example.org"), QStringLiteral("commit"), QStringLiteral("-qam"),
             QStringLiteral("Break the build")},
            work);
    }
    run(QStringLiteral("git"), {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), branch}, work);
}

void TestBuild::failingBaseBlocksDependants()
{
    const QString repos = m_dir.filePath(QStringLiteral("demo/repos/"));
    addBranch(repos + QStringLiteral("monasca-common.git"), QStringLiteral("broken"), QStringLiteral("docker"),
              QStringLiteral("RUN false"));
    addBranch(repos + QStringLiteral("monasca-api.git"), QStringLiteral("broken"), QStringLiteral("docker"), {});
    addBranch(repos + QStringLiteral("monasca-persister.git"), QStringLiteral("broken"), QStringLiteral("docker"), {});
    Manifest manifest = m_manifest;
    manifest.branches = {BranchSpec{QStringLiteral("broken"), {m_docker}, {}, {}, {}}};
    QList<ComponentSpec> kept;
    for (const ComponentSpec &c : manifest.components) {
        if (c.name == QLatin1String("base") || c.name == QLatin1String("api") || c.name == QLatin1String("persister"))
            kept.append(c);
    }
    manifest.components = kept;

    const QList<Cell> column = scanColumn(manifest, QStringLiteral("broken"));
    QCOMPARE(column.size(), 3);
    const QList<JobUpdate> jobs = build(manifest, m_cells, column, true);
    QCOMPARE(jobs.size(), 3);
    QCOMPARE(jobs[0].component, QStringLiteral("base"));
    QCOMPARE(jobs[0].state, JobState::Failed);
    QVERIFY2(jobs[0].failingStep.contains(QStringLiteral(": RUN false")), qPrintable(jobs[0].failingStep));
    QVERIFY2(jobs[0].message.contains(QStringLiteral("RUN false")), qPrintable(jobs[0].message));
    // The failing instruction is the last line of the Dockerfile that was appended above.
    const QString dockerfile =
        run(QStringLiteral("git"), {QStringLiteral("--git-dir"), repos + QStringLiteral("monasca-common.git"),
                                    QStringLiteral("show"), QStringLiteral("broken:docker/Dockerfile")});
    QCOMPARE(jobs[0].dockerfileLine, int(dockerfile.split(QLatin1Char('\n')).size()));
    QVERIFY(!jobs[0].lastLayerId.isEmpty());
    QFile log(jobs[0].logPath);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    QVERIFY(text.contains(": RUN false"));
    QVERIFY(text.contains("ERROR: "));
    for (int i = 1; i < 3; ++i) {
        QCOMPARE(jobs[i].state, JobState::Blocked);
        QVERIFY2(jobs[i].message.contains(QStringLiteral("base@broken is failed")), qPrintable(jobs[i].message));
    }
}

void TestBuild::cancelStopsTheBuildOnTheEngine()
{
    const QString repos = m_dir.filePath(QStringLiteral("demo/repos/"));
    addBranch(repos + QStringLiteral("monasca-common.git"), QStringLiteral("slow"), QStringLiteral("docker"),
              QStringLiteral("RUN echo sleeping && sleep 120"));
    Manifest manifest = m_manifest;
    manifest.branches = {BranchSpec{QStringLiteral("slow"), {m_docker}, {}, {}, {}}};
    manifest.components = {*m_manifest.component(QStringLiteral("base"))};
    const QList<Cell> column = scanColumn(manifest, QStringLiteral("slow"));
    const BuildPlan plan = BuildPlan::make(manifest, m_cells, column, m_engines, QDateTime::currentDateTimeUtc());
    BuildOptions options;
    options.noCache = true;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    options.historyPath = m_dir.filePath(QStringLiteral("data/history.sqlite"));
    options.logDirectory = m_dir.filePath(QStringLiteral("data/logs"));
    BuildRunner runner(manifest, plan, options);
    QByteArray seen;
    connect(&runner, &BuildRunner::logLines, this, [&seen](int, const QByteArray &lines) { seen += lines; });
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(seen.contains("sleeping"), 180000);
    QElapsedTimer timer;
    timer.start();
    runner.cancel();
    QVERIFY(finished.wait(30000));
    QCOMPARE(runner.jobs().first().state, JobState::Cancelled);

    // The engine stopped the build: no container of it keeps running.
    EngineClient client(manifest.engines.first());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            EngineCall *call = client.listContainers({}, false);
            call->waitForFinished(10000);
            const bool none = call->ok() && call->json().array().isEmpty();
            delete call;
            return none;
        }(),
        30000);
    qInfo("the build stopped %lld ms after cancel", timer.elapsed());
}

void TestBuild::sigkillLeavesInterruptedJob()
{
    // Reuses the "slow" branch: `mrc build` is killed with SIGKILL while the base sleeps.
    const QString binary = qEnvironmentVariable("MRC_BINARY");
    QVERIFY2(!binary.isEmpty(), "MRC_BINARY is not set");
    const QString manifestPath = m_dir.filePath(QStringLiteral("slow.yaml"));
    QFile original(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(original.open(QIODevice::ReadOnly));
    QString yaml = QString::fromUtf8(original.readAll());
    const qsizetype branches = yaml.indexOf(QStringLiteral("branches:"));
    const qsizetype components = yaml.indexOf(QStringLiteral("components:"));
    yaml.replace(branches, components - branches,
                 QStringLiteral("branches:\n  - name: slow\n    docker: [\"%1\"]\n\n").arg(m_docker));
    // The appended sleep follows the demo's CMD, out of reach of its `# mrc-ignore: MRC106`: no lint gate here.
    yaml += QStringLiteral("\nlint:\n  gate: false\n");
    QFile file(manifestPath);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(yaml.toUtf8());
    file.close();

    QProcess mrc;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg-data")));
    env.insert(QStringLiteral("XDG_CACHE_HOME"), m_dir.filePath(QStringLiteral("xdg-cache")));
    env.insert(QStringLiteral("DOCKER_HOST"), m_engineHost);
    mrc.setProcessEnvironment(env);
    mrc.start(binary, {QStringLiteral("build"), QStringLiteral("--manifest"), manifestPath,
                       QStringLiteral("--component"), QStringLiteral("base"), QStringLiteral("--no-cache")});
    QVERIFY(mrc.waitForStarted());
    QByteArray output;
    QTRY_VERIFY_WITH_TIMEOUT((output += mrc.readAllStandardOutput()).contains("sleeping"), 180000);
    ::kill(pid_t(mrc.processId()), SIGKILL);
    QVERIFY(mrc.waitForFinished(10000));

    History history(m_dir.filePath(QStringLiteral("xdg-data/mrc/history.sqlite")));
    QString error;
    int interrupted = 0;
    QVERIFY2(history.open(&error, &interrupted), qPrintable(error));
    QCOMPARE(interrupted, 1);
    const QList<JobRecord> jobs = history.recent();
    QCOMPARE(jobs.size(), 1);
    QCOMPARE(jobs.first().state, JobState::Interrupted);
    QFile log(jobs.first().logPath);
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    // Everything the console printed had reached the file before it died.
    for (const QByteArray &line : output.split('\n')) {
        const qsizetype bracket = line.indexOf("] ");
        if (bracket > 0 && !line.contains("== "))
            QVERIFY2(text.contains(line.mid(bracket + 2)), line.constData());
    }
    QVERIFY(text.contains("sleeping"));

    // Stop the orphaned build on the engine: its connection died with the process, which cancels it.
    EngineClient client(m_manifest.engines.first());
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            EngineCall *call = client.listContainers({}, false);
            call->waitForFinished(10000);
            const bool none = call->ok() && call->json().array().isEmpty();
            delete call;
            return none;
        }(),
        60000);
}

QTEST_GUILESS_MAIN(TestBuild)
#include "tst_build.moc"
