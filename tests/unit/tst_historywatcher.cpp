// SPDX-License-Identifier: Apache-2.0
// HistoryWatcher on a real SQLite history: rows that another process writes (a second connection, rows carrying
// another pid) are reported once each time they change, this process's own rows never; a job still running in
// another process when the watcher starts is reported at once.
#include "history/history.h"
#include "history/historywatcher.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <unistd.h>

using namespace mrc;

class TestHistoryWatcher : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void reportsOtherProcessesOnly()
    {
        qRegisterMetaType<QList<JobRecord>>();
        qRegisterMetaType<QList<TestRecord>>();
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("history.sqlite"));
        History writer(path);
        QString error;
        QVERIFY2(writer.open(&error), qPrintable(error));
        const qint64 other = qint64(getppid()); // alive, and not this process

        JobRecord running;
        running.component = QStringLiteral("base");
        running.branch = QStringLiteral("master");
        running.docker = QStringLiteral("20.10");
        running.state = JobState::Building;
        running.pid = other;
        QVERIFY(writer.add(running));
        JobRecord done = running;
        done.component = QStringLiteral("api");
        done.state = JobState::Built;
        QVERIFY(writer.add(done));

        QThread thread;
        auto *watcher = new HistoryWatcher(path, 60000); // file events only: the poll would come too late
        watcher->moveToThread(&thread);
        connect(&thread, &QThread::started, watcher, &HistoryWatcher::start);
        connect(&thread, &QThread::finished, watcher, &QObject::deleteLater);
        QSignalSpy jobs(watcher, &HistoryWatcher::jobsChanged);
        QSignalSpy tests(watcher, &HistoryWatcher::testsChanged);
        thread.start();

        // At start: the job still building elsewhere, not the finished one.
        QVERIFY(jobs.wait(5000));
        auto reported = jobs.takeFirst().first().value<QList<JobRecord>>();
        QCOMPARE(reported.size(), 1);
        QCOMPARE(reported.first().component, QStringLiteral("base"));
        QCOMPARE(reported.first().pid, other);

        // It finishes: one report, with the new state.
        running.state = JobState::Built;
        running.imageId = QStringLiteral("sha256:1");
        QVERIFY(writer.update(running));
        QVERIFY(jobs.wait(3000));
        reported = jobs.takeFirst().first().value<QList<JobRecord>>();
        QCOMPARE(reported.size(), 1);
        QCOMPARE(reported.first().state, JobState::Built);

        // A job of this process is never reported; a test of another one is.
        JobRecord mine = done;
        mine.component = QStringLiteral("log-api");
        mine.pid = QCoreApplication::applicationPid();
        QVERIFY(writer.add(mine));
        TestRecord test;
        test.runId = QStringLiteral("run-1");
        test.component = QStringLiteral("api");
        test.branch = QStringLiteral("master");
        test.docker = QStringLiteral("20.10");
        test.test = QStringLiteral("start-check");
        test.kind = QStringLiteral("run");
        test.state = TestState::Testing;
        test.pid = other;
        QVERIFY(writer.addTest(test));
        QVERIFY(tests.wait(3000));
        QCOMPARE(tests.takeFirst().first().value<QList<TestRecord>>().first().test, QStringLiteral("start-check"));
        QTest::qWait(300);
        QCOMPARE(jobs.size(), 0);

        thread.quit();
        thread.wait();
    }
};

QTEST_GUILESS_MAIN(TestHistoryWatcher)
#include "tst_historywatcher.moc"
