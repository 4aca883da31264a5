// SPDX-License-Identifier: Apache-2.0
// Issue #15, fault injection: `mrc build` on the private engine while the history or the log folder sits on a
// full file system (a small tmpfs the test mounts), and while another process holds the history's lock. In each
// case nothing is lost: the build fails with the reason, or waits and is recorded, and the history stays whole.
#include "common/tinyrepo.h"
#include "engine/engineprobe.h"
#include "git/gitmirror.h"
#include "history/history.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifest.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <functional>

using namespace mrc;
using mrc::test::MrcRun;
using mrc::test::TinyRepo;

namespace {

/** A tmpfs of `size` mounted on `folder` for the guard's life. */
class TmpfsMount
{
public:
    bool mount(const QString &folder, const QString &size, QString *why)
    {
        QDir().mkpath(folder);
        QProcess process;
        process.start(QStringLiteral("mount"), {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                                                QStringLiteral("size=%1").arg(size), QStringLiteral("tmpfs"), folder});
        if (!process.waitForFinished(10000) || process.exitCode() != 0) {
            *why = QString::fromUtf8(process.readAllStandardError()).trimmed();
            return false;
        }
        m_folder = folder;
        return true;
    }
    ~TmpfsMount()
    {
        if (!m_folder.isEmpty())
            QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), m_folder});
    }

private:
    QString m_folder;
};

/** Writes `path` until the file system refuses another byte. */
bool fill(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        return false;
    const QByteArray block(4096, 'f');
    while (file.write(block) == block.size()) {
    }
    while (file.write("f", 1) == 1) {
    }
    return true;
}

QJsonObject onlyResult(const MrcRun &run)
{
    return QJsonDocument::fromJson(run.out).object().value(QStringLiteral("results")).toArray().first().toObject();
}

} // namespace

class TestFaults : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void fault_logFolderOnFullFileSystem();
    void fault_historyOnFullFileSystem();
    void fault_historyLockedByAnotherProcess();
    void fault_gitMirrorCorruptedIsClonedAgain();
    void fault_engineRestartedBetweenPlanAndBuild();

private:
    MrcRun build();
    bool mountOrSkip(TmpfsMount &mount, const QString &folder, const QString &size);

    QString m_host;
    QString m_docker;
    std::unique_ptr<QTemporaryDir> m_dir;
    TinyRepo m_repo;
    QString m_manifest;
};

void TestFaults::initTestCase()
{
    m_host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (m_host.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    QVERIFY2(!qEnvironmentVariable("MRC_BINARY").isEmpty(), "MRC_BINARY is not set");
    const EngineStatus engine = EngineProbe::probe(EngineSpec{QStringLiteral("local"), m_host, {}, {}}, 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    m_docker = engine.majorMinor();
}

void TestFaults::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_repo.create(m_dir->path()));
    m_manifest = m_repo.manifest(m_host, m_docker, QStringLiteral("harden/faults"));
}

MrcRun TestFaults::build()
{
    return m_repo.mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--no-cache"),
                       QStringLiteral("--json")},
                      m_host);
}

bool TestFaults::mountOrSkip(TmpfsMount &mount, const QString &folder, const QString &size)
{
    QString why;
    if (mount.mount(folder, size, &why))
        return true;
    if (qEnvironmentVariableIsSet("CI"))
        qFatal("cannot mount a tmpfs (CI runs as root): %s", qPrintable(why));
    qWarning("cannot mount a tmpfs here (%s): the test needs root", qPrintable(why));
    return false;
}

void TestFaults::fault_logFolderOnFullFileSystem()
{
    TmpfsMount mount;
    if (!mountOrSkip(mount, m_repo.logDirectory(), QStringLiteral("64k")))
        QSKIP("mounting a tmpfs is not permitted here");
    QVERIFY(fill(m_repo.logDirectory() + QStringLiteral("/filler")));

    const MrcRun full = build();
    QVERIFY2(full.exitCode == 1, full.err.constData());
    const QJsonObject job = onlyResult(full);
    QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    const QString message = job.value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(QLatin1String("cannot write the build log")) &&
                 message.contains(QLatin1String("No space left")),
             qPrintable(message));
    // The history, on a file system with room, holds the failure and why.
    {
        History history(m_repo.historyPath());
        QString error;
        QVERIFY2(history.open(&error), qPrintable(error));
        QCOMPARE(history.recent().size(), 1);
        QCOMPARE(history.recent().first().state, JobState::Failed);
        QCOMPARE(history.recent().first().message, message);
    }

    // With room again the next build runs and its log holds the engine's output.
    QVERIFY(QFile::remove(m_repo.logDirectory() + QStringLiteral("/filler")));
    const MrcRun again = build();
    QVERIFY2(again.exitCode == 0, again.err.constData());
    QFile log(onlyResult(again).value(QStringLiteral("log")).toString());
    QVERIFY(log.open(QIODevice::ReadOnly));
    QVERIFY(log.readAll().contains("Successfully built"));
}

void TestFaults::fault_historyOnFullFileSystem()
{
    TmpfsMount mount;
    const QString dataFolder = QFileInfo(m_repo.historyPath()).absolutePath(); // the history and the logs
    if (!mountOrSkip(mount, dataFolder, QStringLiteral("256k")))
        QSKIP("mounting a tmpfs is not permitted here");
    const MrcRun first = build();
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QVERIFY(fill(dataFolder + QStringLiteral("/filler")));

    const MrcRun full = build();
    QVERIFY2(full.exitCode == 1, qPrintable(QString::fromUtf8(full.out + full.err)));
    const QString said = QString::fromUtf8(full.out + full.err);
    // SQLite says "database or disk is full", or "disk I/O error" when its shared-memory file cannot grow.
    QVERIFY2(said.contains(QLatin1String("disk is full")) || said.contains(QLatin1String("No space left")) ||
                 said.contains(QLatin1String("disk I/O error")),
             qPrintable(said));
    QVERIFY2(said.contains(m_repo.historyPath()) || said.contains(m_repo.logDirectory()), qPrintable(said));
    QCOMPARE(onlyResult(full).value(QStringLiteral("state")).toString(), QStringLiteral("failed"));

    // Room again: the first build is still there, no row is left half-way, and building works.
    QVERIFY(QFile::remove(dataFolder + QStringLiteral("/filler")));
    History history(m_repo.historyPath());
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    const QList<JobRecord> jobs = history.recent();
    QVERIFY(!jobs.isEmpty());
    QCOMPARE(jobs.last().state, JobState::Built);
    for (const JobRecord &job : jobs)
        QVERIFY2(job.state == JobState::Built || job.state == JobState::Failed, qPrintable(jobStateName(job.state)));
    const MrcRun again = build();
    QVERIFY2(again.exitCode == 0, again.err.constData());
}

void TestFaults::fault_historyLockedByAnotherProcess()
{
    const MrcRun first = build();
    QVERIFY2(first.exitCode == 0, first.err.constData());
    // Another console writes for two seconds: the build waits for it and is recorded.
    QProcess holder;
    holder.start(QStringLiteral("python3"), {QStringLiteral("-c"),
                                             QStringLiteral("import sqlite3, sys, time\n"
                                                            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                                                            "c.execute('BEGIN EXCLUSIVE')\n"
                                                            "print('locked', flush=True)\n"
                                                            "time.sleep(2)\n"
                                                            "c.execute('COMMIT')\n"),
                                             m_repo.historyPath()});
    QVERIFY(holder.waitForReadyRead(10000));
    const MrcRun run = build();
    QVERIFY(holder.waitForFinished(10000));
    QVERIFY2(run.exitCode == 0, run.err.constData());
    History history(m_repo.historyPath());
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    const QList<JobRecord> jobs = history.recent();
    QCOMPARE(jobs.size(), 2);
    for (const JobRecord &job : jobs)
        QCOMPARE(job.state, JobState::Built);
}

void TestFaults::fault_gitMirrorCorruptedIsClonedAgain()
{
    const MrcRun first = build();
    QVERIFY2(first.exitCode == 0, first.err.constData());
    const QString mirror = GitMirror::mirrorPathFor(QStringLiteral("file://") + m_repo.repo(),
                                                    m_repo.cacheHome() + QStringLiteral("/mrc/mirrors"));
    QVERIFY2(QFileInfo::exists(mirror + QStringLiteral("/HEAD")), qPrintable(mirror));
    const QList<QPair<QString, std::function<bool()>>> damages{
        {QStringLiteral("objects lost"),
         [&] {
             QDir objects(mirror + QStringLiteral("/objects"));
             bool ok = true;
             for (const QString &sub : objects.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
                 if (sub != QLatin1String("info"))
                     ok = QDir(objects.filePath(sub)).removeRecursively() && ok;
             }
             return ok;
         }},
        {QStringLiteral("config garbled"),
         [&] {
             QFile config(mirror + QStringLiteral("/config"));
             return config.open(QIODevice::WriteOnly) && config.write("[core\n\x01\x02 garbage = = =\n") > 0;
         }},
    };
    for (const auto &[what, damage] : damages) {
        QVERIFY2(damage(), qPrintable(what));
        const MrcRun again =
            m_repo.mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--no-cache"),
                        QStringLiteral("--fetch"), QStringLiteral("--json")},
                       m_host);
        QVERIFY2(again.exitCode == 0, qPrintable(what + QLatin1Char('\n') + QString::fromUtf8(again.err)));
        QCOMPARE(onlyResult(again).value(QStringLiteral("state")).toString(), QStringLiteral("built"));
        // The new mirror is whole, and nothing of the damaged one is left beside it.
        GitMirror check(QStringLiteral("file://") + m_repo.repo(), m_repo.cacheHome() + QStringLiteral("/mrc/mirrors"));
        QString error;
        QVERIFY2(check.resolveBranch(QStringLiteral("master"), &error), qPrintable(error));
        const QStringList beside = QDir(QFileInfo(mirror).absolutePath()).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(beside.size(), 1);
    }
}

void TestFaults::fault_engineRestartedBetweenPlanAndBuild()
{
    // Only the engine this checkout's scripts/services started may be stopped: its pid file is in our state folder.
    const QString state = qEnvironmentVariable("MRC_SERVICES_DIR");
    const QString script =
        QDir::cleanPath(qEnvironmentVariable("MRC_TEST_FIXTURES") + QStringLiteral("/../../scripts/services"));
    QFile pidFile(state + QStringLiteral("/pid"));
    if (state.isEmpty() || !pidFile.open(QIODevice::ReadOnly) || !QFileInfo::exists(script)) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_SERVICES_DIR/pid is missing: scripts/test starts the engine through scripts/services");
        QSKIP("the engine was not started by scripts/services here; it is not ours to restart");
    }
    const pid_t pid = pid_t(pidFile.readAll().trimmed().toLongLong());
    QVERIFY(pid > 0);

    const ManifestResult loaded = ManifestParser::load(m_manifest);
    QVERIFY2(loaded.ok(), loaded.problems.isEmpty() ? "" : qPrintable(loaded.problems.first().toString()));
    ScanOptions scanOptions;
    scanOptions.cacheRoot = m_dir->filePath(QStringLiteral("cache"));
    WorkspaceScan scan(loaded.manifest, scanOptions);
    scan.run();
    const BuildPlan plan =
        BuildPlan::make(loaded.manifest, scan.cells(), scan.cells(), scan.engines(), QDateTime::currentDateTimeUtc());
    QCOMPARE(plan.jobs.size(), 1);
    BuildOptions options;
    options.noCache = true;
    options.cacheRoot = scanOptions.cacheRoot;
    options.historyPath = m_repo.historyPath();
    options.logDirectory = m_repo.logDirectory();
    const auto run = [&] {
        BuildRunner runner(loaded.manifest, plan, options);
        QSignalSpy finished(&runner, &BuildRunner::finished);
        runner.start();
        finished.wait(120000);
        return runner.jobs().value(0);
    };
    const auto startEngine = [&] {
        QProcess start;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("MRC_SERVICES"), QStringLiteral("docker"));
        start.setProcessEnvironment(env);
        start.start(script, {QStringLiteral("start")});
        return start.waitForFinished(120000) && start.exitCode() == 0;
    };

    // The plan was made; now the engine stops. The build says so and the history keeps it.
    QVERIFY(::kill(pid, SIGTERM) == 0);
    QTRY_VERIFY_WITH_TIMEOUT(::kill(pid, 0) != 0, 60000);
    const JobUpdate down = run();
    const bool restarted = startEngine(); // before any check can fail: the other tests need the engine
    QVERIFY2(restarted, "scripts/services could not start the engine again");
    QVERIFY2(down.state == JobState::EngineLost || down.state == JobState::Failed,
             qPrintable(jobStateName(down.state)));
    QVERIFY2(down.message.contains(m_host), qPrintable(down.message));
    {
        History history(m_repo.historyPath());
        QString error;
        QVERIFY2(history.open(&error), qPrintable(error));
        QCOMPARE(history.recent().size(), 1);
        QCOMPARE(history.recent().first().state, down.state);
        QCOMPARE(history.recent().first().message, down.message);
    }
    // The same plan, with the engine back: built and recorded.
    const JobUpdate up = run();
    QVERIFY2(up.state == JobState::Built, qPrintable(jobStateName(up.state) + QStringLiteral(": ") + up.message));
    History history(m_repo.historyPath());
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    QCOMPARE(history.recent().size(), 2);
    QCOMPARE(history.recent().first().state, JobState::Built);
}

QTEST_GUILESS_MAIN(TestFaults)
#include "tst_faults.moc"
