// SPDX-License-Identifier: Apache-2.0
// Issue #15 item 3: a broken history database never loses a build silently. `mrc build` runs on the private
// engine against real SQLite files that are corrupted, truncated, locked by another process or immutable; each
// time it must fail with the file's name, build nothing it cannot record, and never share a log file.
#include "common/tinyrepo.h"
#include "engine/engineprobe.h"
#include "history/history.h"
#include "manifest/manifest.h"

#include <QDirIterator>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace mrc;
using mrc::test::MrcRun;
using mrc::test::TinyRepo;

class TestHardenHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void item3_corruptedHistoryFailsTheBuild();
    void item3_truncatedHistoryFailsTheBuild();
    void item3_lockedHistoryFailsTheBuild();
    void item3_immutableHistoryFailsTheBuild();
    void item3_replacedHistoryGetsFreshLogs();
    void item3_foreignAuditSchemaIsAnError();

private:
    MrcRun build();
    QStringList logs() const;
    void expectHistoryFailure(const MrcRun &run, const QString &why);

    QString m_host;
    QString m_docker;
    std::unique_ptr<QTemporaryDir> m_dir;
    TinyRepo m_repo;
    QString m_manifest;
};

void TestHardenHistory::initTestCase()
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

void TestHardenHistory::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_repo.create(m_dir->path()));
    m_manifest = m_repo.manifest(m_host, m_docker);
    QVERIFY(!m_manifest.isEmpty());
}

MrcRun TestHardenHistory::build()
{
    return m_repo.mrc({QStringLiteral("build"), QStringLiteral("--manifest"), m_manifest, QStringLiteral("--no-cache"),
                       QStringLiteral("--json")},
                      m_host);
}

QStringList TestHardenHistory::logs() const
{
    QStringList names;
    QDirIterator it(m_repo.logDirectory(), QDir::Files);
    while (it.hasNext())
        names.append(QFileInfo(it.next()).fileName());
    names.sort();
    return names;
}

void TestHardenHistory::expectHistoryFailure(const MrcRun &run, const QString &why)
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
    QVERIFY2(job.value(QStringLiteral("message")).toString().contains(QLatin1String("nothing was built")),
             qPrintable(job.value(QStringLiteral("message")).toString()));
    QCOMPARE(job.value(QStringLiteral("image_id")).toString(), QString());
    // No log named after id 0 that every such run would append to.
    for (const QString &log : logs())
        QVERIFY2(!log.startsWith(QLatin1String("0-")), qPrintable(log));
}

void TestHardenHistory::item3_corruptedHistoryFailsTheBuild()
{
    QDir().mkpath(QFileInfo(m_repo.historyPath()).absolutePath());
    QFile file(m_repo.historyPath());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, 'x'));
    file.close();
    const MrcRun run = build();
    expectHistoryFailure(run, QStringLiteral("not a database"));
    QVERIFY(logs().isEmpty());
}

void TestHardenHistory::item3_truncatedHistoryFailsTheBuild()
{
    // A history with rows, then cut: the header promises pages that are gone.
    const MrcRun first = build();
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QFile file(m_repo.historyPath());
    QVERIFY(file.size() > 8192);
    QFile::remove(m_repo.historyPath() + QStringLiteral("-wal"));
    QFile::remove(m_repo.historyPath() + QStringLiteral("-shm"));
    QVERIFY(file.resize(4096 + 100));
    const MrcRun run = build();
    expectHistoryFailure(run, QStringLiteral("malformed"));
}

void TestHardenHistory::item3_lockedHistoryFailsTheBuild()
{
    const MrcRun first = build();
    QVERIFY2(first.exitCode == 0, first.err.constData());
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
    const MrcRun run = build();
    holder.kill();
    holder.waitForFinished();
    expectHistoryFailure(run, QStringLiteral("locked"));
    // The first build's row is intact and nothing else was added.
    History history(m_repo.historyPath());
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    QCOMPARE(history.recent().size(), 1);
    QCOMPARE(history.recent().first().state, JobState::Built);
}

void TestHardenHistory::item3_immutableHistoryFailsTheBuild()
{
    const MrcRun first = build();
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QProcess chattr;
    chattr.start(QStringLiteral("chattr"), {QStringLiteral("+i"), m_repo.historyPath()});
    if (!chattr.waitForFinished(10000) || chattr.exitCode() != 0) {
        const QByteArray why = chattr.readAllStandardError();
        if (qEnvironmentVariableIsSet("CI"))
            QFAIL(qPrintable(
                QStringLiteral("chattr +i failed (CI runs as root on ext4): %1").arg(QString::fromUtf8(why))));
        QSKIP(qPrintable(QStringLiteral("chattr +i is not permitted here: %1").arg(QString::fromUtf8(why))));
    }
    const MrcRun run = build();
    QProcess::execute(QStringLiteral("chattr"), {QStringLiteral("-i"), m_repo.historyPath()});
    expectHistoryFailure(run, QStringLiteral("cannot be written"));
}

void TestHardenHistory::item3_replacedHistoryGetsFreshLogs()
{
    const MrcRun first = build();
    QVERIFY2(first.exitCode == 0, first.err.constData());
    QCOMPARE(logs().size(), 1);
    // The database goes away (moved aside); ids start again at 1, the old logs stay.
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(m_repo.historyPath() + suffix);
    const MrcRun second = build();
    QVERIFY2(second.exitCode == 0, second.err.constData());
    const QStringList names = logs();
    QCOMPARE(names.size(), 2);
    const QString secondLog = QJsonDocument::fromJson(second.out)
                                  .object()
                                  .value(QStringLiteral("results"))
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(QStringLiteral("log"))
                                  .toString();
    QFile log(secondLog);
    QVERIFY(log.open(QIODevice::ReadOnly));
    QCOMPARE(log.readAll().count("mrc: building "), 1); // its own run only
}

void TestHardenHistory::item3_foreignAuditSchemaIsAnError()
{
    QDir().mkpath(QFileInfo(m_repo.historyPath()).absolutePath());
    QProcess sqlite;
    sqlite.start(
        QStringLiteral("python3"),
        {QStringLiteral("-c"),
         QStringLiteral("import sqlite3, sys\n"
                        "c = sqlite3.connect(sys.argv[1])\n"
                        "c.execute('CREATE TABLE pushes (id INTEGER PRIMARY KEY, pushed_by TEXT, image TEXT)')\n"
                        "c.execute(\"INSERT INTO pushes (pushed_by, image) VALUES ('someone', 'x')\")\n"
                        "c.commit()\n"),
         m_repo.historyPath()});
    QVERIFY(sqlite.waitForFinished(10000));
    QCOMPARE(sqlite.exitCode(), 0);
    const MrcRun run = m_repo.mrc({QStringLiteral("audit")}, m_host);
    QVERIFY2(run.exitCode != 0, run.out.constData());
    const QString err = QString::fromUtf8(run.err);
    QVERIFY2(err.contains(m_repo.historyPath()) && err.contains(QLatin1String("'pushes' was not made by mrc")),
             qPrintable(err));
    QVERIFY(run.out.isEmpty());
}

QTEST_GUILESS_MAIN(TestHardenHistory)
#include "tst_hardenhistory.moc"
