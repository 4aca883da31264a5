// SPDX-License-Identifier: Apache-2.0
#include "history/automationstore.h"

#include "history/automationstoreprivate.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>
#include <cerrno>
#include <csignal>

namespace mrc {

namespace {

QAtomicInteger<quint64> connectionCounter;

} // namespace

AutomationStore::AutomationStore(const QString &path)
    : m_path(path), m_connection(QStringLiteral("mrc-automation-%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
{
}

AutomationStore::~AutomationStore()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString AutomationStore::failure(const QString &what, const QString &sqlError) const
{
    return QStringLiteral("automation queue in %1: %2: %3").arg(m_path, what, sqlError);
}

bool AutomationStore::open(QString *error)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSqlDatabase db = QSqlDatabase::contains(m_connection)
                          ? QSqlDatabase::database(m_connection, false)
                          : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        *error = QStringLiteral("cannot open the automation queue %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    QSqlQuery query(db);
    const QStringList setup{
        QStringLiteral("PRAGMA busy_timeout=5000"),
        QStringLiteral("PRAGMA journal_mode=WAL"),
        QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS automation_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS automation_repos (repo TEXT PRIMARY KEY, first_scan TEXT NOT NULL, "
                       "last_scan TEXT NOT NULL)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS automation_seen (repo TEXT NOT NULL, ref TEXT NOT NULL, sha TEXT "
                       "NOT NULL, PRIMARY KEY (repo, ref))"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS automation_events (id INTEGER PRIMARY KEY AUTOINCREMENT, kind "
                       "TEXT NOT NULL, repo TEXT NOT NULL, ref TEXT NOT NULL, sha TEXT NOT NULL, previous_sha TEXT, "
                       "branch TEXT, components TEXT, subject TEXT, seen TEXT)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS automation_runs (id INTEGER PRIMARY KEY AUTOINCREMENT, event_id "
                       "INTEGER NOT NULL REFERENCES automation_events(id), lane TEXT NOT NULL, actions TEXT, "
                       "components TEXT, docker TEXT, state TEXT NOT NULL, attempt INTEGER NOT NULL, queued TEXT, "
                       "started TEXT, finished TEXT, message TEXT, superseded_by INTEGER, pid INTEGER)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS automation_runs_state ON automation_runs (state, id)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS automation_runs_lane ON automation_runs (lane, id)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS automation_stages (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id "
                       "INTEGER NOT NULL REFERENCES automation_runs(id), stage TEXT NOT NULL, state TEXT NOT NULL, "
                       "started TEXT, finished TEXT, log_path TEXT, message TEXT)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS automation_stages_run ON automation_stages (run_id, id)"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS automation_backoff (lane TEXT PRIMARY KEY, failures INTEGER NOT "
                       "NULL, sha TEXT, last_failure TEXT, retry_after TEXT, exhausted INTEGER NOT NULL)"),
    };
    for (const QString &statement : setup) {
        if (!query.exec(statement)) {
            *error = failure(QStringLiteral("cannot set up its tables"), query.lastError().text());
            db.close();
            return false;
        }
    }
    // The schema version: written once; a newer one is another program's format, not ours to guess at.
    if (!query.exec(QStringLiteral("SELECT value FROM automation_meta WHERE key = 'schema_version'"))) {
        *error = failure(QStringLiteral("cannot read its schema version"), query.lastError().text());
        db.close();
        return false;
    }
    if (query.next()) {
        bool ok = false;
        const int version = query.value(0).toInt(&ok);
        if (!ok || version > kSchemaVersion) {
            *error = QStringLiteral("automation queue in %1 has schema version '%2'; this mrc reads version %3 and "
                                    "older: use a newer mrc, or move the file aside")
                         .arg(m_path, query.value(0).toString())
                         .arg(kSchemaVersion);
            db.close();
            return false;
        }
    } else if (!query.exec(QStringLiteral("INSERT INTO automation_meta (key, value) VALUES ('schema_version', '%1')")
                               .arg(kSchemaVersion))) {
        *error = failure(QStringLiteral("cannot be written"), query.lastError().text());
        db.close();
        return false;
    }
    return true;
}

qint64 AutomationStore::dataVersion() const
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("PRAGMA data_version")) || !query.next())
        return -1;
    return query.value(0).toLongLong();
}

std::optional<bool> AutomationStore::knowsRepo(const QString &repo, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT 1 FROM automation_repos WHERE repo = :repo"));
    query.bindValue(QStringLiteral(":repo"), repo);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot read the scanned repositories"), query.lastError().text());
        return std::nullopt;
    }
    return query.next();
}

std::optional<QHash<QString, QString>> AutomationStore::seenRefs(const QString &repo, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT ref, sha FROM automation_seen WHERE repo = :repo"));
    query.bindValue(QStringLiteral(":repo"), repo);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot read the seen refs"), query.lastError().text());
        return std::nullopt;
    }
    QHash<QString, QString> refs;
    while (query.next())
        refs.insert(query.value(0).toString(), query.value(1).toString());
    return refs;
}

bool AutomationStore::recordScan(const QString &repo, const QHash<QString, QString> &refs,
                                 QList<AutomationEvent> &events, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        *error = failure(QStringLiteral("cannot record a scan"), db.lastError().text());
        return false;
    }
    QList<AutomationEvent> recorded = events;
    QSqlQuery query(db);
    const auto fail = [&](const QString &what) {
        *error = failure(what, query.lastError().text());
        db.rollback();
        return false;
    };
    for (AutomationEvent &event : recorded) {
        event.id = 0;
        if (!addEvent(event, error)) {
            db.rollback();
            return false;
        }
    }
    query.prepare(QStringLiteral("DELETE FROM automation_seen WHERE repo = :repo"));
    query.bindValue(QStringLiteral(":repo"), repo);
    if (!query.exec())
        return fail(QStringLiteral("cannot record the seen refs"));
    query.prepare(QStringLiteral("INSERT INTO automation_seen (repo, ref, sha) VALUES (:repo, :ref, :sha)"));
    for (auto it = refs.cbegin(); it != refs.cend(); ++it) {
        query.bindValue(QStringLiteral(":repo"), repo);
        query.bindValue(QStringLiteral(":ref"), it.key());
        query.bindValue(QStringLiteral(":sha"), it.value());
        if (!query.exec())
            return fail(QStringLiteral("cannot record the seen refs"));
    }
    const QString now = timeText(QDateTime::currentDateTimeUtc());
    query.prepare(QStringLiteral("INSERT INTO automation_repos (repo, first_scan, last_scan) VALUES (:repo, :first, "
                                 ":last) ON CONFLICT(repo) DO UPDATE SET last_scan = excluded.last_scan"));
    query.bindValue(QStringLiteral(":repo"), repo);
    query.bindValue(QStringLiteral(":first"), now);
    query.bindValue(QStringLiteral(":last"), now);
    if (!query.exec())
        return fail(QStringLiteral("cannot record the scanned repository"));
    if (!db.commit()) {
        *error = failure(QStringLiteral("cannot record a scan"), db.lastError().text());
        db.rollback();
        return false;
    }
    events = recorded;
    return true;
}

bool AutomationStore::addEvent(AutomationEvent &event, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("INSERT INTO automation_events (kind, repo, ref, sha, previous_sha, branch, "
                                 "components, subject, seen) VALUES (:kind, :repo, :ref, :sha, :previous, :branch, "
                                 ":components, :subject, :seen)"));
    if (!event.seen.isValid())
        event.seen = QDateTime::currentDateTimeUtc();
    query.bindValue(QStringLiteral(":kind"), automationEventKindName(event.kind));
    query.bindValue(QStringLiteral(":repo"), event.repo);
    query.bindValue(QStringLiteral(":ref"), event.ref);
    query.bindValue(QStringLiteral(":sha"), event.sha);
    query.bindValue(QStringLiteral(":previous"), event.previousSha);
    query.bindValue(QStringLiteral(":branch"), event.branch);
    query.bindValue(QStringLiteral(":components"), event.components.join(QLatin1Char(',')));
    query.bindValue(QStringLiteral(":subject"), event.subject);
    query.bindValue(QStringLiteral(":seen"), timeText(event.seen));
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot record an event"), query.lastError().text());
        return false;
    }
    event.id = query.lastInsertId().toLongLong();
    return true;
}

std::optional<AutomationEvent> AutomationStore::event(qint64 id, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 FROM automation_events WHERE id = :id").arg(QLatin1String(eventColumns)));
    query.bindValue(QStringLiteral(":id"), id);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot read an event"), query.lastError().text());
        return std::nullopt;
    }
    if (!query.next()) {
        *error = QStringLiteral("automation queue in %1 has no event %2").arg(m_path).arg(id);
        return std::nullopt;
    }
    AutomationEvent e;
    e.id = query.value(0).toLongLong();
    readEvent(query, 1, &e);
    return e;
}

std::optional<QList<AutomationEvent>> AutomationStore::eventsWithoutRun(QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("SELECT %1 FROM automation_events e WHERE NOT EXISTS (SELECT 1 FROM "
                                   "automation_runs r WHERE r.event_id = e.id) ORDER BY id")
                        .arg(QLatin1String(eventColumns)))) {
        *error = failure(QStringLiteral("cannot read the events"), query.lastError().text());
        return std::nullopt;
    }
    QList<AutomationEvent> events;
    while (query.next()) {
        AutomationEvent e;
        e.id = query.value(0).toLongLong();
        readEvent(query, 1, &e);
        events << e;
    }
    return events;
}

namespace {

// Starts a stage (a new row), ends the running one, or records one that ends without having run.
bool writeStageRow(QSqlQuery &query, qint64 runId, RunStage stage, StageState state, const StageRecord *open,
                   const QString &now, const QString &message, const QString &logPath)
{
    const bool running = open && open->state == StageState::Running;
    if (state == StageState::Running || !running) {
        query.prepare(QStringLiteral("INSERT INTO automation_stages (run_id, stage, state, started, finished, "
                                     "log_path, message) VALUES (:run, :stage, :state, :now, :finished, :log, "
                                     ":message)"));
        query.bindValue(QStringLiteral(":run"), runId);
        query.bindValue(QStringLiteral(":stage"), runStageName(stage));
        query.bindValue(QStringLiteral(":state"), stageStateName(state));
        query.bindValue(QStringLiteral(":now"), now);
        query.bindValue(QStringLiteral(":finished"), state == StageState::Running ? QString() : now);
        query.bindValue(QStringLiteral(":log"), logPath);
        query.bindValue(QStringLiteral(":message"), message);
        return query.exec();
    }
    query.prepare(QStringLiteral("UPDATE automation_stages SET state = :state, finished = :now, message = :message, "
                                 "log_path = COALESCE(NULLIF(:log, ''), log_path) WHERE id = :id"));
    query.bindValue(QStringLiteral(":state"), stageStateName(state));
    query.bindValue(QStringLiteral(":now"), now);
    query.bindValue(QStringLiteral(":message"), message);
    query.bindValue(QStringLiteral(":log"), logPath);
    query.bindValue(QStringLiteral(":id"), open->id);
    return query.exec();
}

bool insertRun(QSqlQuery &query, AutomationRun &run)
{
    query.prepare(QStringLiteral("INSERT INTO automation_runs (event_id, lane, actions, components, docker, state, "
                                 "attempt, queued, started, finished, message, superseded_by, pid) VALUES (:event, "
                                 ":lane, :actions, :components, :docker, :state, :attempt, :queued, :started, "
                                 ":finished, :message, 0, 0)"));
    query.bindValue(QStringLiteral(":event"), run.event.id);
    query.bindValue(QStringLiteral(":lane"), run.lane());
    query.bindValue(QStringLiteral(":actions"), actionsText(run.actions));
    query.bindValue(QStringLiteral(":components"), run.components.join(QLatin1Char(',')));
    query.bindValue(QStringLiteral(":docker"), run.docker.join(QLatin1Char(',')));
    query.bindValue(QStringLiteral(":state"), runStateName(run.state));
    query.bindValue(QStringLiteral(":attempt"), run.attempt);
    query.bindValue(QStringLiteral(":queued"), timeText(run.queued));
    query.bindValue(QStringLiteral(":started"), timeText(run.started));
    query.bindValue(QStringLiteral(":finished"), timeText(run.finished));
    query.bindValue(QStringLiteral(":message"), run.message);
    if (!query.exec())
        return false;
    run.id = query.lastInsertId().toLongLong();
    return true;
}

} // namespace

bool AutomationStore::enqueue(AutomationRun &run, QString *error, QList<qint64> *superseded)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        *error = failure(QStringLiteral("cannot queue a run"), db.lastError().text());
        return false;
    }
    AutomationRun queued = run;
    if (queued.event.id == 0 && !addEvent(queued.event, error)) {
        db.rollback();
        return false;
    }
    queued.state = RunState::Queued;
    queued.queued = QDateTime::currentDateTimeUtc();
    queued.started = {};
    queued.finished = {};
    queued.pid = 0;
    queued.stages.clear();
    QSqlQuery query(db);
    if (!insertRun(query, queued)) {
        *error = failure(QStringLiteral("cannot queue a run"), query.lastError().text());
        db.rollback();
        return false;
    }
    // Older queued runs of the lane are replaced: only the newest commit of a branch is worth building.
    QList<qint64> replaced;
    query.prepare(
        QStringLiteral("SELECT id FROM automation_runs WHERE lane = :lane AND state = 'queued' AND id < :id"));
    query.bindValue(QStringLiteral(":lane"), queued.lane());
    query.bindValue(QStringLiteral(":id"), queued.id);
    if (query.exec()) {
        while (query.next())
            replaced << query.value(0).toLongLong();
    }
    for (qint64 id : replaced) {
        query.prepare(QStringLiteral("UPDATE automation_runs SET state = 'superseded', superseded_by = :by, finished "
                                     "= :now, message = :message WHERE id = :id"));
        query.bindValue(QStringLiteral(":by"), queued.id);
        query.bindValue(QStringLiteral(":now"), timeText(queued.queued));
        query.bindValue(QStringLiteral(":message"),
                        QStringLiteral("superseded by run %1 (%2)").arg(queued.id).arg(queued.event.sha.left(7)));
        query.bindValue(QStringLiteral(":id"), id);
        if (!query.exec()) {
            *error = failure(QStringLiteral("cannot supersede a queued run"), query.lastError().text());
            db.rollback();
            return false;
        }
    }
    if (!db.commit()) {
        *error = failure(QStringLiteral("cannot queue a run"), db.lastError().text());
        db.rollback();
        return false;
    }
    run = queued;
    if (superseded)
        *superseded = replaced;
    return true;
}

bool AutomationStore::skip(AutomationRun &run, const QString &why, QString *error)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        *error = failure(QStringLiteral("cannot record a skipped run"), db.lastError().text());
        return false;
    }
    AutomationRun skipped = run;
    if (skipped.event.id == 0 && !addEvent(skipped.event, error)) {
        db.rollback();
        return false;
    }
    skipped.state = RunState::Skipped;
    skipped.queued = skipped.finished = QDateTime::currentDateTimeUtc();
    skipped.message = why;
    QSqlQuery query(db);
    if (!insertRun(query, skipped) || !db.commit()) {
        *error = failure(QStringLiteral("cannot record a skipped run"), query.lastError().text());
        db.rollback();
        return false;
    }
    run = skipped;
    return true;
}

bool AutomationStore::markStage(qint64 runId, RunStage stage, StageState state, const QString &message, QString *error,
                                const QString &logPath)
{
    std::optional<AutomationRun> current = run(runId, error);
    if (!current)
        return false;
    if (isFinal(current->state)) {
        *error = QStringLiteral("automation queue in %1: run %2 is %3 already; its %4 stage cannot change")
                     .arg(m_path)
                     .arg(runId)
                     .arg(runStateName(current->state), runStageName(stage));
        return false;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        *error = failure(QStringLiteral("cannot record a stage"), db.lastError().text());
        return false;
    }
    const QString now = timeText(QDateTime::currentDateTimeUtc());
    QSqlQuery query(db);
    const auto fail = [&](const QString &what) {
        *error = failure(what, query.lastError().text());
        db.rollback();
        return false;
    };
    if (!writeStageRow(query, runId, stage, state, current->stage(stage), now, message, logPath))
        return fail(QStringLiteral("cannot record a stage"));
    if (state == StageState::Running) {
        query.prepare(QStringLiteral("UPDATE automation_runs SET state = :state, started = COALESCE(NULLIF(started, "
                                     "''), :now), pid = :pid WHERE id = :id"));
        query.bindValue(QStringLiteral(":state"), runStateName(runStateFor(stage)));
        query.bindValue(QStringLiteral(":now"), now);
        query.bindValue(QStringLiteral(":pid"), ownPid());
        query.bindValue(QStringLiteral(":id"), runId);
        if (!query.exec())
            return fail(QStringLiteral("cannot record a stage"));
    } else if (state == StageState::Failed) {
        query.prepare(QStringLiteral("UPDATE automation_runs SET state = 'failed', finished = :now, message = "
                                     ":message WHERE id = :id"));
        query.bindValue(QStringLiteral(":now"), now);
        query.bindValue(QStringLiteral(":message"),
                        message.isEmpty() ? QStringLiteral("%1 failed").arg(runStageName(stage)) : message);
        query.bindValue(QStringLiteral(":id"), runId);
        if (!query.exec())
            return fail(QStringLiteral("cannot record a failed run"));
        if (!countFailure(*current, QDateTime::currentDateTimeUtc(), error)) {
            db.rollback();
            return false;
        }
    }
    if (!db.commit()) {
        *error = failure(QStringLiteral("cannot record a stage"), db.lastError().text());
        db.rollback();
        return false;
    }
    return true;
}

bool AutomationStore::finishRun(qint64 runId, RunState state, const QString &message, QString *error)
{
    if (!isFinal(state)) {
        *error = QStringLiteral("a run ends as done, failed, skipped or superseded, not %1").arg(runStateName(state));
        return false;
    }
    std::optional<AutomationRun> current = run(runId, error);
    if (!current)
        return false;
    if (isFinal(current->state) && !(current->state == RunState::Failed && state == RunState::Failed)) {
        *error = QStringLiteral("automation queue in %1: run %2 is %3 already")
                     .arg(m_path)
                     .arg(runId)
                     .arg(runStateName(current->state));
        return false;
    }
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction()) {
        *error = failure(QStringLiteral("cannot end a run"), db.lastError().text());
        return false;
    }
    QSqlQuery query(db);
    query.prepare(QStringLiteral("UPDATE automation_runs SET state = :state, finished = :now, message = :message "
                                 "WHERE id = :id"));
    query.bindValue(QStringLiteral(":state"), runStateName(state));
    query.bindValue(QStringLiteral(":now"), timeText(QDateTime::currentDateTimeUtc()));
    query.bindValue(QStringLiteral(":message"), message);
    query.bindValue(QStringLiteral(":id"), runId);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot end a run"), query.lastError().text());
        db.rollback();
        return false;
    }
    bool ok = true;
    if (state == RunState::Done)
        ok = clearBackoff(current->lane(), error);
    else if (state == RunState::Failed && current->state != RunState::Failed) // a failed stage counted it already
        ok = countFailure(*current, QDateTime::currentDateTimeUtc(), error);
    if (!ok || !db.commit()) {
        if (ok)
            *error = failure(QStringLiteral("cannot end a run"), db.lastError().text());
        db.rollback();
        return false;
    }
    return true;
}

} // namespace mrc
