// SPDX-License-Identifier: Apache-2.0
#include "history/historywatcher.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QTimer>
#include <algorithm>

namespace mrc {

namespace {

// How many of the newest rows each check reads: more than any run starts between two checks.
constexpr int RecentRows = 100;

QString signature(const JobRecord &job)
{
    return jobStateName(job.state) + QLatin1Char('\n') + job.message + QLatin1Char('\n') + job.logPath +
           QLatin1Char('\n') + job.imageId;
}

QString signature(const TestRecord &test)
{
    return testStateName(test.state) + QLatin1Char('\n') + test.message + QLatin1Char('\n') + test.logPath;
}

bool running(const JobRecord &job)
{
    return job.state == JobState::Queued || job.state == JobState::Building;
}

bool running(const TestRecord &test)
{
    return test.state == TestState::Queued || test.state == TestState::Testing;
}

} // namespace

HistoryWatcher::HistoryWatcher(const QString &historyPath, int pollMs, QObject *parent)
    : QObject(parent), m_path(historyPath), m_pollMs(pollMs)
{
}

HistoryWatcher::~HistoryWatcher() = default;

void HistoryWatcher::start()
{
    m_history = std::make_unique<History>(m_path);
    QString error;
    if (!m_history->open(&error)) {
        qWarning("mrc: not following other processes' jobs: %s", qPrintable(error));
        m_history.reset();
        return;
    }
    m_files = new QFileSystemWatcher(this);
    connect(m_files, &QFileSystemWatcher::fileChanged, this, &HistoryWatcher::scheduleCheck);
    connect(m_files, &QFileSystemWatcher::directoryChanged, this, [this] {
        watchFiles(); // the WAL file comes and goes with checkpoints
        scheduleCheck();
    });
    watchFiles();
    m_soon = new QTimer(this);
    m_soon->setSingleShot(true);
    m_soon->setInterval(30); // one read for a burst of writes
    connect(m_soon, &QTimer::timeout, this, &HistoryWatcher::check);
    m_poll = new QTimer(this);
    connect(m_poll, &QTimer::timeout, this, &HistoryWatcher::check);
    m_poll->start(m_pollMs);

    // What is there now is known, except what other processes are still running.
    const qint64 self = QCoreApplication::applicationPid();
    m_dataVersion = m_history->dataVersion();
    QList<JobRecord> jobs;
    for (const JobRecord &job : m_history->recent(RecentRows)) {
        m_jobs.insert(job.id, signature(job));
        if (job.pid != self && running(job))
            jobs.prepend(job);
    }
    QList<TestRecord> tests;
    for (const TestRecord &test : m_history->recentTests(RecentRows)) {
        m_tests.insert(test.id, signature(test));
        if (test.pid != self && running(test))
            tests.prepend(test);
    }
    if (!jobs.isEmpty())
        Q_EMIT jobsChanged(jobs);
    if (!tests.isEmpty())
        Q_EMIT testsChanged(tests);
}

void HistoryWatcher::watchFiles()
{
    const QString dir = QFileInfo(m_path).absolutePath();
    QStringList paths{dir};
    for (const QString &file : {m_path, m_path + QStringLiteral("-wal")}) {
        if (QFileInfo::exists(file))
            paths.append(file);
    }
    const QStringList watched = m_files->files() + m_files->directories();
    paths.removeIf([&watched](const QString &path) { return watched.contains(path); });
    if (!paths.isEmpty())
        m_files->addPaths(paths);
}

void HistoryWatcher::scheduleCheck()
{
    if (m_soon && !m_soon->isActive())
        m_soon->start();
}

void HistoryWatcher::check()
{
    if (!m_history)
        return;
    // data_version moves only when another connection committed: the poll costs one pragma when nothing happened.
    const qint64 version = m_history->dataVersion();
    if (version == m_dataVersion)
        return;
    m_dataVersion = version;
    const qint64 self = QCoreApplication::applicationPid();
    QList<JobRecord> jobs;
    for (const JobRecord &job : m_history->recent(RecentRows)) {
        const QString seen = signature(job);
        auto it = m_jobs.find(job.id);
        if (it != m_jobs.end() && *it == seen)
            continue;
        m_jobs.insert(job.id, seen);
        if (job.pid != self)
            jobs.prepend(job);
    }
    QList<TestRecord> tests;
    for (const TestRecord &test : m_history->recentTests(RecentRows)) {
        const QString seen = signature(test);
        auto it = m_tests.find(test.id);
        if (it != m_tests.end() && *it == seen)
            continue;
        m_tests.insert(test.id, seen);
        if (test.pid != self)
            tests.prepend(test);
    }
    Q_EMIT databaseChanged();
    if (!jobs.isEmpty())
        Q_EMIT jobsChanged(jobs);
    if (!tests.isEmpty())
        Q_EMIT testsChanged(tests);
}

} // namespace mrc
