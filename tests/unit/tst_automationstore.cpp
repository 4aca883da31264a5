// SPDX-License-Identifier: Apache-2.0
// The watcher's durable queue on real SQLite files: restart, supersede, resume after a real kill -9 of the process
// that held a run, back-off, and broken databases.
#include "history/automationstore.h"
#include "history/history.h"

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <cstdio>

using namespace mrc;

namespace {

AutomationRun commitRun(const QString &sha, const QStringList &components = {QStringLiteral("api")},
                        const QString &branch = QStringLiteral("master"))
{
    AutomationRun run;
    run.event.kind = AutomationEventKind::Commit;
    run.event.repo = QStringLiteral("file:///demo/repos/monasca-api.git");
    run.event.ref = QStringLiteral("refs/heads/") + branch;
    run.event.branch = branch;
    run.event.sha = sha;
    run.event.components = components;
    run.event.subject = QStringLiteral("subject of ") + sha.left(7);
    run.actions = {true, true, true};
    run.components = components;
    return run;
}

QString sha(char c)
{
    return QString(40, QLatin1Char(c));
}

// The child half of resumeAfterKill: claims the queued run, builds, starts testing, says so, then waits to be killed.
int crashChild(const QString &path)
{
    AutomationStore store(path);
    QString error;
    if (!store.open(&error)) {
        fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    const std::optional<AutomationRun> run = store.nextQueued(&error);
    if (!run || !store.markStage(run->id, RunStage::Build, StageState::Running, {}, &error) ||
        !store.markStage(run->id, RunStage::Build, StageState::Done, QStringLiteral("built 1 image"), &error,
                         QStringLiteral("/logs/build.log")) ||
        !store.markStage(run->id, RunStage::Test, StageState::Running, {}, &error)) {
        fprintf(stderr, "%s\n", qPrintable(error));
        return 3;
    }
    fprintf(stdout, "testing %lld\n", run->id);
    fflush(stdout);
    QThread::sleep(120); // killed long before
    return 4;
}

} // namespace

class tst_AutomationStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void survivesRestart();
    void supersedesQueuedOlderRun();
    void stagesMoveTheRun();
    void resumeAfterKill();
    void backoffDoublesAndResets();
    void retriesRunOut();
    void seenRefsAndScans();
    void eventsWithoutRun();
    void sharesTheHistoryFile();
    void corruptFileIsAnError();
    void newerSchemaIsRefused();
    void brokenTableIsAnError();
    void finishedRunCannotChange();

private:
    QString m_path;
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_AutomationStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_path = m_dir->filePath(QStringLiteral("history.sqlite"));
}

void tst_AutomationStore::survivesRestart()
{
    qint64 id = 0;
    {
        AutomationStore store(m_path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        AutomationRun run = commitRun(sha('a'));
        run.docker = {QStringLiteral("28.2")};
        QVERIFY2(store.enqueue(run, &error), qPrintable(error));
        QVERIFY(run.id > 0);
        QVERIFY(run.event.id > 0);
        QCOMPARE(run.state, RunState::Queued);
        id = run.id;
    }
    AutomationStore again(m_path);
    QString error;
    QVERIFY2(again.open(&error), qPrintable(error));
    const std::optional<QList<AutomationRun>> runs = again.runs(10, &error);
    QVERIFY2(runs, qPrintable(error));
    QCOMPARE(runs->size(), 1);
    const AutomationRun &run = runs->first();
    QCOMPARE(run.id, id);
    QCOMPARE(run.state, RunState::Queued);
    QCOMPARE(run.event.sha, sha('a'));
    QCOMPARE(run.event.kind, AutomationEventKind::Commit);
    QCOMPARE(run.event.components, QStringList{QStringLiteral("api")});
    QCOMPARE(run.event.subject, QStringLiteral("subject of aaaaaaa"));
    QCOMPARE(run.actions, (AutomationActions{true, true, true}));
    QCOMPARE(run.docker, QStringList{QStringLiteral("28.2")});
    QVERIFY(run.queued.isValid());
    QVERIFY(run.queued.secsTo(QDateTime::currentDateTimeUtc()) < 60);
}

void tst_AutomationStore::supersedesQueuedOlderRun()
{
    AutomationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    AutomationRun first = commitRun(sha('1'));
    AutomationRun other = commitRun(sha('2'), {QStringLiteral("persister")});
    AutomationRun running = commitRun(sha('3'), {QStringLiteral("notification")});
    QVERIFY2(store.enqueue(first, &error), qPrintable(error));
    QVERIFY2(store.enqueue(other, &error), qPrintable(error));
    QVERIFY2(store.enqueue(running, &error), qPrintable(error));
    QVERIFY2(store.markStage(running.id, RunStage::Build, StageState::Running, {}, &error), qPrintable(error));

    AutomationRun second = commitRun(sha('4'));
    AutomationRun runningLater = commitRun(sha('5'), {QStringLiteral("notification")});
    QList<qint64> superseded;
    QVERIFY2(store.enqueue(second, &error, &superseded), qPrintable(error));
    QCOMPARE(superseded, QList<qint64>{first.id});
    QVERIFY2(store.enqueue(runningLater, &error, &superseded), qPrintable(error));
    QVERIFY(superseded.isEmpty()); // a run that started is not replaced

    const std::optional<AutomationRun> old = store.run(first.id, &error);
    QVERIFY2(old, qPrintable(error));
    QCOMPARE(old->state, RunState::Superseded);
    QCOMPARE(old->supersededBy, second.id);
    QVERIFY(old->finished.isValid());
    QVERIFY2(old->message.contains(QLatin1String("4444444")), qPrintable(old->message));
    QCOMPARE(store.run(other.id, &error)->state, RunState::Queued);
    QCOMPARE(store.run(running.id, &error)->state, RunState::Building);

    // The queue hands out the oldest queued run first: persister, then the newer api commit.
    std::optional<AutomationRun> next = store.nextQueued(&error);
    QVERIFY2(next, qPrintable(error));
    QCOMPARE(next->id, other.id);
    QCOMPARE(next->pid, qint64(QCoreApplication::applicationPid()));
    QVERIFY2(store.markStage(next->id, RunStage::Build, StageState::Running, {}, &error), qPrintable(error));
    next = store.nextQueued(&error);
    QVERIFY2(next, qPrintable(error));
    QCOMPARE(next->id, second.id);
}

void tst_AutomationStore::stagesMoveTheRun()
{
    AutomationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    AutomationRun run = commitRun(sha('b'));
    QVERIFY2(store.enqueue(run, &error), qPrintable(error));
    const auto stateIs = [&](RunState state) {
        const std::optional<AutomationRun> now = store.run(run.id, &error);
        return now && now->state == state;
    };
    QVERIFY2(store.markStage(run.id, RunStage::Build, StageState::Running, {}, &error), qPrintable(error));
    QVERIFY(stateIs(RunState::Building));
    QVERIFY2(store.markStage(run.id, RunStage::Build, StageState::Done, QStringLiteral("2 built"), &error,
                             QStringLiteral("/logs/b.log")),
             qPrintable(error));
    QVERIFY2(store.markStage(run.id, RunStage::Test, StageState::Running, {}, &error), qPrintable(error));
    QVERIFY(stateIs(RunState::Testing));
    QVERIFY2(store.markStage(run.id, RunStage::Test, StageState::Done, {}, &error), qPrintable(error));
    QVERIFY2(store.markStage(run.id, RunStage::Push, StageState::Running, {}, &error), qPrintable(error));
    QVERIFY(stateIs(RunState::Pushing));
    QVERIFY2(store.markStage(run.id, RunStage::Push, StageState::Done, QStringLiteral("3 tags"), &error),
             qPrintable(error));
    QVERIFY2(store.finishRun(run.id, RunState::Done, QStringLiteral("pushed"), &error), qPrintable(error));

    const std::optional<AutomationRun> done = store.run(run.id, &error);
    QVERIFY2(done, qPrintable(error));
    QCOMPARE(done->state, RunState::Done);
    QCOMPARE(done->message, QStringLiteral("pushed"));
    QVERIFY(done->started.isValid() && done->finished.isValid());
    QCOMPARE(done->stages.size(), 3);
    QCOMPARE(done->stages[0].stage, RunStage::Build);
    QCOMPARE(done->stages[0].state, StageState::Done);
    QCOMPARE(done->stages[0].logPath, QStringLiteral("/logs/b.log"));
    QCOMPARE(done->stages[0].message, QStringLiteral("2 built"));
    QVERIFY(done->stages[0].finished >= done->stages[0].started);
    QCOMPARE(done->stages[2].stage, RunStage::Push);
    QCOMPARE(done->lastFinishedStage(), RunStage::Push);
    QVERIFY(!done->nextStage());
    // A run without push ends after test; a skipped stage counts as finished.
    AutomationRun change = commitRun(sha('c'));
    change.actions = {true, true, false};
    QCOMPARE(change.nextStage(), RunStage::Build);
    StageRecord built;
    built.stage = RunStage::Build;
    built.state = StageState::Skipped;
    change.stages << built;
    QCOMPARE(change.nextStage(), RunStage::Test);
}

void tst_AutomationStore::resumeAfterKill()
{
    qint64 runId = 0;
    {
        AutomationStore store(m_path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        AutomationRun run = commitRun(sha('d'));
        QVERIFY2(store.enqueue(run, &error), qPrintable(error));
        runId = run.id;
    }
    QProcess child;
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--crash-child"), m_path});
    QVERIFY2(child.waitForStarted(), qPrintable(child.errorString()));
    QTRY_VERIFY_WITH_TIMEOUT(child.canReadLine() || child.state() == QProcess::NotRunning, 20000);
    const QByteArray line = child.readLine().trimmed();
    QVERIFY2(line == "testing " + QByteArray::number(runId), line + child.readAllStandardError());
    // Another process holds the run while it lives: nothing is interrupted, the queue has nothing for us.
    AutomationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    std::optional<QList<AutomationRun>> interrupted = store.interrupted(&error);
    QVERIFY2(interrupted, qPrintable(error));
    QVERIFY(interrupted->isEmpty());
    QVERIFY(!store.nextQueued(&error));
    QVERIFY2(error.isEmpty(), qPrintable(error));

    child.kill(); // SIGKILL: no clean-up runs
    QVERIFY(child.waitForFinished(10000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    interrupted = store.interrupted(&error);
    QVERIFY2(interrupted, qPrintable(error));
    QCOMPARE(interrupted->size(), 1);
    AutomationRun run = interrupted->first();
    QCOMPARE(run.id, runId);
    QCOMPARE(run.state, RunState::Testing);
    QCOMPARE(run.lastFinishedStage(), RunStage::Build);
    QCOMPARE(run.nextStage(), RunStage::Test);
    QCOMPARE(run.stage(RunStage::Build)->logPath, QStringLiteral("/logs/build.log"));

    QVERIFY2(store.adopt(runId, &error), qPrintable(error));
    interrupted = store.interrupted(&error);
    QVERIFY2(interrupted && interrupted->isEmpty(), qPrintable(error));
    run = *store.run(runId, &error);
    QCOMPARE(run.stage(RunStage::Test)->state, StageState::Failed); // the killed attempt
    QVERIFY(run.stage(RunStage::Test)->message.contains(QLatin1String("interrupted")));
    QCOMPARE(run.nextStage(), RunStage::Test);
    QCOMPARE(run.state, RunState::Testing); // the run itself goes on

    QVERIFY2(store.markStage(runId, RunStage::Test, StageState::Running, {}, &error), qPrintable(error));
    QVERIFY2(store.markStage(runId, RunStage::Test, StageState::Done, {}, &error), qPrintable(error));
    QVERIFY2(store.markStage(runId, RunStage::Push, StageState::Running, {}, &error), qPrintable(error));
    QVERIFY2(store.markStage(runId, RunStage::Push, StageState::Done, {}, &error), qPrintable(error));
    QVERIFY2(store.finishRun(runId, RunState::Done, QStringLiteral("resumed after build"), &error), qPrintable(error));
    run = *store.run(runId, &error);
    QCOMPARE(run.state, RunState::Done);
    QCOMPARE(run.stages.size(), 4); // build, test (killed), test, push: the build ran once
    int builds = 0;
    for (const StageRecord &s : run.stages)
        builds += s.stage == RunStage::Build ? 1 : 0;
    QCOMPARE(builds, 1);
}

void tst_AutomationStore::backoffDoublesAndResets()
{
    AutomationStore store(m_path);
    AutomationBackoff backoff;
    backoff.initialSeconds = 100;
    backoff.maxSeconds = 1000;
    backoff.retries = 5;
    store.setBackoff(backoff);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    AutomationRun run = commitRun(sha('e'));
    const QString lane = run.lane();
    QVERIFY2(store.enqueue(run, &error), qPrintable(error));
    QVERIFY2(store.markStage(run.id, RunStage::Build, StageState::Running, {}, &error), qPrintable(error));
    const QDateTime failedAt = QDateTime::currentDateTimeUtc();
    QVERIFY2(store.markStage(run.id, RunStage::Build, StageState::Failed, QStringLiteral("RUN exited 1"), &error),
             qPrintable(error));
    // finishRun after a failed stage does not count the failure twice.
    QVERIFY2(store.finishRun(run.id, RunState::Failed, QStringLiteral("build failed"), &error), qPrintable(error));
    std::optional<BackoffRecord> record = store.backoff(lane, &error);
    QVERIFY2(record, qPrintable(error));
    QCOMPARE(record->failures, 1);
    QCOMPARE(record->sha, sha('e'));
    QVERIFY(qAbs(record->retryAfter.secsTo(failedAt.addSecs(100))) <= 2);

    QString why;
    QCOMPARE(store.mayRun(lane, sha('e'), failedAt.addSecs(10), &why, &error), std::optional<bool>(false));
    QVERIFY2(why.contains(QLatin1String("backing off")), qPrintable(why));
    QCOMPARE(store.mayRun(lane, sha('e'), failedAt.addSecs(110), &why, &error), std::optional<bool>(true));

    // Nothing is due yet; after the back-off the failed run comes back as attempt 2.
    std::optional<QList<AutomationRun>> due = store.requeueDue(failedAt.addSecs(10), &error);
    QVERIFY2(due && due->isEmpty(), qPrintable(error));
    due = store.requeueDue(failedAt.addSecs(110), &error);
    QVERIFY2(due, qPrintable(error));
    QCOMPARE(due->size(), 1);
    QCOMPARE(due->first().attempt, 2);
    QCOMPARE(due->first().event.sha, sha('e'));
    QCOMPARE(due->first().event.id, run.event.id);
    // Asked again, it does not queue a second retry.
    QVERIFY(store.requeueDue(failedAt.addSecs(110), &error)->isEmpty());
    // The queue holds the retry back until its time, then hands it out.
    QVERIFY(!store.nextQueued(&error, failedAt.addSecs(10)));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    std::optional<AutomationRun> retry = store.nextQueued(&error, failedAt.addSecs(110));
    QVERIFY2(retry, qPrintable(error));
    QCOMPARE(retry->attempt, 2);

    // The second failure doubles the wait.
    QVERIFY2(store.finishRun(retry->id, RunState::Failed, QStringLiteral("build failed again"), &error),
             qPrintable(error));
    record = store.backoff(lane, &error);
    QCOMPARE(record->failures, 2);
    QVERIFY(qAbs(record->retryAfter.secsTo(QDateTime::currentDateTimeUtc().addSecs(200))) <= 2);

    // A new commit of the lane may run at once, and its success clears the lane.
    QCOMPARE(store.mayRun(lane, sha('f'), QDateTime::currentDateTimeUtc(), &why, &error), std::optional<bool>(true));
    AutomationRun fixed = commitRun(sha('f'));
    QVERIFY2(store.enqueue(fixed, &error), qPrintable(error));
    std::optional<AutomationRun> next = store.nextQueued(&error);
    QVERIFY2(next, qPrintable(error));
    QCOMPARE(next->id, fixed.id);
    QVERIFY2(store.finishRun(fixed.id, RunState::Done, {}, &error), qPrintable(error));
    record = store.backoff(lane, &error);
    QCOMPARE(record->failures, 0);
    // The old commit's retry is not queued any more: the lane moved on.
    QVERIFY(store.requeueDue(QDateTime::currentDateTimeUtc().addDays(1), &error)->isEmpty());
}

void tst_AutomationStore::retriesRunOut()
{
    AutomationStore store(m_path);
    AutomationBackoff backoff;
    backoff.initialSeconds = 1;
    backoff.retries = 1;
    store.setBackoff(backoff);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    AutomationRun run = commitRun(sha('9'));
    QVERIFY2(store.enqueue(run, &error), qPrintable(error));
    QVERIFY2(store.finishRun(run.id, RunState::Failed, QStringLiteral("failed"), &error), qPrintable(error));
    const QDateTime later = QDateTime::currentDateTimeUtc().addSecs(3600);
    std::optional<QList<AutomationRun>> due = store.requeueDue(later, &error);
    QVERIFY2(due && due->size() == 1, qPrintable(error));
    QVERIFY2(store.finishRun(due->first().id, RunState::Failed, QStringLiteral("failed"), &error), qPrintable(error));
    const std::optional<BackoffRecord> record = store.backoff(run.lane(), &error);
    QVERIFY(record->exhausted);
    QString why;
    QCOMPARE(store.mayRun(run.lane(), sha('9'), later.addDays(30), &why, &error), std::optional<bool>(false));
    QVERIFY2(why.contains(QLatin1String("waiting for the next commit")), qPrintable(why));
    QVERIFY(store.requeueDue(later.addDays(30), &error)->isEmpty());
}

void tst_AutomationStore::seenRefsAndScans()
{
    AutomationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    const QString repo = QStringLiteral("file:///demo/repos/monasca-common.git");
    QCOMPARE(store.knowsRepo(repo, &error), std::optional<bool>(false));
    QHash<QString, QString> refs{{QStringLiteral("refs/heads/master"), sha('1')},
                                 {QStringLiteral("refs/tags/12.0.0"), sha('2')},
                                 {QStringLiteral("refs/changes/34/1234/2"), sha('3')}};
    QList<AutomationEvent> none;
    QVERIFY2(store.recordScan(repo, refs, none, &error), qPrintable(error));
    QCOMPARE(store.knowsRepo(repo, &error), std::optional<bool>(true));
    QCOMPARE(*store.seenRefs(repo, &error), refs);

    AutomationEvent moved;
    moved.kind = AutomationEventKind::Commit;
    moved.repo = repo;
    moved.ref = QStringLiteral("refs/heads/master");
    moved.sha = sha('4');
    moved.previousSha = sha('1');
    moved.branch = QStringLiteral("master");
    moved.components = {QStringLiteral("base"), QStringLiteral("api")};
    QList<AutomationEvent> events{moved};
    refs[QStringLiteral("refs/heads/master")] = sha('4');
    refs.remove(QStringLiteral("refs/tags/12.0.0"));
    QVERIFY2(store.recordScan(repo, refs, events, &error), qPrintable(error));
    QVERIFY(events.first().id > 0);
    QCOMPARE(*store.seenRefs(repo, &error), refs); // the deleted tag is forgotten
    const std::optional<AutomationEvent> stored = store.event(events.first().id, &error);
    QVERIFY2(stored, qPrintable(error));
    QCOMPARE(stored->previousSha, sha('1'));
    QCOMPARE(stored->components, moved.components);
    QCOMPARE(stored->lane(), moved.lane());
    QCOMPARE(stored->name(), QStringLiteral("master"));
    // Another repository's refs are its own.
    QVERIFY(store.seenRefs(QStringLiteral("file:///other.git"), &error)->isEmpty());
}

void tst_AutomationStore::eventsWithoutRun()
{
    AutomationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    AutomationEvent change;
    change.kind = AutomationEventKind::Change;
    change.repo = QStringLiteral("file:///x.git");
    change.ref = QStringLiteral("refs/changes/34/1234/2");
    change.sha = sha('7');
    QCOMPARE(change.name(), QStringLiteral("1234/2"));
    QCOMPARE(change.changeNumber(), 1234);
    QCOMPARE(change.patchset(), 2);
    QVERIFY(AutomationEvent::isChangeRef(change.ref));
    QVERIFY(!AutomationEvent::isChangeRef(QStringLiteral("refs/changes/34/1234/meta")));
    AutomationEvent tag = change;
    tag.kind = AutomationEventKind::Tag;
    tag.ref = QStringLiteral("refs/tags/12.1.0");
    QCOMPARE(tag.name(), QStringLiteral("12.1.0"));
    QVERIFY2(store.addEvent(change, &error), qPrintable(error));
    QVERIFY2(store.addEvent(tag, &error), qPrintable(error));
    std::optional<QList<AutomationEvent>> pending = store.eventsWithoutRun(&error);
    QVERIFY2(pending, qPrintable(error));
    QCOMPARE(pending->size(), 2);
    AutomationRun run;
    run.event = change;
    run.actions = {true, true, false};
    run.components = {QStringLiteral("api")};
    QVERIFY2(store.skip(run, QStringLiteral("no rule"), &error), qPrintable(error));
    QCOMPARE(run.state, RunState::Skipped);
    pending = store.eventsWithoutRun(&error);
    QCOMPARE(pending->size(), 1);
    QCOMPARE(pending->first().ref, tag.ref);
    // A newer patchset of the same change shares the lane with the older one.
    AutomationEvent newer = change;
    newer.ref = QStringLiteral("refs/changes/34/1234/3");
    QCOMPARE(newer.lane(), change.lane());
}

void tst_AutomationStore::sharesTheHistoryFile()
{
    History history(m_path);
    QString error;
    QVERIFY2(history.open(&error), qPrintable(error));
    AutomationStore store(m_path);
    QVERIFY2(store.open(&error), qPrintable(error));
    JobRecord job;
    job.component = QStringLiteral("api");
    job.branch = QStringLiteral("master");
    job.docker = QStringLiteral("28.2");
    QVERIFY2(history.add(job, &error), qPrintable(error));
    AutomationRun run = commitRun(sha('a'));
    QVERIFY2(store.enqueue(run, &error), qPrintable(error));
    QCOMPARE(history.recent(10).size(), 1);
    QCOMPARE(store.runs(10, &error)->size(), 1);
    // The history opened again still reads, with the automation tables beside its own.
    History again(m_path);
    QVERIFY2(again.open(&error), qPrintable(error));
}

void tst_AutomationStore::corruptFileIsAnError()
{
    QFile file(m_path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(8192, 'x'));
    file.close();
    AutomationStore store(m_path);
    QString error;
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(m_path), qPrintable(error));
    QVERIFY2(error.contains(QLatin1String("not a database")), qPrintable(error));
}

void tst_AutomationStore::newerSchemaIsRefused()
{
    {
        AutomationStore store(m_path);
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(m_path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("UPDATE automation_meta SET value = '99' WHERE key = 'schema_version'")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    AutomationStore store(m_path);
    QString error;
    QVERIFY(!store.open(&error));
    QVERIFY2(error.contains(QLatin1String("schema version '99'")) && error.contains(m_path), qPrintable(error));
}

void tst_AutomationStore::brokenTableIsAnError()
{
    AutomationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    AutomationRun run = commitRun(sha('a'));
    QVERIFY2(store.enqueue(run, &error), qPrintable(error));
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("raw"));
        db.setDatabaseName(m_path);
        QVERIFY(db.open());
        QSqlQuery query(db);
        QVERIFY(query.exec(QStringLiteral("DROP TABLE automation_stages")));
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("raw"));
    const std::optional<QList<AutomationRun>> runs = store.runs(10, &error);
    QVERIFY(!runs); // an error, not an empty queue
    QVERIFY2(error.contains(QLatin1String("automation_stages")) && error.contains(m_path), qPrintable(error));
    QVERIFY(!store.markStage(run.id, RunStage::Build, StageState::Running, {}, &error));
    QVERIFY(!error.isEmpty());
}

void tst_AutomationStore::finishedRunCannotChange()
{
    AutomationStore store(m_path);
    QString error;
    QVERIFY2(store.open(&error), qPrintable(error));
    AutomationRun run = commitRun(sha('a'));
    QVERIFY2(store.enqueue(run, &error), qPrintable(error));
    QVERIFY2(store.finishRun(run.id, RunState::Done, {}, &error), qPrintable(error));
    QVERIFY(!store.markStage(run.id, RunStage::Push, StageState::Running, {}, &error));
    QVERIFY2(error.contains(QLatin1String("is done already")), qPrintable(error));
    QVERIFY(!store.finishRun(run.id, RunState::Building, {}, &error));
    QVERIFY(!store.run(4242, &error));
    QVERIFY2(error.contains(QLatin1String("no run 4242")), qPrintable(error));
}

int main(int argc, char **argv)
{
    if (argc == 3 && qstrcmp(argv[1], "--crash-child") == 0) {
        QCoreApplication app(argc, argv);
        return crashChild(QString::fromLocal8Bit(argv[2]));
    }
    QCoreApplication app(argc, argv);
    tst_AutomationStore test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_automationstore.moc"
