// SPDX-License-Identifier: Apache-2.0
#include "views/lintpage.h"

#include "lint/linter.h"
#include "lint/lintrule.h"
#include "lint/lintsetup.h"
#include "manifest/manifest.h"
#include "models/lintgridmodel.h"
#include "workspace/workspace.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBlock>
#include <QThread>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mrc {

LintPage::LintPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent), m_workspace(workspace), m_branch(new QComboBox(this)),
      m_relint(new QPushButton(tr("&Lint"), this)), m_status(new QLabel(this)), m_model(new LintGridModel(this)),
      m_grid(new QTableView(this)), m_viewer(new QPlainTextEdit(this)), m_viewerTitle(new QLabel(this))
{
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Branch:"), this));
    bar->addWidget(m_branch);
    bar->addWidget(m_relint);
    bar->addWidget(m_status, 1);

    m_grid->setModel(m_model);
    m_grid->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_grid->setSelectionMode(QAbstractItemView::SingleSelection);
    m_grid->horizontalHeader()->setDefaultSectionSize(64);
    m_grid->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    m_viewer->setReadOnly(true);
    m_viewer->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_viewer->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    auto *viewerBox = new QWidget(this);
    auto *viewerLayout = new QVBoxLayout(viewerBox);
    viewerLayout->setContentsMargins(0, 0, 0, 0);
    viewerLayout->addWidget(m_viewerTitle);
    viewerLayout->addWidget(m_viewer);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_grid);
    splitter->addWidget(viewerBox);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);

    connect(m_relint, &QPushButton::clicked, this, &LintPage::relint);
    connect(m_branch, &QComboBox::activated, this, &LintPage::relint);
    connect(m_grid, &QTableView::clicked, this,
            [this](const QModelIndex &index) { openFinding(index.row(), m_model->columns().value(index.column())); });
    connect(m_workspace, &Workspace::manifestChanged, this, &LintPage::reloadManifest);
    reloadManifest();
}

LintPage::~LintPage()
{
    m_jobs.invalidate();
    if (m_cancel)
        m_cancel->store(true);
    m_watcher.waitForFinished();
}

void LintPage::reloadManifest()
{
    const QString current = m_branch->currentText();
    m_branch->clear();
    for (const BranchSpec &branch : m_workspace->manifest().branches)
        m_branch->addItem(branch.name);
    const int index = m_branch->findText(current);
    m_branch->setCurrentIndex(index >= 0 ? index : 0);
    if (m_branch->count() == 0)
        return;
    // A hidden page lints when it is shown: at start-up the fleet's lint would compete with the first paint.
    if (isVisible())
        relint();
    else
        m_stale = true;
}

void LintPage::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_stale) {
        m_stale = false;
        relint();
    }
}

void LintPage::relint()
{
    m_stale = false;
    const QString branch = m_branch->currentText();
    if (branch.isEmpty())
        return;
    if (m_cancel)
        m_cancel->store(true);
    const quint64 job = m_jobs.start();
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_cancel = cancel;
    m_status->setText(tr("Linting %1…").arg(branch));

    const Manifest manifest = m_workspace->manifest();
    const QString cacheRoot = m_workspace->cacheRoot();
    // One watcher per request, so that a superseded one still ends; the tracker drops its result.
    auto *watcher = new QFutureWatcher<QList<FleetLint::Result>>(this);
    connect(watcher, &QFutureWatcher<QList<FleetLint::Result>>::finished, watcher, &QObject::deleteLater);
    connect(watcher, &QFutureWatcher<QList<FleetLint::Result>>::finished, this,
            m_jobs.guard(job, [this, watcher, job] { showResults(job, watcher->result()); }));
    const QFuture<QList<FleetLint::Result>> future = QtConcurrent::run([manifest, branch, cacheRoot, cancel] {
        return FleetLint::run(manifest, branch, cacheRoot, LintSetup::make(manifest.lint), {}, true, cancel.get());
    });
    watcher->setFuture(future);
    m_watcher.setFuture(future); // the destructor waits for the latest
}

const QList<FleetLint::Result> &LintPage::results() const
{
    return m_model->results();
}

QStringList LintPage::columns() const
{
    return m_model->columns();
}

void LintPage::showResults(quint64 job, const QList<FleetLint::Result> &results)
{
    Q_ASSERT(QThread::currentThread() == thread());
    m_jobs.finish(job);
    m_model->setResults(results);
    m_status->setText(tr("%1 components at %2: %3 error cells, %4 warning cells")
                          .arg(results.size())
                          .arg(m_branch->currentText())
                          .arg(m_model->errorCells())
                          .arg(m_model->warningCells()));
    Q_EMIT linted();
}

void LintPage::openFinding(int row, const QString &rule)
{
    const FleetLint::Result *found = m_model->resultAt(row);
    if (!found)
        return;
    const FleetLint::Result &result = *found;
    m_viewerTitle->setText(result.error.isEmpty() ? result.dockerfilePath : result.error);
    m_viewer->setPlainText(QString::fromUtf8(result.dockerfile));

    const LintFinding *finding = nullptr;
    for (const LintFinding &f : result.findings) {
        if ((rule.isEmpty() || f.rule == rule) && f.file == result.dockerfilePath) {
            finding = &f;
            break;
        }
    }
    if (!finding)
        return;
    const QTextBlock block = m_viewer->document()->findBlockByNumber(finding->line - 1);
    if (!block.isValid())
        return;
    QTextCursor cursor(block);
    cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
    m_viewer->setTextCursor(cursor);
    m_viewer->centerCursor();
    m_viewerTitle->setText(QStringLiteral("%1:%2: %3 %4")
                               .arg(result.dockerfilePath)
                               .arg(finding->line)
                               .arg(finding->rule, finding->message));
}

} // namespace mrc
