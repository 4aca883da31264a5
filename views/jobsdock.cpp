// SPDX-License-Identifier: Apache-2.0
#include "views/jobsdock.h"

#include "models/jobsmodel.h"

#include <QHeaderView>
#include <QTimer>
#include <QTreeView>

namespace mrc {

JobsDock::JobsDock(JobsModel *jobs, QWidget *parent) : QDockWidget(tr("Jobs"), parent)
{
    setObjectName(QStringLiteral("jobsDock"));
    auto *view = new QTreeView(this);
    view->setObjectName(QStringLiteral("jobsView"));
    view->setModel(jobs);
    view->setRootIsDecorated(false);
    view->setUniformRowHeights(true);
    view->setAlternatingRowColors(true);
    view->header()->setStretchLastSection(true);
    view->header()->resizeSection(JobsModel::CellColumn, 260);
    setWidget(view);
    // A closed Jobs panel comes back from the View menu.
    QAction *toggle = toggleViewAction();
    toggle->setObjectName(QStringLiteral("jobsPanelAction"));
    toggle->setText(tr("&Jobs Panel"));
    toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_J));
    connect(view, &QTreeView::activated, this, [this, jobs](const QModelIndex &index) {
        if (const JobUpdate *job = jobs->jobAt(index.row()))
            Q_EMIT jobActivated(*job);
    });
    auto *ticker = new QTimer(this);
    connect(ticker, &QTimer::timeout, jobs, &JobsModel::tick);
    ticker->start(1000);
}

} // namespace mrc
