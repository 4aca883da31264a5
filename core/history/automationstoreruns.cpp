// SPDX-License-Identifier: Apache-2.0
// AutomationStore's reading half: runs with their events and stages, the queue's next run, interrupted runs, and
// the back-off of failing lanes.
#include "history/automationstore.h"
#include "history/automationstoreprivate.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

namespace mrc {

std::optional<QList<AutomationRun>> AutomationStore::selectRuns(const QString &where, const QVariantList &values,
                                                                int limit, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT %1 FROM automation_runs r JOIN automation_events e ON e.id = r.event_id %2 "
                                 "ORDER BY r.id DESC LIMIT %3")
                      .arg(QLatin1String(runColumns), where)
                      .arg(limit > 0 ? limit : -1));
    for (int i = 0; i < values.size(); ++i)
        query.bindValue(i, values.at(i));
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot read the runs"), query.lastError().text());
        return std::nullopt;
    }
    QList<AutomationRun> runs;
    while (query.next()) {
        AutomationRun r;
        r.id = query.value(0).toLongLong();
        r.event.id = query.value(1).toLongLong();
        r.actions = actionsFrom(query.value(2));
        r.components = listFrom(query.value(3));
        r.docker = listFrom(query.value(4));
        const std::optional<RunState> state = runStateFromName(query.value(5).toString());
        if (!state) {
            *error = QStringLiteral("automation queue in %1: run %2 has an unknown state '%3'")
                         .arg(m_path)
                         .arg(r.id)
                         .arg(query.value(5).toString());
            return std::nullopt;
        }
        r.state = *state;
        r.attempt = query.value(6).toInt();
        r.queued = timeFrom(query.value(7));
        r.started = timeFrom(query.value(8));
        r.finished = timeFrom(query.value(9));
        r.message = query.value(10).toString();
        r.supersededBy = query.value(11).toLongLong();
        r.pid = query.value(12).toLongLong();
        readEvent(query, 13, &r.event);
        runs << r;
    }
    if (!loadStages(runs, error))
        return std::nullopt;
    return runs;
}

bool AutomationStore::loadStages(QList<AutomationRun> &runs, QString *error)
{
    if (runs.isEmpty())
        return true;
    QHash<qint64, qsizetype> index;
    QStringList ids;
    for (qsizetype i = 0; i < runs.size(); ++i) {
        index.insert(runs[i].id, i);
        ids << QString::number(runs[i].id);
    }
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("SELECT id, run_id, stage, state, started, finished, log_path, message FROM "
                                   "automation_stages WHERE run_id IN (%1) ORDER BY id")
                        .arg(ids.join(QLatin1Char(','))))) {
        *error = failure(QStringLiteral("cannot read the stages"), query.lastError().text());
        return false;
    }
    while (query.next()) {
        StageRecord s;
        s.id = query.value(0).toLongLong();
        s.runId = query.value(1).toLongLong();
        const std::optional<RunStage> stage = runStageFromName(query.value(2).toString());
        const std::optional<StageState> state = stageStateFromName(query.value(3).toString());
        if (!stage || !state) {
            *error = QStringLiteral("automation queue in %1: stage row %2 has an unknown stage or state ('%3', '%4')")
                         .arg(m_path)
                         .arg(s.id)
                         .arg(query.value(2).toString(), query.value(3).toString());
            return false;
        }
        s.stage = *stage;
        s.state = *state;
        s.started = timeFrom(query.value(4));
        s.finished = timeFrom(query.value(5));
        s.logPath = query.value(6).toString();
        s.message = query.value(7).toString();
        runs[index.value(s.runId)].stages << s;
    }
    return true;
}

std::optional<AutomationRun> AutomationStore::run(qint64 id, QString *error)
{
    const std::optional<QList<AutomationRun>> found =
        selectRuns(QStringLiteral("WHERE r.id = ?"), {QVariant(id)}, 1, error);
    if (!found)
        return std::nullopt;
    if (found->isEmpty()) {
        *error = QStringLiteral("automation queue in %1 has no run %2").arg(m_path).arg(id);
        return std::nullopt;
    }
    return found->first();
}

std::optional<QList<AutomationRun>> AutomationStore::runs(int limit, QString *error)
{
    return selectRuns(QString(), {}, limit, error);
}

std::optional<AutomationRun> AutomationStore::nextQueued(QString *error, const QDateTime &now)
{
    error->clear();
    std::optional<QList<AutomationRun>> queued = selectRuns(QStringLiteral("WHERE r.state = 'queued'"), {}, 0, error);
    if (!queued)
        return std::nullopt;
    // Oldest first; a run claimed by a process that still lives belongs to that process.
    for (auto it = queued->crbegin(); it != queued->crend(); ++it) {
        if (it->pid != 0 && it->pid != ownPid() && processIsAlive(it->pid))
            continue;
        QString why;
        const std::optional<bool> may = mayRun(it->lane(), it->event.sha, now, &why, error);
        if (!may)
            return std::nullopt;
        if (!*may)
            continue;
        QSqlQuery query(QSqlDatabase::database(m_connection, false));
        query.prepare(QStringLiteral("UPDATE automation_runs SET pid = :pid WHERE id = :id AND state = 'queued' AND "
                                     "pid = :old"));
        query.bindValue(QStringLiteral(":pid"), ownPid());
        query.bindValue(QStringLiteral(":id"), it->id);
        query.bindValue(QStringLiteral(":old"), it->pid);
        if (!query.exec()) {
            *error = failure(QStringLiteral("cannot claim a queued run"), query.lastError().text());
            return std::nullopt;
        }
        if (query.numRowsAffected() != 1)
            continue; // another watcher took it in the meantime
        AutomationRun claimed = *it;
        claimed.pid = ownPid();
        return claimed;
    }
    return std::nullopt;
}

std::optional<QList<AutomationRun>> AutomationStore::interrupted(QString *error)
{
    std::optional<QList<AutomationRun>> active =
        selectRuns(QStringLiteral("WHERE r.state IN ('building', 'testing', 'pushing')"), {}, 0, error);
    if (!active)
        return std::nullopt;
    QList<AutomationRun> dead;
    for (auto it = active->crbegin(); it != active->crend(); ++it) {
        if (!processIsAlive(it->pid))
            dead << *it;
    }
    return dead;
}

bool AutomationStore::adopt(qint64 runId, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("UPDATE automation_runs SET pid = :pid WHERE id = :id"));
    query.bindValue(QStringLiteral(":pid"), ownPid());
    query.bindValue(QStringLiteral(":id"), runId);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot take over a run"), query.lastError().text());
        return false;
    }
    if (query.numRowsAffected() != 1) {
        *error = QStringLiteral("automation queue in %1 has no run %2").arg(m_path).arg(runId);
        return false;
    }
    // A stage that was running when its process died is over: the resumed run starts it again.
    query.prepare(QStringLiteral("UPDATE automation_stages SET state = 'failed', finished = :now, message = "
                                 "'interrupted: the watcher stopped during this stage' WHERE run_id = :id AND state = "
                                 "'running'"));
    query.bindValue(QStringLiteral(":now"), timeText(QDateTime::currentDateTimeUtc()));
    query.bindValue(QStringLiteral(":id"), runId);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot take over a run"), query.lastError().text());
        return false;
    }
    return true;
}

std::optional<BackoffRecord> AutomationStore::backoff(const QString &lane, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("SELECT failures, sha, last_failure, retry_after, exhausted FROM automation_backoff "
                                 "WHERE lane = :lane"));
    query.bindValue(QStringLiteral(":lane"), lane);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot read the back-off"), query.lastError().text());
        return std::nullopt;
    }
    BackoffRecord record;
    record.lane = lane;
    if (query.next()) {
        record.failures = query.value(0).toInt();
        record.sha = query.value(1).toString();
        record.lastFailure = timeFrom(query.value(2));
        record.retryAfter = timeFrom(query.value(3));
        record.exhausted = query.value(4).toInt() != 0;
    }
    return record;
}

bool AutomationStore::countFailure(const AutomationRun &run, const QDateTime &when, QString *error)
{
    const std::optional<BackoffRecord> before = backoff(run.lane(), error);
    if (!before)
        return false;
    // A new commit starts the count again; the same commit failing again doubles the wait.
    const int failures = before->sha == run.event.sha ? before->failures + 1 : 1;
    const bool exhausted = failures > m_backoff.retries;
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("INSERT OR REPLACE INTO automation_backoff (lane, failures, sha, last_failure, "
                                 "retry_after, exhausted) VALUES (:lane, :failures, :sha, :last, :retry, :exhausted)"));
    query.bindValue(QStringLiteral(":lane"), run.lane());
    query.bindValue(QStringLiteral(":failures"), failures);
    query.bindValue(QStringLiteral(":sha"), run.event.sha);
    query.bindValue(QStringLiteral(":last"), timeText(when));
    query.bindValue(QStringLiteral(":retry"), timeText(when.addSecs(m_backoff.delayAfter(failures))));
    query.bindValue(QStringLiteral(":exhausted"), exhausted ? 1 : 0);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot record the back-off"), query.lastError().text());
        return false;
    }
    return true;
}

bool AutomationStore::clearBackoff(const QString &lane, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    query.prepare(QStringLiteral("DELETE FROM automation_backoff WHERE lane = :lane"));
    query.bindValue(QStringLiteral(":lane"), lane);
    if (!query.exec()) {
        *error = failure(QStringLiteral("cannot clear the back-off"), query.lastError().text());
        return false;
    }
    return true;
}

std::optional<bool> AutomationStore::mayRun(const QString &lane, const QString &sha, const QDateTime &now, QString *why,
                                            QString *error)
{
    const std::optional<BackoffRecord> record = backoff(lane, error);
    if (!record)
        return std::nullopt;
    if (record->failures == 0 || record->sha != sha)
        return true;
    if (record->exhausted) {
        if (why)
            *why = QStringLiteral("%1 failed %2 times; waiting for the next commit")
                       .arg(sha.left(7))
                       .arg(record->failures);
        return false;
    }
    if (now < record->retryAfter) {
        if (why)
            *why = QStringLiteral("%1 failed %2 times; backing off until %3")
                       .arg(sha.left(7))
                       .arg(record->failures)
                       .arg(record->retryAfter.toString(Qt::ISODate));
        return false;
    }
    return true;
}

std::optional<QList<AutomationRun>> AutomationStore::requeueDue(const QDateTime &now, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection, false));
    if (!query.exec(QStringLiteral("SELECT lane, sha, retry_after FROM automation_backoff WHERE failures > 0 AND "
                                   "exhausted = 0"))) {
        *error = failure(QStringLiteral("cannot read the back-off"), query.lastError().text());
        return std::nullopt;
    }
    QList<QPair<QString, QString>> due;
    while (query.next()) {
        if (timeFrom(query.value(2)) <= now)
            due.append({query.value(0).toString(), query.value(1).toString()});
    }
    QList<AutomationRun> requeued;
    for (const auto &[lane, sha] : due) {
        // Only when the lane's newest run is the failed one: a newer commit's run replaces the retry.
        const std::optional<QList<AutomationRun>> latest =
            selectRuns(QStringLiteral("WHERE r.lane = ?"), {QVariant(lane)}, 1, error);
        if (!latest)
            return std::nullopt;
        if (latest->isEmpty() || latest->first().state != RunState::Failed || latest->first().event.sha != sha)
            continue;
        AutomationRun retry = latest->first();
        retry.attempt += 1;
        retry.message.clear();
        retry.supersededBy = 0;
        if (!enqueue(retry, error))
            return std::nullopt;
        requeued << retry;
    }
    return requeued;
}

} // namespace mrc
