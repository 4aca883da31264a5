// SPDX-License-Identifier: Apache-2.0
#include "views/historyfollower.h"

#include "git/gitmirror.h"
#include "history/historywatcher.h"
#include "jobs/buildrunner.h"
#include "jobs/buildstatereader.h"
#include "logs/logfailure.h"
#include "models/matrixmodel.h"
#include "views/buildcontroller.h"
#include "views/detailspanel.h"
#include "views/historypage.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QFutureWatcher>
#include <QThread>
#include <QWidget>
#include <QtConcurrent>

namespace mrc {

HistoryFollower::HistoryFollower(MatrixModel *model, DetailsPanel *details, BuildController *builds, QWidget *window)
    : QObject(window), m_model(model), m_details(details), m_builds(builds), m_window(window)
{
}

HistoryFollower::~HistoryFollower()
{
    stop();
}

void HistoryFollower::stop()
{
    if (!m_thread.isRunning())
        return;
    m_thread.stop();
    m_watcher = nullptr;
}

void HistoryFollower::start()
{
    qRegisterMetaType<QList<JobRecord>>();
    qRegisterMetaType<QList<TestRecord>>();
    m_watcher = new HistoryWatcher(History::defaultPath());
    connect(m_watcher, &HistoryWatcher::jobsChanged, this, &HistoryFollower::showOtherJobs);
    connect(m_watcher, &HistoryWatcher::testsChanged, m_builds, &BuildController::applyOtherTests);
    connect(m_watcher, &HistoryWatcher::databaseChanged, this, &HistoryFollower::refreshHistoryPage);
    m_otherLogs = new QFileSystemWatcher(this);
    connect(m_otherLogs, &QFileSystemWatcher::fileChanged, this, [this](const QString &path) {
        if (path == m_details->shownLogPath())
            m_details->logGrew();
    });
    connect(m_otherLogs, &QFileSystemWatcher::directoryChanged, this, &HistoryFollower::logFolderChanged);
    m_thread.start(m_watcher, [watcher = m_watcher] { watcher->start(); });
}

void HistoryFollower::refreshHistoryPage()
{
    // A shown History page reads the rows again; one busy reading now reads again once it is done.
    auto *history = m_window->findChild<HistoryPage *>();
    if (!history || !history->isVisible())
        return;
    if (!history->isLoading())
        history->refresh();
    else
        connect(history, &HistoryPage::loaded, history, &HistoryPage::refresh,
                Qt::ConnectionType(Qt::SingleShotConnection | Qt::UniqueConnection));
}

void HistoryFollower::logFolderChanged()
{
    // A job names its log before the file exists: its folder says when it appears.
    for (auto it = m_otherLogsToCome.begin(); it != m_otherLogsToCome.end();) {
        if (!QFileInfo::exists(*it)) {
            ++it;
            continue;
        }
        m_otherLogs->addPath(*it);
        if (*it == m_details->shownLogPath())
            m_details->logGrew();
        it = m_otherLogsToCome.erase(it);
    }
}

void HistoryFollower::followLog(const QString &logPath, bool final)
{
    if (logPath.isEmpty())
        return;
    if (final) {
        m_otherLogs->removePath(logPath);
        m_otherLogsToCome.remove(logPath);
    } else if (!m_otherLogs->files().contains(logPath) && QFileInfo::exists(logPath)) {
        m_otherLogs->addPath(logPath);
    } else if (!QFileInfo::exists(logPath)) {
        m_otherLogsToCome.insert(logPath);
        const QString folder = QFileInfo(logPath).absolutePath();
        if (!m_otherLogs->directories().contains(folder))
            m_otherLogs->addPath(folder);
    }
}

void HistoryFollower::showOtherJobs(const QList<JobRecord> &jobs)
{
    for (const JobRecord &record : jobs) {
        if (record.kind != QLatin1String("build"))
            continue;
        // Only this manifest's cells: another workspace may name its components and branches the same.
        const Cell *shown = m_model->find(record.component, record.branch, record.docker);
        if (!shown || (!shown->commit.isEmpty() && !record.commit.isEmpty() && shown->commit != record.commit))
            continue;
        const JobUpdate job = BuildStateReader::fromRecord(record);
        if (!m_builds->applyOtherJob(job))
            continue;
        followLog(job.logPath, isFinal(job.state));
        if (job.state == JobState::Failed)
            locateFailure(job, record.commit);
        if (isSuccess(job.state)) {
            if (const Cell *cell = m_model->find(job.component, job.branch, job.docker))
                m_builds->reloadTests({*cell});
        }
    }
}

void HistoryFollower::locateFailure(const JobUpdate &job, const QString &commit)
{
    if (m_located.contains(job.historyId))
        return;
    m_located.insert(job.historyId);
    QString repo;
    QString dockerfilePath;
    if (const ComponentSpec *component = m_details->manifest().component(job.component)) {
        repo = component->repo;
        dockerfilePath = component->context + QStringLiteral("/Dockerfile");
    }
    struct Located
    {
        LogFailure log;
        int dockerfileLine = 0;
    };
    auto *watcher = new QFutureWatcher<Located>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, job] {
        watcher->deleteLater();
        const Located located = watcher->result();
        const JobUpdate *latest = m_builds->latestJob(job.component, job.branch, job.docker);
        if (!latest || latest->historyId != job.historyId || located.log.failingStep.isEmpty())
            return; // a newer job of the cell came meanwhile, or the log says nothing
        JobUpdate failed = *latest;
        failed.failingStep = located.log.failingStep;
        failed.lastLayerId = located.log.lastLayerId;
        failed.dockerfileLine = located.dockerfileLine;
        m_builds->applyOtherJob(failed);
    });
    watcher->setFuture(
        QtConcurrent::run([logPath = job.logPath, repo, dockerfilePath, commit, cacheRoot = m_details->cacheRoot()] {
            Located located;
            located.log = LogFailure::read(logPath);
            if (!located.log.failingStep.isEmpty() && !repo.isEmpty() && !commit.isEmpty()) {
                GitMirror mirror(repo, cacheRoot);
                if (const auto dockerfile = mirror.readFile(commit, dockerfilePath))
                    located.dockerfileLine = BuildRunner::dockerfileLineOf(located.log.failingStep, *dockerfile);
            }
            return located;
        }));
}

} // namespace mrc
