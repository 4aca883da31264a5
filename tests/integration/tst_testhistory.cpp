// SPDX-License-Identifier: Apache-2.0
// Issue #15 item 3 for `mrc test`: a test run the history database cannot record is not run, and it fails with
// the database's name instead of saying "passed" with no record; as `mrc build` does (tst_hardenhistory). Both
// runners share this through RunnerCore.
#include "common/tinyrepo.h"
#include "engine/engineprobe.h"
#include "history/history.h"
#include "manifest/manifest.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;
using mrc::test::MrcRun;
using mrc::test::TinyRepo;

class TestTestHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void corruptedHistoryFailsTheTests();
    void lockedHistoryFailsTheTests();

private:
    MrcRun test();
    QStringList testLogs() const;
    void expectHistoryFailure(const MrcRun &run, const QString &why);

    QString m_host;
    QString m_docker;
    std::unique_ptr<QTemporaryDir> m_dir;
    TinyRepo m_repo;
    QString m_manifest;
};

void TestTestHistory::initTestCase()
{
    m_host = qEnvironmentVariable("MRC_TEST_DOCKER_HOST");
    if (m_host.isEmpty()) {
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL("MRC_TEST_DOCKER_HOST is not set: scripts/test starts the private engine and sets it");
        QSKIP("no private engine: run through scripts/test");
    }
    QVERIFY2(!qEnvironmentVariable("MRC_BINARY").isEmpty(), "MRC_BINARY is not set");
    EngineSpec spec{QStringLiteral("local"), m_host, {}, {}};
    const EngineStatus engine = EngineProbe::probe(spec, 5000);
    QVERIFY2(engine.reachable, qPrintable(engine.error));
    m_docker = engine.majorMinor();
}

void TestTestHistory::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_repo.create(m_dir->path()));
    // A shell in the image (busybox as /bin/sh, copied in, never pulled), so that the test can pass.
    const QString busybox = QFileInfo::exists(QStringLiteral("/bin/busybox"))
                                ? QStringLiteral("/bin/busybox")
                                : QStandardPaths::findExecutable(QStringLiteral("busybox"));
    QVERIFY2(!busybox.isEmpty(), "busybox-static is needed");
    QFile binary(busybox);
    QVERIFY(binary.open(QIODevice::ReadOnly));
    QVERIFY(m_repo.write(QStringLiteral("docker/sh"), binary.readAll()));
    QVERIFY(QFile::setPermissions(m_repo.repo() + QStringLiteral("/docker/sh"),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadGroup |
                                      QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther));
    QVERIFY(m_repo.write(QStringLiteral("docker/Dockerfile"),
                         "FROM scratch\nCOPY sh /bin/sh\nCOPY hello.txt /hello.txt\n"));
    QVERIFY(m_repo.commit(QStringLiteral("a shell")));
    m_manifest = m_dir->filePath(QStringLiteral("release.yaml"));
    QFile file(m_manifest);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QStringLiteral("version: 1\n"
                              "engines:\n  - {name: local, host: \"%1\"}\n"
                              "branches:\n  - {name: master, docker: [\"%2\"]}\n"
                              "components:\n"
                              "  - name: hello\n    image: harden/hello\n    repo: \"file://%3\"\n"
                              "    tests:\n      - {name: has-file, kind: run, command: \"test -f /hello.txt\"}\n"
                              "lint:\n  gate: false\n")
                   .arg(m_host, m_docker, m_repo.repo())
                   .toUtf8());
    file.close();
    // The image exists, so that only the history stands between the test and its run.
    const MrcRun build = m_repo.mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest}, m_host);
    QVERIFY2(build.exitCode == 0, build.err.constData());
}

MrcRun TestTestHistory::test()
{
    return m_repo.mrc({QStringLiteral("test"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--json")},
                      m_host);
}

QStringList TestTestHistory::testLogs() const
{
    QStringList names;
    QDirIterator it(m_repo.logDirectory(), {QStringLiteral("test-*")}, QDir::Files);
    while (it.hasNext())
        names.append(QFileInfo(it.next()).fileName());
    return names;
}

void TestTestHistory::expectHistoryFailure(const MrcRun &run, const QString &why)
{
    QVERIFY2(run.exitCode == 1,
             qPrintable(QStringLiteral("exit %1\n%2").arg(run.exitCode).arg(QString::fromUtf8(run.err))));
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(err.contains(QStringLiteral("history database %1").arg(m_repo.historyPath())), qPrintable(err));
    QVERIFY2(err.contains(why, Qt::CaseInsensitive), qPrintable(err));
    const QJsonObject document = QJsonDocument::fromJson(run.out).object();
    QVERIFY2(document.value(QStringLiteral("history_error")).toString().contains(m_repo.historyPath()),
             run.out.constData());
    const QJsonArray results = document.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), 1);
    const QJsonObject job = results.first().toObject();
    QCOMPARE(job.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
    QVERIFY2(job.value(QStringLiteral("message")).toString().contains(QLatin1String("nothing was tested")),
             qPrintable(job.value(QStringLiteral("message")).toString()));
    // Not run: no container, no image inspected, no log.
    QCOMPARE(job.value(QStringLiteral("image_id")).toString(), QString());
    QVERIFY2(testLogs().isEmpty(), qPrintable(testLogs().join(QLatin1Char(' '))));
}

void TestTestHistory::corruptedHistoryFailsTheTests()
{
    // Healthy first: the same test passes, so the failure below is the history's alone.
    const MrcRun healthy = test();
    QVERIFY2(healthy.exitCode == 0, healthy.err.constData());
    for (const QString &log : testLogs())
        QVERIFY(QFile::remove(m_repo.logDirectory() + QLatin1Char('/') + log));
    for (const QString &suffix : {QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(m_repo.historyPath() + suffix);
    QFile file(m_repo.historyPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, 'x'));
    file.close();
    expectHistoryFailure(test(), QStringLiteral("not a database"));
}

void TestTestHistory::lockedHistoryFailsTheTests()
{
    // Another process takes the write lock and keeps it longer than the busy timeout (5 s).
    QProcess holder;
    holder.start(QStringLiteral("python3"), {QStringLiteral("-c"),
                                             QStringLiteral("import sqlite3, sys, time\n"
                                                            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                                                            "c.execute('BEGIN EXCLUSIVE')\n"
                                                            "print('locked', flush=True)\n"
                                                            "time.sleep(60)\n"),
                                             m_repo.historyPath()});
    QVERIFY(holder.waitForReadyRead(10000));
    QCOMPARE(holder.readAllStandardOutput().trimmed(), QByteArray("locked"));
    const MrcRun run = test();
    holder.kill();
    holder.waitForFinished();
    expectHistoryFailure(run, QStringLiteral("locked"));
    // The build's row is intact and no test row was added.
    History history(m_repo.historyPath());
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    QCOMPARE(history.recent().size(), 1);
    QVERIFY(history.recentTests().size() == 0);
}

QTEST_GUILESS_MAIN(TestTestHistory)
#include "tst_testhistory.moc"
