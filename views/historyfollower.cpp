// SPDX-License-Identifier: Apache-2.0
#include "views/historyfollower.h"

#include "history/historywatcher.h"
#include "models/matrixmodel.h"
#include "views/buildcontroller.h"
#include "views/detailspanel.h"
#include "views/historypage.h"

#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QThread>
#include <QWidget>

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
        JobUpdate job;
        job.historyId = record.id;
        job.component = record.component;
        job.branch = record.branch;
        job.docker = record.docker;
        job.engine = record.engine;
        job.tag = record.tag;
        job.state = record.state;
        job.message = record.message;
        job.imageId = record.imageId;
        job.logPath = record.logPath;
        job.started = record.started;
        job.finished = record.finished;
        if (!m_builds->applyOtherJob(job))
            continue;
        followLog(job.logPath, isFinal(job.state));
        if (isSuccess(job.state)) {
            if (const Cell *cell = m_model->find(job.component, job.branch, job.docker))
                m_builds->reloadTests({*cell});
        }
    }
}

} // namespace mrc
