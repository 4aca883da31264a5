// SPDX-License-Identifier: Apache-2.0
// Acceptance: the engine dies mid-build. A private dockerd of this test's own runs a build that sleeps; the test
// SIGKILLs the dockerd and checks that the job ends engine-lost quickly, that its log keeps everything logged
// before, and that the history says engine-lost. Needs root (like CI): run through scripts/test.
#include "demo/demoworkspace.h"
#include "engine/engineprobe.h"
#include "history/history.h"
#include "jobs/buildplan.h"
#include "jobs/buildrunner.h"
#include "manifest/manifestparser.h"
#include "workspace/workspacescan.h"

#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sys/types.h>

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

// Mount points under @p dir, deepest first (/proc/mounts escapes spaces as \040).
QStringList mountsUnder(const QString &dir)
{
    QStringList mounts;
    QFile file(QStringLiteral("/proc/mounts"));
    if (!file.open(QIODevice::ReadOnly))
        return mounts;
    const QString prefix = dir + QLatin1Char('/');
    for (const QByteArray &line : file.readAll().split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() < 2)
            continue;
        const QString point = QString::fromUtf8(fields[1]).replace(QStringLiteral("\\040"), QStringLiteral(" "));
        if (point == dir || point.startsWith(prefix))
            mounts.append(point);
    }
    std::sort(mounts.begin(), mounts.end(), [](const QString &a, const QString &b) { return a.size() > b.size(); });
    return mounts;
}

// Processes the private engine left behind (its containerd, shims and the build's sleep): their command line or
// root names the temporary folder.
QList<qint64> processesUnder(const QString &dir)
{
    QList<qint64> pids;
    const QByteArray needle = dir.toUtf8();
    QDirIterator it(QStringLiteral("/proc"), QDir::Dirs | QDir::NoDotAndDotDot);
    while (it.hasNext()) {
        it.next();
        bool isPid = false;
        const qint64 pid = it.fileName().toLongLong(&isPid);
        if (!isPid || pid == QCoreApplication::applicationPid())
            continue;
        QFile cmdline(it.filePath() + QStringLiteral("/cmdline"));
        const bool named = cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(needle);
        const QString root = QFile::symLinkTarget(it.filePath() + QStringLiteral("/root"));
        if (named || root.startsWith(dir))
            pids.append(pid);
    }
    return pids;
}

} // namespace

class TestEngineLost : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void killedEngineEndsTheJobEngineLost();
    void cleanupTestCase();

private:
    void addBranch(const QString &repo, const QString &branch, const QString &line);
    void stopEngine();

    QTemporaryDir m_dir;
    QString m_root;
    QProcess m_dockerd;
    EngineSpec m_engine;
    QString m_docker;
};

void TestEngineLost::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("MRC_TEST_DOCKER_HOST") && !qEnvironmentVariableIsSet("CI"))
        QSKIP("not run through scripts/test: this test starts a dockerd of its own and needs root");
    const QString dockerd = QStandardPaths::findExecutable(QStringLiteral("dockerd"));
    if (dockerd.isEmpty())
        QFAIL("dockerd is not on PATH");
    QVERIFY(m_dir.isValid());
    m_root = QDir(m_dir.path()).canonicalPath();
    // An empty configuration, so that /etc/docker/daemon.json of the machine does not apply.
    QFile config(m_root + QStringLiteral("/daemon.json"));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("{}\n");
    config.close();

    const QString socket = m_root + QStringLiteral("/docker.sock");
    m_dockerd.setProgram(dockerd);
    m_dockerd.setArguments(
        {QStringLiteral("--config-file"), config.fileName(), QStringLiteral("--iptables=false"),
         QStringLiteral("--ip6tables=false"), QStringLiteral("--bridge=none"), QStringLiteral("--storage-driver=vfs"),
         QStringLiteral("-H"), QStringLiteral("unix://") + socket, QStringLiteral("--data-root"),
         m_root + QStringLiteral("/data"), QStringLiteral("--exec-root"), m_root + QStringLiteral("/exec"),
         QStringLiteral("--pidfile"), m_root + QStringLiteral("/pid"),
         // Its own containerd namespace: a shared system containerd must not mix its containers.
         QStringLiteral("--containerd-namespace"), QStringLiteral("mrc-enginelost"),
         QStringLiteral("--containerd-plugins-namespace"), QStringLiteral("mrc-enginelost-plugins")});
    m_dockerd.setStandardOutputFile(m_root + QStringLiteral("/dockerd.log"));
    m_dockerd.setStandardErrorFile(m_root + QStringLiteral("/dockerd.log"));
    m_dockerd.start();
    QVERIFY2(m_dockerd.waitForStarted(10000), qPrintable(m_dockerd.errorString()));

    m_engine.name = QStringLiteral("local");
    m_engine.host = QStringLiteral("unix://") + socket;
    EngineStatus status;
    QTRY_VERIFY_WITH_TIMEOUT(
        (status = EngineProbe::probe(m_engine, 1000)).reachable || m_dockerd.state() == QProcess::NotRunning, 30000);
    QVERIFY2(status.reachable, qPrintable(QStringLiteral("the private dockerd did not answer: ") + status.error));
    m_docker = status.majorMinor();

    qputenv("DOCKER_HOST", m_engine.host.toLocal8Bit());
    QStandardPaths::setTestModeEnabled(true);
    QString error;
    QVERIFY2(DemoWorkspace::create(m_root + QStringLiteral("/demo"), false, m_docker, &error), qPrintable(error));
}

void TestEngineLost::addBranch(const QString &repo, const QString &branch, const QString &line)
{
    const QString work = m_root + QStringLiteral("/work-") + branch;
    run(QStringLiteral("git"), {QStringLiteral("clone"), QStringLiteral("-q"), repo, work});
    run(QStringLiteral("git"), {QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"), branch}, work);
    QFile dockerfile(work + QStringLiteral("/docker/Dockerfile"));
    QVERIFY(dockerfile.open(QIODevice::Append));
    dockerfile.write(line.toUtf8() + '\n');
    dockerfile.close();
    run(QStringLiteral("git"),
        {QStringLiteral("-c"), QStringLiteral("user.name=Test"), QStringLiteral("-c"),
         QStringLiteral("user.email=test@example.org"), QStringLiteral("commit"), QStringLiteral("-qam"),
         QStringLiteral("Sleep in the build")},
        work);
    run(QStringLiteral("git"), {QStringLiteral("push"), QStringLiteral("-q"), QStringLiteral("origin"), branch}, work);
}

void TestEngineLost::killedEngineEndsTheJobEngineLost()
{
    const ManifestResult loaded = ManifestParser::load(m_root + QStringLiteral("/demo/release.yaml"));
    QVERIFY(loaded.ok());
    QVERIFY(!loaded.manifest.engines.isEmpty());
    QCOMPARE(loaded.manifest.engines.first().host, m_engine.host);

    addBranch(m_root + QStringLiteral("/demo/repos/monasca-common.git"), QStringLiteral("slow"),
              QStringLiteral("RUN echo sleeping && sleep 120"));
    Manifest manifest = loaded.manifest;
    manifest.branches = {BranchSpec{QStringLiteral("slow"), {m_docker}, {}, {}, {}}};
    manifest.components = {*loaded.manifest.component(QStringLiteral("base"))};

    ScanOptions scanOptions;
    scanOptions.fetch = true;
    scanOptions.cacheRoot = m_root + QStringLiteral("/cache");
    WorkspaceScan scan(manifest, scanOptions);
    scan.run();
    QList<Cell> column;
    for (const Cell &cell : scan.cells()) {
        if (cell.branch == QLatin1String("slow") && cell.docker == m_docker)
            column.append(cell);
    }
    QCOMPARE(column.size(), 1);
    const BuildPlan plan =
        BuildPlan::make(manifest, scan.cells(), column, scan.engines(), QDateTime::currentDateTimeUtc());
    QVERIFY2(plan.problems.isEmpty(), qPrintable(plan.problems.join(QLatin1Char('\n'))));

    BuildOptions options;
    options.noCache = true;
    options.cacheRoot = scanOptions.cacheRoot;
    options.historyPath = m_root + QStringLiteral("/history/history.sqlite");
    options.logDirectory = m_root + QStringLiteral("/history/logs");
    BuildRunner runner(manifest, plan, options);
    QByteArray seen;
    connect(&runner, &BuildRunner::logLines, this, [&seen](int, const QByteArray &lines) { seen += lines; });
    QSignalSpy finished(&runner, &BuildRunner::finished);
    runner.start();
    QTRY_VERIFY_WITH_TIMEOUT(seen.contains("sleeping"), 60000);

    QElapsedTimer timer;
    timer.start();
    QVERIFY(::kill(pid_t(m_dockerd.processId()), SIGKILL) == 0);
    QVERIFY(finished.count() > 0 || finished.wait(30000));
    qInfo("the job ended %lld ms after the engine was killed", timer.elapsed());

    const JobUpdate job = runner.jobs().first();
    QVERIFY2(job.state == JobState::EngineLost,
             qPrintable(jobStateName(job.state) + QStringLiteral(": ") + job.message));
    QVERIFY(!job.message.isEmpty());

    // The log keeps what was logged before the engine died.
    QFile log(job.logPath);
    QVERIFY2(log.open(QIODevice::ReadOnly), qPrintable(job.logPath));
    const QByteArray text = log.readAll();
    QVERIFY(text.contains("sleeping"));
    QVERIFY(text.contains(": RUN echo sleeping && sleep 120"));
    QVERIFY(text.contains("Step 1/"));

    History history(options.historyPath);
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    const QList<JobRecord> rows = history.recent(10);
    QCOMPARE(rows.size(), 1);
    QCOMPARE(rows.first().state, JobState::EngineLost);
    QCOMPARE(rows.first().logPath, job.logPath);
    QVERIFY(rows.first().finished.isValid());
}

void TestEngineLost::stopEngine()
{
    if (m_dockerd.state() != QProcess::NotRunning) {
        m_dockerd.kill();
        m_dockerd.waitForFinished(10000);
    }
    if (m_root.isEmpty())
        return;
    for (qint64 pid : processesUnder(m_root))
        ::kill(pid_t(pid), SIGKILL);
    for (const QString &mount : mountsUnder(m_root)) {
        if (QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-R"), mount}) != 0)
            QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), mount});
    }
}

void TestEngineLost::cleanupTestCase()
{
    stopEngine();
    if (m_root.isEmpty())
        return; // skipped before the engine started
    QVERIFY2(mountsUnder(m_root).isEmpty(), qPrintable(mountsUnder(m_root).join(QLatin1Char(' '))));
}

QTEST_GUILESS_MAIN(TestEngineLost)
#include "tst_enginelost.moc"
