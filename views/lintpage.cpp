// SPDX-License-Identifier: Apache-2.0
#include "views/lintpage.h"

#include "lint/linter.h"
#include "lint/lintrule.h"
#include "manifest/manifest.h"
#include "workspace/workspace.h"

#include <QComboBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QTextBlock>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace mrc {

namespace {

QColor colourOf(LintSeverity severity)
{
    switch (severity) {
    case LintSeverity::Error:
        return QColor(0xd9, 0x53, 0x4f);
    case LintSeverity::Warning:
        return QColor(0xf0, 0xad, 0x4e);
    case LintSeverity::Info:
        return QColor(0x5b, 0xc0, 0xde);
    case LintSeverity::Off:
        break;
    }
    return {};
}

} // namespace

LintPage::LintPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_branch(new QComboBox(this))
    , m_relint(new QPushButton(tr("&Lint"), this))
    , m_status(new QLabel(this))
    , m_grid(new QTableWidget(this))
    , m_viewer(new QPlainTextEdit(this))
    , m_viewerTitle(new QLabel(this))
{
    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Branch:"), this));
    bar->addWidget(m_branch);
    bar->addWidget(m_relint);
    bar->addWidget(m_status, 1);

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
    connect(m_grid, &QTableWidget::cellClicked, this, [this](int row, int column) {
        openFinding(row, m_columns.value(column));
    });
    connect(m_workspace, &Workspace::manifestChanged, this, &LintPage::reloadManifest);
    reloadManifest();
}

LintPage::~LintPage()
{
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
    if (m_branch->count() > 0)
        relint();
}

void LintPage::relint()
{
    const QString branch = m_branch->currentText();
    if (branch.isEmpty())
        return;
    if (m_cancel)
        m_cancel->store(true);
    const quint64 job = ++m_job;
    auto cancel = std::make_shared<std::atomic_bool>(false);
    m_cancel = cancel;
    m_status->setText(tr("Linting %1…").arg(branch));

    const Manifest manifest = m_workspace->manifest();
    const QString cacheRoot = m_workspace->cacheRoot();
    auto *watcher = new QFutureWatcher<QList<FleetLint::Result>>(this);
    connect(watcher, &QFutureWatcher<QList<FleetLint::Result>>::finished, this, [this, watcher, job] {
        watcher->deleteLater();
        showResults(job, watcher->result());
    });
    watcher->setFuture(QtConcurrent::run([manifest, branch, cacheRoot, cancel] {
        Linter linter;
        linter.setUseHadolint(true);
        linter.applySpec(manifest.lint);
        return FleetLint::run(manifest, branch, cacheRoot, linter, {}, true, cancel.get());
    }));
}

void LintPage::showResults(quint64 job, const QList<FleetLint::Result> &results)
{
    if (job != m_job)
        return; // a newer request is running
    m_results = results;

    m_columns.clear();
    for (const LintRule &rule : LintRule::all())
        m_columns << rule.id;
    for (const FleetLint::Result &result : results) {
        for (const LintFinding &f : result.findings) {
            if (!m_columns.contains(f.rule))
                m_columns << f.rule; // rules only hadolint knows
        }
    }

    m_grid->clear();
    m_grid->setRowCount(int(results.size()));
    m_grid->setColumnCount(int(m_columns.size()));
    m_grid->setHorizontalHeaderLabels(m_columns);
    for (int c = 0; c < m_columns.size(); ++c) {
        if (const LintRule *rule = LintRule::find(m_columns.at(c)))
            m_grid->horizontalHeaderItem(c)->setToolTip(rule->title);
    }
    int errors = 0;
    int warnings = 0;
    for (int row = 0; row < results.size(); ++row) {
        const FleetLint::Result &result = results.at(row);
        auto *header = new QTableWidgetItem(result.component);
        header->setToolTip(result.error.isEmpty() ? result.dockerfilePath : result.error);
        m_grid->setVerticalHeaderItem(row, header);
        for (int c = 0; c < m_columns.size(); ++c) {
            auto *item = new QTableWidgetItem;
            item->setTextAlignment(Qt::AlignCenter);
            if (!result.error.isEmpty()) {
                item->setText(QStringLiteral("–"));
                item->setToolTip(result.error);
                m_grid->setItem(row, c, item);
                continue;
            }
            QList<LintFinding> here;
            for (const LintFinding &f : result.findings) {
                if (f.rule == m_columns.at(c))
                    here << f;
            }
            if (!here.isEmpty()) {
                const LintSeverity worst = worstSeverity(here);
                item->setText(QString::number(here.size()));
                item->setBackground(colourOf(worst));
                item->setForeground(Qt::black);
                item->setData(Qt::UserRole, lintSeverityName(worst));
                QStringList tips;
                for (const LintFinding &f : here)
                    tips << QStringLiteral("%1: %2").arg(f.line).arg(f.message);
                item->setToolTip(tips.join(QLatin1Char('\n')));
                errors += worst == LintSeverity::Error ? 1 : 0;
                warnings += worst == LintSeverity::Warning ? 1 : 0;
            } else {
                item->setData(Qt::UserRole, QStringLiteral("pass"));
            }
            m_grid->setItem(row, c, item);
        }
    }
    m_status->setText(tr("%1 components at %2: %3 error cells, %4 warning cells")
                          .arg(results.size())
                          .arg(m_branch->currentText())
                          .arg(errors)
                          .arg(warnings));
    Q_EMIT linted();
}

void LintPage::openFinding(int row, const QString &rule)
{
    if (row < 0 || row >= m_results.size())
        return;
    const FleetLint::Result &result = m_results.at(row);
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
    m_viewerTitle->setText(QStringLiteral("%1:%2: %3 %4").arg(result.dockerfilePath).arg(finding->line).arg(finding->rule, finding->message));
}

} // namespace mrc
