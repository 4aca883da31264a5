// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/jobstate.h"

#include <QDateTime>
#include <QList>
#include <QString>
#include <optional>

namespace mrc {

/** One row of the history: a job, what it built from, how it ended and where its log is. */
struct JobRecord
{
    qint64 id = 0;
    QString kind = QStringLiteral("build");
    QString component;
    QString branch;
    QString docker;
    QString engine;
    QString commit;
    QString baseCommit;
    QString tag;
    QString imageId;
    JobState state = JobState::Queued;
    QDateTime started;
    QDateTime finished;
    QString logPath;
    QString message;
    qint64 pid = 0; // the process running the job; 0: this process (set by add())
};

/** Where one container test stands. The names are what the CLI prints and the history database stores. */
enum class TestState
{
    Untested,
    Queued,
    Testing,
    Passed,
    Failed,
    Cancelled,
    Stale, // never stored: a result whose image is no longer the cell's image
};

QString testStateName(TestState state);
TestState testStateFromName(const QString &name);

/** One row of the `tests` table: one test of one cell's image, in one run. */
struct TestRecord
{
    qint64 id = 0;
    QString runId; // the same for every test started together; also the containers' label value
    QString component;
    QString branch;
    QString docker;
    QString engine;
    QString commit;
    QString tag;     // the image tested, monasca/api:master
    QString imageId; // its id at test time: a later build with another id makes the result stale
    QString test;
    QString kind; // run, health or stack
    TestState state = TestState::Queued;
    QDateTime started;
    QDateTime finished;
    QString logPath;
    QString message;
    qint64 pid = 0;

    double durationSeconds() const;
};

/**
 * The job history in SQLite (WAL), one row per job, written as the job goes so that a crash loses nothing. Each
 * row records the process that runs it: a job still queued or building whose process is gone when the database is
 * opened again was running when that console died, and becomes interrupted. Use one instance per thread.
 */
class History
{
public:
    explicit History(const QString &path = defaultPath());
    ~History();
    History(const History &) = delete;
    History &operator=(const History &) = delete;

    /** $XDG_DATA_HOME/mrc/history.sqlite */
    static QString defaultPath();
    /** $XDG_DATA_HOME/mrc/logs: one file per job. */
    static QString defaultLogDirectory();

    /** Opens or creates the database; marks jobs of a dead console interrupted (*interrupted gets how many). */
    bool open(QString *error, int *interrupted = nullptr);
    QString path() const { return m_path; }

    /** Inserts the record and sets its id. */
    bool add(JobRecord &record, QString *error = nullptr);
    bool update(const JobRecord &record, QString *error = nullptr);

    /** SQLite's data_version: it changes when another connection (another process) commits; -1 on error. */
    qint64 dataVersion() const;

    QList<JobRecord> recent(int limit = 200) const;
    std::optional<JobRecord> job(qint64 id) const;
    std::optional<JobRecord> latest(const QString &component, const QString &branch, const QString &docker) const;

    bool addTest(TestRecord &record, QString *error = nullptr);
    bool updateTest(const TestRecord &record, QString *error = nullptr);
    std::optional<TestRecord> test(qint64 id) const;
    /** The latest result of each test of the cell, in the order they ran. */
    QList<TestRecord> latestTests(const QString &component, const QString &branch, const QString &docker) const;
    QList<TestRecord> recentTests(int limit = 200) const;
    /** The image id of the cell's latest successful build (built or up to date); empty when none. */
    QString latestImageId(const QString &component, const QString &branch, const QString &docker) const;

private:
    QString m_path;
    QString m_connection;
};

} // namespace mrc
