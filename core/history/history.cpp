// SPDX-License-Identifier: Apache-2.0
#include "history/history.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QVariant>
#include <cerrno>
#include <csignal>

namespace mrc {

namespace {

QAtomicInteger<quint64> connectionCounter;

constexpr char columns[] = "id, kind, component, branch, docker, engine, git_commit, base_commit, tag, image_id, "
                           "state, started, finished, log_path, message, pid";

constexpr char testColumns[] = "id, run_id, component, branch, docker, engine, git_commit, tag, image_id, test, kind, "
                               "state, started, finished, log_path, message, pid";

bool processIsAlive(qint64 pid)
{
    // kill(pid, 0) checks existence without signalling; EPERM means it exists but is not ours.
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

QString dataRoot()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/mrc");
}

JobRecord fromQuery(const QSqlQuery &query)
{
    JobRecord r;
    r.id = query.value(0).toLongLong();
    r.kind = query.value(1).toString();
    r.component = query.value(2).toString();
    r.branch = query.value(3).toString();
    r.docker = query.value(4).toString();
    r.engine = query.value(5).toString();
    r.commit = query.value(6).toString();
    r.baseCommit = query.value(7).toString();
    r.tag = query.value(8).toString();
    r.imageId = query.value(9).toString();
    r.state = jobStateFromName(query.value(10).toString());
    r.started = QDateTime::fromString(query.value(11).toString(), Qt::ISODateWithMs);
    r.finished = QDateTime::fromString(query.value(12).toString(), Qt::ISODateWithMs);
    r.logPath = query.value(13).toString();
    r.message = query.value(14).toString();
    r.pid = query.value(15).toLongLong();
    return r;
}

void bindRecord(QSqlQuery &query, const JobRecord &r)
{
    query.bindValue(QStringLiteral(":kind"), r.kind);
    query.bindValue(QStringLiteral(":component"), r.component);
    query.bindValue(QStringLiteral(":branch"), r.branch);
    query.bindValue(QStringLiteral(":docker"), r.docker);
    query.bindValue(QStringLiteral(":engine"), r.engine);
    query.bindValue(QStringLiteral(":commit"), r.commit);
    query.bindValue(QStringLiteral(":base"), r.baseCommit);
    query.bindValue(QStringLiteral(":tag"), r.tag);
    query.bindValue(QStringLiteral(":image"), r.imageId);
    query.bindValue(QStringLiteral(":state"), jobStateName(r.state));
    query.bindValue(QStringLiteral(":started"),
                    r.started.isValid() ? r.started.toUTC().toString(Qt::ISODateWithMs) : QString());
    query.bindValue(QStringLiteral(":finished"),
                    r.finished.isValid() ? r.finished.toUTC().toString(Qt::ISODateWithMs) : QString());
    query.bindValue(QStringLiteral(":log"), r.logPath);
    query.bindValue(QStringLiteral(":message"), r.message);
}

TestRecord testFromQuery(const QSqlQuery &query)
{
    TestRecord r;
    r.id = query.value(0).toLongLong();
    r.runId = query.value(1).toString();
    r.component = query.value(2).toString();
    r.branch = query.value(3).toString();
    r.docker = query.value(4).toString();
    r.engine = query.value(5).toString();
    r.commit = query.value(6).toString();
    r.tag = query.value(7).toString();
    r.imageId = query.value(8).toString();
    r.test = query.value(9).toString();
    r.kind = query.value(10).toString();
    r.state = testStateFromName(query.value(11).toString());
    r.started = QDateTime::fromString(query.value(12).toString(), Qt::ISODateWithMs);
    r.finished = QDateTime::fromString(query.value(13).toString(), Qt::ISODateWithMs);
    r.logPath = query.value(14).toString();
    r.message = query.value(15).toString();
    r.pid = query.value(16).toLongLong();
    return r;
}

void bindTest(QSqlQuery &query, const TestRecord &r)
{
    query.bindValue(QStringLiteral(":run"), r.runId);
    query.bindValue(QStringLiteral(":component"), r.component);
    query.bindValue(QStringLiteral(":branch"), r.branch);
    query.bindValue(QStringLiteral(":docker"), r.docker);
    query.bindValue(QStringLiteral(":engine"), r.engine);
    query.bindValue(QStringLiteral(":commit"), r.commit);
    query.bindValue(QStringLiteral(":tag"), r.tag);
    query.bindValue(QStringLiteral(":image"), r.imageId);
    query.bindValue(QStringLiteral(":test"), r.test);
    query.bindValue(QStringLiteral(":kind"), r.kind);
    query.bindValue(QStringLiteral(":state"), testStateName(r.state));
    query.bindValue(QStringLiteral(":started"),
                    r.started.isValid() ? r.started.toUTC().toString(Qt::ISODateWithMs) : QString());
    query.bindValue(QStringLiteral(":finished"),
                    r.finished.isValid() ? r.finished.toUTC().toString(Qt::ISODateWithMs) : QString());
    query.bindValue(QStringLiteral(":log"), r.logPath);
    query.bindValue(QStringLiteral(":message"), r.message);
}

// The columns of `wanted` ("a, b, c") that the table lacks, comma-separated; empty when it has them all.
QString missingColumns(const QSqlDatabase &db, const QString &table, const QString &wanted)
{
    QSqlQuery query(db);
    QStringList have;
    if (query.exec(QStringLiteral("PRAGMA table_info(%1)").arg(table))) {
        while (query.next())
            have.append(query.value(1).toString());
    }
    QStringList missing;
    for (const QString &column : wanted.split(QStringLiteral(", "))) {
        if (!have.contains(column))
            missing.append(column);
    }
    return missing.join(QStringLiteral(", "));
}

} // namespace

QString testStateName(TestState state)
{
    switch (state) {
    case TestState::Untested:
        return QStringLiteral("untested");
    case TestState::Queued:
        return QStringLiteral("queued");
    case TestState::Testing:
        return QStringLiteral("testing");
    case TestState::Passed:
        return QStringLiteral("passed");
    case TestState::Failed:
        return QStringLiteral("failed");
    case TestState::Cancelled:
        return QStringLiteral("cancelled");
    case TestState::Stale:
        return QStringLiteral("stale");
    }
    return {};
}

TestState testStateFromName(const QString &name)
{
    for (TestState state : {TestState::Untested, TestState::Queued, TestState::Testing, TestState::Passed,
                            TestState::Failed, TestState::Cancelled, TestState::Stale}) {
        if (testStateName(state) == name)
            return state;
    }
    return TestState::Untested;
}

double TestRecord::durationSeconds() const
{
    if (!started.isValid())
        return 0;
    const QDateTime end = finished.isValid() ? finished : QDateTime::currentDateTimeUtc();
    return started.msecsTo(end) / 1000.0;
}

History::History(const QString &path)
    : m_path(path), m_connection(QStringLiteral("mrc-history-%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
{
}

History::~History()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        if (db.isValid())
            db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

QString History::defaultPath()
{
    return dataRoot() + QStringLiteral("/history.sqlite");
}

QString History::defaultLogDirectory()
{
    return dataRoot() + QStringLiteral("/logs");
}

bool History::open(QString *error, int *interrupted)
{
    QDir().mkpath(QFileInfo(m_path).absolutePath());
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open()) {
        *error = QStringLiteral("cannot open the history database %1: %2").arg(m_path, db.lastError().text());
        return false;
    }
    QSqlQuery query(db);
    const QStringList setup{
        // First, so that a database another process holds is waited for, not reported locked at once.
        QStringLiteral("PRAGMA busy_timeout=5000"),
        QStringLiteral("PRAGMA journal_mode=WAL"),
        QStringLiteral("PRAGMA synchronous=NORMAL"),
        QStringLiteral("CREATE TABLE IF NOT EXISTS jobs (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
                       "component TEXT NOT NULL, branch TEXT NOT NULL, docker TEXT NOT NULL, engine TEXT, "
                       "git_commit TEXT, base_commit TEXT, tag TEXT, image_id TEXT, state TEXT NOT NULL, "
                       "started TEXT, finished TEXT, log_path TEXT, message TEXT)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS jobs_cell ON jobs (component, branch, docker, id)"),
        // Added with container tests; older databases simply gain the table.
        QStringLiteral("CREATE TABLE IF NOT EXISTS tests (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, "
                       "component TEXT NOT NULL, branch TEXT NOT NULL, docker TEXT NOT NULL, engine TEXT, "
                       "git_commit TEXT, tag TEXT, image_id TEXT, test TEXT NOT NULL, kind TEXT NOT NULL, "
                       "state TEXT NOT NULL, started TEXT, finished TEXT, log_path TEXT, message TEXT, pid INTEGER)"),
        QStringLiteral("CREATE INDEX IF NOT EXISTS tests_cell ON tests (component, branch, docker, test, id)"),
    };
    // Databases written before jobs recorded their process get the column; failing because it exists is fine.
    const QString addPid = QStringLiteral("ALTER TABLE jobs ADD COLUMN pid INTEGER");
    for (const QString &statement : setup) {
        if (!query.exec(statement)) {
            *error = QStringLiteral("history database %1: %2").arg(m_path, query.lastError().text());
            return false;
        }
    }
    query.exec(addPid);
    // A database that another program made, or an older one we cannot read, is named rather than read as empty.
    const QString foreign =
        missingColumns(db, QStringLiteral("jobs"), QString::fromLatin1(columns) + QStringLiteral(", pid"));
    const QString foreignTests =
        missingColumns(db, QStringLiteral("tests"), QString::fromLatin1(testColumns) + QStringLiteral(", pid"));
    if (!foreign.isEmpty() || !foreignTests.isEmpty()) {
        *error = QStringLiteral("history database %1: its table '%2' was not made by mrc (no column %3); move the "
                                "file aside to start a new history")
                     .arg(m_path, foreign.isEmpty() ? QStringLiteral("tests") : QStringLiteral("jobs"),
                          foreign.isEmpty() ? foreignTests : foreign);
        return false;
    }
    // SQLite opens a file it cannot write (read-only, immutable) read-only without a word: try a write, undone.
    if (!query.exec(QStringLiteral("BEGIN IMMEDIATE")) ||
        !query.exec(QStringLiteral("INSERT INTO jobs (kind, component, branch, docker, state) VALUES ('probe', '', "
                                   "'', '', 'queued')"))) {
        *error = QStringLiteral("history database %1 cannot be written: %2").arg(m_path, query.lastError().text());
        query.exec(QStringLiteral("ROLLBACK"));
        return false;
    }
    query.exec(QStringLiteral("ROLLBACK"));
    // Jobs left queued or building whose process is gone belong to a console that died: they are interrupted,
    // their logs kept as they are. Jobs of a console that still runs (another window, an `mrc build`) stay.
    int marked = 0;
    QList<qint64> dead;
    if (query.exec(QStringLiteral("SELECT id, pid FROM jobs WHERE state IN ('queued', 'building')"))) {
        while (query.next()) {
            if (!processIsAlive(query.value(1).toLongLong()))
                dead.append(query.value(0).toLongLong());
        }
    }
    for (qint64 id : dead) {
        query.prepare(QStringLiteral("UPDATE jobs SET state = 'interrupted', message = 'the console stopped while "
                                     "this job ran' WHERE id = :id"));
        query.bindValue(QStringLiteral(":id"), id);
        if (!query.exec()) {
            *error = QStringLiteral("history database %1: %2").arg(m_path, query.lastError().text());
            return false;
        }
        ++marked;
    }
    // Tests of a console that died stay failed, not testing forever; their containers carry the run's label.
    QList<qint64> deadTests;
    if (query.exec(QStringLiteral("SELECT id, pid FROM tests WHERE state IN ('queued', 'testing')"))) {
        while (query.next()) {
            if (!processIsAlive(query.value(1).toLongLong()))
                deadTests.append(query.value(0).toLongLong());
        }
    }
    for (qint64 id : deadTests) {
        query.prepare(QStringLiteral("UPDATE tests SET state = 'failed', message = 'interrupted: the console stopped "
                                     "while this test ran' WHERE id = :id"));
        query.bindValue(QStringLiteral(":id"), id);
        query.exec();
    }
    if (interrupted)
        *interrupted = marked;
    return true;
}

bool History::addTest(TestRecord &record, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("INSERT INTO tests (run_id, component, branch, docker, engine, git_commit, tag, "
                                 "image_id, test, kind, state, started, finished, log_path, message, pid) VALUES "
                                 "(:run, :component, :branch, :docker, :engine, :commit, :tag, :image, :test, :kind, "
                                 ":state, :started, :finished, :log, :message, :pid)"));
    bindTest(query, record);
    query.bindValue(QStringLiteral(":pid"), record.pid > 0 ? record.pid : QCoreApplication::applicationPid());
    if (!query.exec()) {
        if (error)
            *error = query.lastError().text();
        return false;
    }
    record.id = query.lastInsertId().toLongLong();
    return true;
}

bool History::updateTest(const TestRecord &record, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("UPDATE tests SET run_id = :run, component = :component, branch = :branch, "
                                 "docker = :docker, engine = :engine, git_commit = :commit, tag = :tag, "
                                 "image_id = :image, test = :test, kind = :kind, state = :state, started = :started, "
                                 "finished = :finished, log_path = :log, message = :message WHERE id = :id"));
    bindTest(query, record);
    query.bindValue(QStringLiteral(":id"), record.id);
    if (!query.exec()) {
        if (error)
            *error = query.lastError().text();
        return false;
    }
    return true;
}

std::optional<TestRecord> History::test(qint64 id) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT %1 FROM tests WHERE id = :id").arg(QLatin1String(testColumns)));
    query.bindValue(QStringLiteral(":id"), id);
    if (query.exec() && query.next())
        return testFromQuery(query);
    return std::nullopt;
}

QList<TestRecord> History::latestTests(const QString &component, const QString &branch, const QString &docker) const
{
    QList<TestRecord> records;
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT %1 FROM tests WHERE id IN (SELECT MAX(id) FROM tests WHERE component = "
                                 ":component AND branch = :branch AND docker = :docker GROUP BY test) ORDER BY id")
                      .arg(QLatin1String(testColumns)));
    query.bindValue(QStringLiteral(":component"), component);
    query.bindValue(QStringLiteral(":branch"), branch);
    query.bindValue(QStringLiteral(":docker"), docker);
    if (query.exec()) {
        while (query.next())
            records.append(testFromQuery(query));
    }
    return records;
}

QList<TestRecord> History::recentTests(int limit) const
{
    QList<TestRecord> records;
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT %1 FROM tests ORDER BY id DESC LIMIT :limit").arg(QLatin1String(testColumns)));
    query.bindValue(QStringLiteral(":limit"), limit);
    if (query.exec()) {
        while (query.next())
            records.append(testFromQuery(query));
    }
    return records;
}

QString History::latestImageId(const QString &component, const QString &branch, const QString &docker) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT image_id FROM jobs WHERE component = :component AND branch = :branch AND "
                                 "docker = :docker AND state IN ('built', 'up-to-date') AND image_id != '' "
                                 "ORDER BY id DESC LIMIT 1"));
    query.bindValue(QStringLiteral(":component"), component);
    query.bindValue(QStringLiteral(":branch"), branch);
    query.bindValue(QStringLiteral(":docker"), docker);
    if (query.exec() && query.next())
        return query.value(0).toString();
    return {};
}

bool History::add(JobRecord &record, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("INSERT INTO jobs (kind, component, branch, docker, engine, git_commit, base_commit, "
                                 "tag, image_id, state, started, finished, log_path, message, pid) VALUES (:kind, "
                                 ":component, :branch, :docker, :engine, :commit, :base, :tag, :image, :state, "
                                 ":started, :finished, :log, :message, :pid)"));
    bindRecord(query, record);
    query.bindValue(QStringLiteral(":pid"), record.pid > 0 ? record.pid : QCoreApplication::applicationPid());
    if (!query.exec()) {
        if (error)
            *error = query.lastError().text();
        return false;
    }
    record.id = query.lastInsertId().toLongLong();
    return true;
}

bool History::update(const JobRecord &record, QString *error)
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("UPDATE jobs SET kind = :kind, component = :component, branch = :branch, "
                                 "docker = :docker, engine = :engine, git_commit = :commit, base_commit = :base, "
                                 "tag = :tag, image_id = :image, state = :state, started = :started, "
                                 "finished = :finished, log_path = :log, message = :message WHERE id = :id"));
    bindRecord(query, record);
    query.bindValue(QStringLiteral(":id"), record.id);
    if (!query.exec()) {
        if (error)
            *error = query.lastError().text();
        return false;
    }
    return true;
}

qint64 History::dataVersion() const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    if (query.exec(QStringLiteral("PRAGMA data_version")) && query.next())
        return query.value(0).toLongLong();
    return -1;
}

QList<JobRecord> History::recent(int limit) const
{
    QList<JobRecord> records;
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT %1 FROM jobs ORDER BY id DESC LIMIT :limit").arg(QLatin1String(columns)));
    query.bindValue(QStringLiteral(":limit"), limit);
    if (query.exec()) {
        while (query.next())
            records.append(fromQuery(query));
    }
    return records;
}

std::optional<JobRecord> History::job(qint64 id) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT %1 FROM jobs WHERE id = :id").arg(QLatin1String(columns)));
    query.bindValue(QStringLiteral(":id"), id);
    if (query.exec() && query.next())
        return fromQuery(query);
    return std::nullopt;
}

std::optional<JobRecord> History::latest(const QString &component, const QString &branch, const QString &docker) const
{
    QSqlQuery query(QSqlDatabase::database(m_connection));
    query.prepare(QStringLiteral("SELECT %1 FROM jobs WHERE component = :component AND branch = :branch AND "
                                 "docker = :docker ORDER BY id DESC LIMIT 1")
                      .arg(QLatin1String(columns)));
    query.bindValue(QStringLiteral(":component"), component);
    query.bindValue(QStringLiteral(":branch"), branch);
    query.bindValue(QStringLiteral(":docker"), docker);
    if (query.exec() && query.next())
        return fromQuery(query);
    return std::nullopt;
}

} // namespace mrc
