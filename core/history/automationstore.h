// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/automationrun.h"

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QString>
#include <QVariantList>
#include <optional>

namespace mrc {

/**
 * The watcher's durable queue, in the history's SQLite file (History::defaultPath()) with tables of its own
 * (automation_*), versioned by automation_meta's schema_version: the refs the scanner has seen, the events it
 * found, the pipeline runs with their stages, and the back-off of failing lanes. Every write is committed as it
 * happens, so a killed watcher loses nothing and the next one resumes. Every call reports its failure in *error
 * (a database that cannot be read or written is an error, never an empty queue). Use one instance per thread.
 */
class AutomationStore
{
public:
    /** The schema this build writes; a database with a newer one is refused. */
    static constexpr int kSchemaVersion = 1;

    explicit AutomationStore(const QString &path);
    ~AutomationStore();
    AutomationStore(const AutomationStore &) = delete;
    AutomationStore &operator=(const AutomationStore &) = delete;

    /** Opens or creates the database and the tables; false with *error naming the file and what is wrong. */
    bool open(QString *error);
    QString path() const { return m_path; }
    /** SQLite's data_version: changes when another connection commits; -1 on error. */
    qint64 dataVersion() const;

    // --- the scanner's memory ---------------------------------------------------------------------------------

    /** True once the repository was scanned: its refs were recorded at least once. */
    std::optional<bool> knowsRepo(const QString &repo, QString *error);
    /** ref -> sha of what the scanner last saw in @p repo; nullopt on error. */
    std::optional<QHash<QString, QString>> seenRefs(const QString &repo, QString *error);
    /**
     * In one transaction: records @p events (setting their ids), sets the seen refs of @p repo to @p refs (refs
     * no longer there are forgotten) and marks the repository known. Either all of it is stored or none.
     */
    bool recordScan(const QString &repo, const QHash<QString, QString> &refs, QList<AutomationEvent> &events,
                    QString *error);

    // --- events and runs --------------------------------------------------------------------------------------

    /** Records one event (sets its id). recordScan is what the scanner uses. */
    bool addEvent(AutomationEvent &event, QString *error);
    std::optional<AutomationEvent> event(qint64 id, QString *error);
    /** Events with no run yet (the watcher stopped between scan and enqueue), oldest first. */
    std::optional<QList<AutomationEvent>> eventsWithoutRun(QString *error);

    /**
     * Queues @p run (its event is recorded first when its id is 0); sets its id, state Queued and queued time.
     * A queued run of the same lane, queued before, becomes Superseded by it; their ids go to *superseded.
     */
    bool enqueue(AutomationRun &run, QString *error, QList<qint64> *superseded = nullptr);
    /** Records a run that will not run (the policy or the back-off says no) as Skipped with @p why. */
    bool skip(AutomationRun &run, const QString &why, QString *error);
    /**
     * The oldest queued run whose lane is not backing off at @p now, claimed for this process (its pid set);
     * nullopt with *error empty when there is none.
     */
    std::optional<AutomationRun> nextQueued(QString *error, const QDateTime &now = QDateTime::currentDateTimeUtc());

    /**
     * Records a stage: Running starts it (and moves the run to Building, Testing or Pushing), Done, Failed or
     * Skipped ends it. A Failed stage fails the run and counts a failure for its lane (see backoff()).
     */
    bool markStage(qint64 runId, RunStage stage, StageState state, const QString &message, QString *error,
                   const QString &logPath = {});
    /**
     * Ends a run as Done, Failed, Skipped or Superseded. Done clears its lane's back-off; Failed counts a
     * failure (as a Failed stage does, once per run).
     */
    bool finishRun(qint64 runId, RunState state, const QString &message, QString *error);

    std::optional<AutomationRun> run(qint64 id, QString *error);
    /** The newest @p limit runs, newest first, with their events and stages: what History and Automation show. */
    std::optional<QList<AutomationRun>> runs(int limit, QString *error);
    /**
     * Runs left Building, Testing or Pushing by a process that is gone: the watcher resumes each after its
     * lastFinishedStage(), after adopt().
     */
    std::optional<QList<AutomationRun>> interrupted(QString *error);
    /** Makes this process the owner of an interrupted run. */
    bool adopt(qint64 runId, QString *error);

    // --- back-off ---------------------------------------------------------------------------------------------

    /** The back-off settings that failures use; AutomationPolicy::backoff by default values until set. */
    void setBackoff(const AutomationBackoff &backoff) { m_backoff = backoff; }
    /** The lane's failures; a lane that never failed (or last succeeded) has failures == 0. */
    std::optional<BackoffRecord> backoff(const QString &lane, QString *error);
    /**
     * Whether a run of @p lane at @p sha may start at @p now: a new commit always may (it resets the lane); the
     * commit that failed may only once its back-off ran out and while retries are left. *why says why not.
     */
    std::optional<bool> mayRun(const QString &lane, const QString &sha, const QDateTime &now, QString *why,
                               QString *error);
    /**
     * Queues a retry (attempt + 1) of each failed run whose lane's back-off ran out at @p now and whose commit
     * is still the lane's newest; returns the new runs.
     */
    std::optional<QList<AutomationRun>> requeueDue(const QDateTime &now, QString *error);

private:
    bool countFailure(const AutomationRun &run, const QDateTime &when, QString *error);
    bool clearBackoff(const QString &lane, QString *error);
    std::optional<QList<AutomationRun>> selectRuns(const QString &where, const QVariantList &values, int limit,
                                                   QString *error);
    bool loadStages(QList<AutomationRun> &runs, QString *error);
    QString failure(const QString &what, const QString &sqlError) const;

    QString m_path;
    QString m_connection;
    AutomationBackoff m_backoff;
};

} // namespace mrc
