// SPDX-License-Identifier: Apache-2.0
#include "views/historypage.h"

#include "history/history.h"
#include "models/historymodel.h"
#include "models/logmodel.h"
#include "views/automationqueueview.h"
#include "views/logview.h"
#include "views/rowtable.h"
#include "views/statestyle.h"

#include <QAction>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mrc {

namespace {

constexpr int rowLimit = 500;

// Runs on a pool thread: a QSqlDatabase connection belongs to the thread that made it, so this one is private.
HistoryLoad loadHistory(const QString &path)
{
    HistoryLoad load;
    History history(path);
    if (!history.open(&load.error))
        return load;
    load.records = history.recent(rowLimit);
    return load;
}

} // namespace

HistoryPage::HistoryPage(QWidget *parent)
    : QWidget(parent), m_model(new HistoryModel(this)), m_logModel(new LogModel(this)), m_table(new QTableView(this)),
      m_logView(new LogView(this)), m_status(new QLabel(this)), m_logTitle(new QLabel(this)),
      m_splitter(new QSplitter(Qt::Vertical, this)), m_tabs(new QTabWidget(this)),
      m_queue(new AutomationQueueView(History::defaultPath(), this)), m_refreshAction(new QAction(tr("&Refresh"), this))
{
    m_model->setStateStyle([](JobState state) { return StateStyle::icon(state); },
                           [](JobState state) { return StateStyle::label(state); });

    m_refreshAction->setShortcut(QKeySequence::Refresh);
    m_refreshAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_refreshAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_refreshAction->setToolTip(tr("Read the job history again (F5)"));
    addAction(m_refreshAction);
    connect(m_refreshAction, &QAction::triggered, this, &HistoryPage::refresh);

    auto *refreshButton = new QToolButton(this);
    refreshButton->setDefaultAction(m_refreshAction);
    refreshButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);

    // Refresh and the status sit beside the Jobs / Pipeline runs tabs: a row of their own cost the table rows.
    auto *bar = new QWidget(this);
    auto *barLayout = new QHBoxLayout(bar);
    barLayout->setContentsMargins(0, 0, 0, 2);
    barLayout->addWidget(m_status);
    barLayout->addWidget(refreshButton);

    m_table->setModel(m_model);
    m_table->setObjectName(QStringLiteral("historyTable"));
    setUpRowTable(m_table);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &HistoryPage::showSelectedLog);

    m_logView->setModel(m_logModel);
    auto *logBox = new QWidget(this);
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    m_logTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    logLayout->addWidget(m_logTitle);
    logLayout->addWidget(m_logView, 1);

    m_splitter->addWidget(m_table);
    m_splitter->addWidget(logBox);
    // The jobs first: at 1280×760 a third of the page showed only four rows of the table.
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);

    m_tabs->setObjectName(QStringLiteral("historyTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_splitter, tr("Jobs"));
    m_tabs->addTab(m_queue, tr("Pipeline runs"));
    m_tabs->setCornerWidget(bar, Qt::TopRightCorner);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);

    m_logTitle->setText(tr("Select a job to see its log."));
}

HistoryPage::~HistoryPage()
{
    // The worker owns only its own connection and copies; wait so that it never outlives the page's signals.
    m_jobs.invalidate();
    m_latest.waitForFinished();
}

bool HistoryPage::isLoading() const
{
    return m_jobs.isRunning();
}

void HistoryPage::refresh()
{
    // A refresh while one runs starts anew; the older answer is dropped when it arrives.
    m_status->setText(tr("Reading the history…"));
    m_latest = m_jobs.run([path = History::defaultPath()] { return loadHistory(path); },
                          [this](quint64 job, const HistoryLoad &load) { onLoaded(job, load); });
    m_queue->refresh();
}

void HistoryPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

void HistoryPage::onLoaded(quint64 job, const HistoryLoad &load)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_jobs.finish(job);
    if (!load.error.isEmpty()) {
        m_status->setText(load.error);
        Q_EMIT loaded();
        return;
    }
    // Keep the selected job selected across refreshes; its log stays open unless the job went away.
    const JobRecord *current = m_model->recordAt(m_table->currentIndex().row());
    const qint64 selectedId = current ? current->id : 0;
    m_model->setRecords(load.records);
    const int row = selectedId ? m_model->rowOf(selectedId) : -1;
    if (row >= 0)
        m_table->selectRow(row);
    else
        showSelectedLog();
    if (m_table->horizontalHeader()->sectionSize(HistoryModel::WhenColumn) <=
        m_table->horizontalHeader()->defaultSectionSize())
        m_table->resizeColumnsToContents();
    m_status->setText(load.records.size() >= rowLimit ? tr("The last %1 jobs.").arg(rowLimit)
                                                      : tr("%n job(s).", nullptr, int(load.records.size())));
    Q_EMIT loaded();
}

void HistoryPage::showSelectedLog()
{
    const JobRecord *record = m_model->recordAt(m_table->currentIndex().row());
    if (!record) {
        m_logModel->close();
        m_openLog.clear();
        m_logTitle->setText(tr("Select a job to see its log."));
        return;
    }
    const QString cell = QStringLiteral("%1@%2 %3").arg(record->component, record->branch, record->docker);
    if (record->logPath.isEmpty() || !QFileInfo::exists(record->logPath)) {
        m_logModel->close();
        m_openLog.clear();
        m_logTitle->setText(
            tr("%1: no log file (%2).").arg(cell, record->logPath.isEmpty() ? tr("none recorded") : record->logPath));
        return;
    }
    if (m_openLog != record->logPath) {
        QString error;
        m_openLog.clear();
        if (!m_logModel->open(record->logPath, &error)) {
            m_logTitle->setText(tr("%1: %2").arg(cell, error));
            return;
        }
        m_openLog = record->logPath;
    }
    m_logModel->refresh();
    m_logTitle->setText(tr("%1 — %2").arg(cell, record->logPath));
}

} // namespace mrc
