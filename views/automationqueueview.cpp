// SPDX-License-Identifier: Apache-2.0
#include "views/automationqueueview.h"

#include "history/automationstore.h"
#include "models/automationrunsmodel.h"

#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QStyle>
#include <QTableView>
#include <QThread>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mrc {

namespace {

constexpr int rowLimit = 500;

// Runs on a pool thread: a QSqlDatabase connection belongs to the thread that made it, so this one is private.
AutomationQueueLoad loadRuns(const QString &path)
{
    AutomationQueueLoad load;
    AutomationStore store(path);
    if (!store.open(&load.error))
        return load;
    if (std::optional<QList<AutomationRun>> runs = store.runs(rowLimit, &load.error))
        load.runs = *runs;
    return load;
}

QIcon iconFor(const QWidget *widget, RunState state)
{
    switch (state) {
    case RunState::Done:
        return widget->style()->standardIcon(QStyle::SP_DialogApplyButton);
    case RunState::Failed:
        return widget->style()->standardIcon(QStyle::SP_MessageBoxCritical);
    case RunState::Building:
    case RunState::Testing:
    case RunState::Pushing:
        return widget->style()->standardIcon(QStyle::SP_MediaPlay);
    case RunState::Queued:
        return widget->style()->standardIcon(QStyle::SP_FileDialogDetailedView);
    case RunState::Skipped:
    case RunState::Superseded:
        return widget->style()->standardIcon(QStyle::SP_MediaSkipForward);
    }
    return {};
}

} // namespace

AutomationQueueView::AutomationQueueView(QString databasePath, QWidget *parent)
    : QWidget(parent), m_path(std::move(databasePath)), m_model(new AutomationRunsModel(this)),
      m_table(new QTableView(this)), m_status(new QLabel(this))
{
    m_model->setStateIcon([this](RunState state) { return iconFor(this, state); });
    m_table->setModel(m_model);
    m_table->setObjectName(QStringLiteral("automationRunsTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_status);
    layout->addWidget(m_table, 1);
    m_status->setText(tr("The watcher's queue (mrc watch) has not been read yet."));
}

AutomationQueueView::~AutomationQueueView()
{
    m_jobs.invalidate();
    m_latest.waitForFinished();
}

QString AutomationQueueView::statusText() const
{
    return m_status->text();
}

bool AutomationQueueView::isLoading() const
{
    return m_jobs.isRunning();
}

void AutomationQueueView::refresh()
{
    const quint64 job = m_jobs.start();
    auto *watcher = new QFutureWatcher<AutomationQueueLoad>(this);
    connect(watcher, &QFutureWatcher<AutomationQueueLoad>::finished, watcher, &QObject::deleteLater);
    connect(watcher, &QFutureWatcher<AutomationQueueLoad>::finished, this,
            m_jobs.guard(job, [this, watcher, job] { onLoaded(job, watcher->result()); }));
    m_latest = QtConcurrent::run(loadRuns, m_path);
    watcher->setFuture(m_latest);
}

void AutomationQueueView::onLoaded(quint64 job, const AutomationQueueLoad &load)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_jobs.finish(job);
    if (!load.error.isEmpty()) {
        m_status->setText(load.error);
        Q_EMIT loaded();
        return;
    }
    const bool first = m_model->rowCount() == 0;
    m_model->setRuns(load.runs);
    if (first && !load.runs.isEmpty())
        m_table->resizeColumnsToContents();
    int waiting = 0;
    int active = 0;
    for (const AutomationRun &run : load.runs) {
        waiting += run.state == RunState::Queued ? 1 : 0;
        active +=
            run.state == RunState::Building || run.state == RunState::Testing || run.state == RunState::Pushing ? 1 : 0;
    }
    m_status->setText(load.runs.isEmpty()
                          ? tr("No pipeline runs yet: `mrc watch` queues one for each new commit, tag and change.")
                          : tr("%n run(s): ", nullptr, int(load.runs.size())) +
                                tr("%1 queued, %2 running.").arg(waiting).arg(active));
    Q_EMIT loaded();
}

} // namespace mrc
