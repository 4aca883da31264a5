// SPDX-License-Identifier: Apache-2.0
// The build plan, the context tar and the job history, on a real demo workspace and a real SQLite file.
#include "demo/demoworkspace.h"
#include "git/gitmirror.h"
#include "history/history.h"
#include "jobs/buildplan.h"
#include "jobs/contexttar.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QBuffer>
#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;

class TestJobs : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void planMasterColumn();
    void planAddsTheBase();
    void planRefusesCellsThatAreNotReady();
    void lintGate_data();
    void lintGate();
    void lintGatePassesTheDemo();
    void localTag_data();
    void localTag();
    void contextTarMatchesGitArchive();
    void contextTarRefusesEscapingSymlinks_data();
    void contextTarRefusesEscapingSymlinks();
    void historySurvivesACrash();

private:
    QList<Cell> column(const QString &branch, const QString &docker) const;

    QTemporaryDir m_dir;
    Manifest m_manifest;
    QList<Cell> m_cells;
    QList<EngineStatus> m_engines;
};

void TestJobs::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QString error;
    QVERIFY2(DemoWorkspace::create(m_dir.filePath(QStringLiteral("demo")), false, QStringLiteral("20.10"), &error),
             qPrintable(error));
    const ManifestResult loaded = ManifestParser::load(m_dir.filePath(QStringLiteral("demo/release.yaml")));
    QVERIFY(loaded.ok());
    m_manifest = loaded.manifest;
    ScanOptions options;
    options.cacheRoot = m_dir.filePath(QStringLiteral("cache"));
    WorkspaceScan scan(m_manifest, options);
    scan.run();
    m_cells = scan.cells();
    // The plan only needs to know which engine serves a version; a status stands in for a probe here.
    EngineStatus engine;
    engine.name = QStringLiteral("local");
    engine.reachable = true;
    engine.version = QStringLiteral("20.10.24");
    m_engines = {engine};
    for (Cell &cell : m_cells) {
        if (cell.state == CellState::NoEngine && cell.docker == QLatin1String("20.10"))
            cell.state = CellState::Ready;
    }
}

QList<Cell> TestJobs::column(const QString &branch, const QString &docker) const
{
    QList<Cell> result;
    for (const Cell &cell : m_cells) {
        if (cell.branch == branch && cell.docker == docker)
            result.append(cell);
    }
    return result;
}

void TestJobs::planMasterColumn()
{
    const QList<Cell> selected = column(QStringLiteral("master"), QStringLiteral("20.10"));
    QCOMPARE(selected.size(), 11);
    const QDateTime now(QDate(2026, 11, 27), QTime(10, 0), Qt::UTC);
    BuildPlan plan = BuildPlan::make(m_manifest, m_cells, selected, m_engines, now);
    BuildPlan::resolveBuildArgs(plan, m_manifest, m_dir.filePath(QStringLiteral("cache")));
    QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    QCOMPARE(plan.jobs.size(), 11);
    QCOMPARE(plan.jobs.first().cell.component, QStringLiteral("base"));
    QVERIFY(plan.jobs.first().dependsOn.isEmpty());

    const Cell *baseCell = &selected.first();
    for (const Cell &cell : selected) {
        if (cell.component == QLatin1String("base"))
            baseCell = &cell;
    }
    for (const BuildJobSpec &job : plan.jobs) {
        QCOMPARE(job.engine, QStringLiteral("local"));
        QVERIFY(!job.addedAsDependency);
        QCOMPARE(job.labels.value(QLatin1String(ImageLabels::revision)), job.cell.commit);
        QCOMPARE(job.labels.value(QLatin1String(ImageLabels::created)), QStringLiteral("2026-11-27T10:00:00Z"));
        QVERIFY(job.argsResolved);
        const ComponentSpec *component = m_manifest.component(job.cell.component);
        if (component->base.isEmpty()) {
            // build_base_image.sh passes these two only.
            QCOMPARE(job.buildArgs, (QMap<QString, QString>{
                                        {QStringLiteral("BASE_CREATION_TIME"), QStringLiteral("2026-11-27T10:00:00Z")},
                                        {QStringLiteral("BASE_GIT_COMMIT"), job.cell.commit}}));
        } else {
            QCOMPARE(job.buildArgs.keys(),
                     (QStringList{"APP_REPO", "COMMON_GIT_COMMIT", "COMMON_REPO", "COMMON_VERSION", "CONSTRAINTS_FILE",
                                  "CREATION_TIME", "GITHUB_REPO", "GIT_COMMIT", "REPO_VERSION"}));
            QCOMPARE(job.buildArgs.value(QStringLiteral("GIT_COMMIT")), job.cell.commit);
            QCOMPARE(job.buildArgs.value(QStringLiteral("REPO_VERSION")), QStringLiteral("master"));
            QCOMPARE(job.buildArgs.value(QStringLiteral("CREATION_TIME")), QStringLiteral("2026-11-27T10:00:00Z"));
            // The demo Dockerfiles name no CONSTRAINTS_FILE: the script's default, master's file.
            QCOMPARE(
                job.buildArgs.value(QStringLiteral("CONSTRAINTS_FILE")),
                QStringLiteral("https://opendev.org/openstack/requirements/raw/branch/master/upper-constraints.txt"));
            QVERIFY(job.buildArgs.value(QStringLiteral("APP_REPO"))
                        .startsWith(QLatin1String("https://review.opendev.org/openstack/")));
            QCOMPARE(
                job.buildArgs.value(QStringLiteral("GITHUB_REPO")),
                QString(job.buildArgs.value(QStringLiteral("APP_REPO"))).replace("review.opendev.org", "github.com"));
        }
        QCOMPARE(job.tag, component->image + QStringLiteral(":master"));
        if (!component->base.isEmpty()) {
            QCOMPARE(job.dependsOn, QList<int>{0});
            QCOMPARE(job.baseCommit, baseCell->commit);
            QCOMPARE(job.labels.value(QLatin1String(ImageLabels::baseRevision)), baseCell->commit);
            // COMMON_VERSION is empty on master (no Dockerfile default): git fetches the default branch.
            QCOMPARE(job.buildArgs.value(QStringLiteral("COMMON_VERSION")), QString());
            QCOMPARE(job.buildArgs.value(QStringLiteral("COMMON_GIT_COMMIT")), baseCell->commit);
            QCOMPARE(job.buildArgs.value(QStringLiteral("COMMON_REPO")),
                     QStringLiteral("https://review.opendev.org/openstack/monasca-common"));
        }
    }
}

void TestJobs::planAddsTheBase()
{
    QList<Cell> selected;
    for (const Cell &cell : column(QStringLiteral("stable/2023.2"), QStringLiteral("20.10"))) {
        if (cell.component == QLatin1String("api"))
            selected.append(cell);
    }
    QCOMPARE(selected.size(), 1);
    BuildPlan plan = BuildPlan::make(m_manifest, m_cells, selected, m_engines, QDateTime::currentDateTimeUtc());
    BuildPlan::resolveBuildArgs(plan, m_manifest, m_dir.filePath(QStringLiteral("cache")));
    QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    QCOMPARE(plan.jobs.size(), 2);
    QCOMPARE(plan.jobs[0].cell.component, QStringLiteral("base"));
    QVERIFY(plan.jobs[0].addedAsDependency);
    QCOMPARE(plan.jobs[1].tag, QStringLiteral("monasca/api:stable-2023.2"));
    // The stable path of build_image.sh: the branch's own constraints file and the monasca-common it pins (the
    // demo's requirements repository pins 10.0.1 there, a tag behind the branch's tip).
    QCOMPARE(
        plan.jobs[1].buildArgs.value(QStringLiteral("CONSTRAINTS_FILE")),
        QStringLiteral("https://opendev.org/openstack/requirements/raw/branch/stable/2023.2/upper-constraints.txt"));
    QCOMPARE(plan.jobs[1].buildArgs.value(QStringLiteral("COMMON_VERSION")), QStringLiteral("10.0.1"));
    GitMirror common(m_manifest.component(QStringLiteral("base"))->repo, m_dir.filePath(QStringLiteral("cache")));
    QCOMPARE(plan.jobs[1].buildArgs.value(QStringLiteral("COMMON_GIT_COMMIT")),
             common.resolve(QStringLiteral("10.0.1"))->sha);
    QVERIFY(plan.jobs[1].buildArgs.value(QStringLiteral("COMMON_GIT_COMMIT")) != plan.jobs[0].cell.commit);
}

void TestJobs::planRefusesCellsThatAreNotReady()
{
    QList<Cell> selected;
    for (const Cell &cell : m_cells) {
        if (cell.state == CellState::NoEngine && cell.component == QLatin1String("api")) {
            selected.append(cell);
            break;
        }
    }
    QCOMPARE(selected.size(), 1);
    const BuildPlan plan = BuildPlan::make(m_manifest, m_cells, selected, m_engines, QDateTime::currentDateTimeUtc());
    QVERIFY(plan.jobs.isEmpty());
    QCOMPARE(plan.problems.size(), 1);
    QVERIFY2(plan.problems.first().startsWith(QStringLiteral("api@")), qPrintable(plan.problems.first()));
    QVERIFY(plan.problems.first().contains(QStringLiteral("no-engine")));
}

void TestJobs::lintGate_data()
{
    QTest::addColumn<QByteArray>("lint");
    QTest::addColumn<int>("jobs");
    QTest::addColumn<QStringList>("problems"); // prefixes

    QTest::addRow("gate on") << QByteArray() << 0
                             << QStringList{"base@master docker 20.10: blocked by lint: Dockerfile:2 MRC106 ",
                                            "api@master docker 20.10: its base base is blocked by lint"};
    QTest::addRow("gate off") << QByteArray("lint: {gate: false}\n") << 2 << QStringList();
}

// A base image without tini is an error (MRC106): the gate keeps it, and the image built FROM it, out of the plan.
void TestJobs::lintGate()
{
    QFETCH(QByteArray, lint);
    QFETCH(int, jobs);
    QFETCH(QStringList, problems);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto git = [&](const QString &repo, const QStringList &arguments) {
        QProcess process;
        process.setWorkingDirectory(repo);
        process.start(QStringLiteral("git"),
                      QStringList{QStringLiteral("-c"), QStringLiteral("user.name=T"), QStringLiteral("-c"),
                                  QStringLiteral("user.email=t@example.org")} +
                          arguments);
        process.waitForFinished(30000);
        return QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    };
    const QMap<QString, QByteArray> dockerfiles{
        {QStringLiteral("common"), "FROM scratch\nCMD [\"/start.sh\"]\n"},
        {QStringLiteral("api"), "ARG BASE_TAG=master\nFROM monasca/base:$BASE_TAG\n"},
    };
    QHash<QString, QString> commits;
    for (auto it = dockerfiles.cbegin(); it != dockerfiles.cend(); ++it) {
        const QString repo = dir.filePath(it.key());
        QVERIFY(QDir().mkpath(repo + QStringLiteral("/docker")));
        QFile file(repo + QStringLiteral("/docker/Dockerfile"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(it.value());
        file.close();
        git(repo, {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("master")});
        git(repo, {QStringLiteral("add"), QStringLiteral(".")});
        git(repo, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), QStringLiteral("init")});
        commits.insert(it.key(), git(repo, {QStringLiteral("rev-parse"), QStringLiteral("HEAD")}));
        QCOMPARE(commits.value(it.key()).size(), 40);
        GitMirror mirror(repo, dir.filePath(QStringLiteral("cache")));
        QString error;
        QVERIFY2(mirror.fetch({}, nullptr, &error), qPrintable(error));
    }
    const QByteArray yaml = "version: 1\n"
                            "branches: [{name: master, docker: ['20.10']}]\n"
                            "components:\n"
                            "  - {name: base, repo: " +
                            dir.filePath(QStringLiteral("common")).toUtf8() +
                            "}\n"
                            "  - {name: api, base: base, repo: " +
                            dir.filePath(QStringLiteral("api")).toUtf8() + "}\n" + lint;
    const ManifestResult loaded = ManifestParser::parse(yaml, QStringLiteral("t.yaml"));
    QVERIFY2(loaded.ok(), qPrintable(loaded.problems.isEmpty() ? QString() : loaded.problems.first().toString()));

    QList<Cell> cells;
    for (const ComponentSpec &component : loaded.manifest.components) {
        Cell cell;
        cell.component = component.name;
        cell.image = component.image;
        cell.branch = QStringLiteral("master");
        cell.docker = QStringLiteral("20.10");
        cell.state = CellState::Ready;
        cell.commit =
            commits.value(component.name == QLatin1String("base") ? QStringLiteral("common") : component.name);
        cells.append(cell);
    }
    BuildPlan plan = BuildPlan::make(loaded.manifest, cells, cells, m_engines, QDateTime::currentDateTimeUtc());
    QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    QCOMPARE(plan.jobs.size(), 2);
    BuildPlan::applyLintGate(plan, loaded.manifest, dir.filePath(QStringLiteral("cache")));
    QCOMPARE(plan.jobs.size(), jobs);
    QCOMPARE(plan.problems.size(), problems.size());
    for (int i = 0; i < problems.size(); ++i)
        QVERIFY2(plan.problems.at(i).startsWith(problems.at(i)), qPrintable(plan.problems.at(i)));
    for (int i = 0; i < plan.jobs.size(); ++i)
        QCOMPARE(plan.jobs.at(i).id, i);
}

// The demo's images must pass the gate, or no demo build would start.
void TestJobs::lintGatePassesTheDemo()
{
    QVERIFY(m_manifest.lint.gate);
    const QList<Cell> selected = column(QStringLiteral("master"), QStringLiteral("20.10"));
    BuildPlan plan = BuildPlan::make(m_manifest, m_cells, selected, m_engines, QDateTime::currentDateTimeUtc());
    BuildPlan::applyLintGate(plan, m_manifest, m_dir.filePath(QStringLiteral("cache")));
    QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n'))));
    QCOMPARE(plan.jobs.size(), selected.size());
}

void TestJobs::localTag_data()
{
    QTest::addColumn<QString>("branch");
    QTest::addColumn<QString>("expected");
    QTest::addRow("master") << QStringLiteral("master") << QStringLiteral("monasca/api:master");
    QTest::addRow("stable") << QStringLiteral("stable/2023.2") << QStringLiteral("monasca/api:stable-2023.2");
    QTest::addRow("unmaintained") << QStringLiteral("unmaintained/2023.1")
                                  << QStringLiteral("monasca/api:unmaintained-2023.1");
}

void TestJobs::localTag()
{
    QFETCH(QString, branch);
    QFETCH(QString, expected);
    QCOMPARE(BuildPlan::localTag(QStringLiteral("monasca/api"), branch), expected);
}

void TestJobs::contextTarMatchesGitArchive()
{
    const ComponentSpec *base = m_manifest.component(QStringLiteral("base"));
    GitMirror mirror(base->repo, m_dir.filePath(QStringLiteral("cache")));
    const auto commit = mirror.resolveBranch(QStringLiteral("master"));
    QVERIFY(commit);

    const QString ours = m_dir.filePath(QStringLiteral("ours"));
    QDir().mkpath(ours);
    QFile tar(m_dir.filePath(QStringLiteral("context.tar")));
    QVERIFY(tar.open(QIODevice::WriteOnly));
    QString error;
    QVERIFY2(ContextTar::write(mirror, commit->sha, base->context, &tar, &error, commit->date), qPrintable(error));
    tar.close();
    QCOMPARE(tar.size() % 512, 0);

    // GNU tar reads it back, and what it unpacks is exactly git's own archive of the folder.
    QProcess untar;
    untar.start(QStringLiteral("tar"), {QStringLiteral("-xf"), tar.fileName(), QStringLiteral("-C"), ours});
    QVERIFY(untar.waitForFinished(30000));
    QCOMPARE(untar.exitCode(), 0);
    const QString theirs = m_dir.filePath(QStringLiteral("theirs"));
    QDir().mkpath(theirs);
    QProcess archive;
    archive.setStandardOutputFile(m_dir.filePath(QStringLiteral("git.tar")));
    archive.start(QStringLiteral("git"), {QStringLiteral("--git-dir"), mirror.path(), QStringLiteral("archive"),
                                          commit->sha + QLatin1Char(':') + base->context});
    QVERIFY(archive.waitForFinished(30000));
    QProcess untarGit;
    untarGit.start(QStringLiteral("tar"),
                   {QStringLiteral("-xf"), m_dir.filePath(QStringLiteral("git.tar")), QStringLiteral("-C"), theirs});
    QVERIFY(untarGit.waitForFinished(30000));
    QProcess diff;
    diff.start(QStringLiteral("diff"), {QStringLiteral("-r"), ours, theirs});
    QVERIFY(diff.waitForFinished(30000));
    QVERIFY2(diff.exitCode() == 0, diff.readAllStandardOutput().constData());
    QVERIFY(QFileInfo(ours + QStringLiteral("/Dockerfile")).exists());
    // Executable bits survive: start scripts must run in the image.
    const QFileInfo busybox(ours + QStringLiteral("/rootfs/bin/busybox"));
    QVERIFY(busybox.exists());
    QVERIFY(busybox.permissions() & QFile::ExeOwner);

    // The same commit gives the same bytes.
    QBuffer again;
    again.open(QIODevice::WriteOnly);
    QVERIFY(ContextTar::write(mirror, commit->sha, base->context, &again, &error, commit->date));
    QVERIFY(tar.open(QIODevice::ReadOnly));
    QCOMPARE(again.data(), tar.readAll());
}

void TestJobs::contextTarRefusesEscapingSymlinks_data()
{
    QTest::addColumn<QString>("link");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("resolved");
    QTest::addRow("sibling") << QStringLiteral("conf/a.ini") << QStringLiteral("b.ini") << QStringLiteral("conf/b.ini");
    QTest::addRow("up inside") << QStringLiteral("conf/a.ini") << QStringLiteral("../start.sh")
                               << QStringLiteral("start.sh");
    QTest::addRow("up and out") << QStringLiteral("conf/a.ini") << QStringLiteral("../../README.rst") << QString();
    QTest::addRow("absolute") << QStringLiteral("a") << QStringLiteral("/etc/passwd") << QString();
    QTest::addRow("dot segments") << QStringLiteral("a") << QStringLiteral("./x/./y") << QStringLiteral("x/y");
}

void TestJobs::contextTarRefusesEscapingSymlinks()
{
    QFETCH(QString, link);
    QFETCH(QString, target);
    QFETCH(QString, resolved);
    QCOMPARE(ContextTar::resolveInside(link, target), resolved);
}

void TestJobs::historySurvivesACrash()
{
    const QString path = m_dir.filePath(QStringLiteral("history/history.sqlite"));
    qint64 runningId = 0;
    qint64 aliveId = 0;
    {
        History history(path);
        QString error;
        QVERIFY2(history.open(&error), qPrintable(error));
        JobRecord done;
        done.component = QStringLiteral("api");
        done.branch = QStringLiteral("master");
        done.docker = QStringLiteral("20.10");
        done.state = JobState::Built;
        done.started = QDateTime::currentDateTimeUtc();
        QVERIFY(history.add(done));
        JobRecord running = done;
        running.state = JobState::Building;
        running.logPath = QStringLiteral("/tmp/log");
        // The job's process died without a word: a process that has exited stands in for the killed console.
        QProcess dead;
        dead.start(QStringLiteral("true"));
        QVERIFY(dead.waitForStarted(10000));
        running.pid = dead.processId();
        QVERIFY(dead.waitForFinished(10000));
        QVERIFY(running.pid > 0);
        QVERIFY(history.add(running));
        runningId = running.id;
        // A job of a console that still runs (this process) is left alone.
        JobRecord alive = done;
        alive.state = JobState::Building;
        QVERIFY(history.add(alive));
        aliveId = alive.id;
        QVERIFY(running.id > done.id);
        QCOMPARE(history.latest(QStringLiteral("api"), QStringLiteral("master"), QStringLiteral("20.10"))->id,
                 alive.id);
        // No clean shutdown: the row stays "building", as after a SIGKILL.
    }
    History reopened(path);
    QString error;
    int interrupted = -1;
    QVERIFY2(reopened.open(&error, &interrupted), qPrintable(error));
    QCOMPARE(interrupted, 1);
    const auto record = reopened.job(runningId);
    QVERIFY(record);
    QCOMPARE(record->state, JobState::Interrupted);
    QCOMPARE(record->logPath, QStringLiteral("/tmp/log"));
    QCOMPARE(reopened.job(aliveId)->state, JobState::Building);
    QCOMPARE(reopened.recent().size(), 3);
    QCOMPARE(reopened.recent().first().id, aliveId);
}

QTEST_GUILESS_MAIN(TestJobs)
#include "tst_jobs.moc"
