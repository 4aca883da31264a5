// SPDX-License-Identifier: Apache-2.0
#include "views/publishpage.h"

#include "history/history.h"
#include "models/pushauditmodel.h"
#include "models/tagplanmodel.h"
#include "views/rowtable.h"
#include "views/statestyle.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QSaveFile>
#include <QSplitter>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace mrc {

namespace {

QProgressBar *progressBar(QWidget *parent)
{
    auto *bar = new QProgressBar(parent);
    bar->setRange(0, 1);
    bar->setValue(0);
    bar->setTextVisible(true);
    bar->setMaximumHeight(bar->fontMetrics().height() + 4);
    return bar;
}

} // namespace

PublishPage::PublishPage(Workspace *workspace, const MatrixAccess &matrix, QWidget *parent)
    : QWidget(parent), m_workspace(workspace), m_matrix(matrix), m_tabs(new QTabWidget(this)),
      m_planTable(new QTableView(this)), m_planModel(new TagPlanModel(this)), m_status(new QLabel(this)),
      m_progressTree(new QTreeWidget(this)), m_log(new QPlainTextEdit(this)), m_auditTable(new QTableView(this)),
      m_auditModel(new PushAuditModel(this)), m_auditStatus(new QLabel(this)),
      m_planAction(new QAction(tr("Pla&n Selected Cells"), this)), m_pushAction(new QAction(tr("P&ush…"), this)),
      m_cancelAction(new QAction(tr("&Cancel Push"), this)), m_refreshAuditAction(new QAction(tr("&Refresh"), this)),
      m_session(new PushSession(this))
{
    m_planAction->setIcon(style()->standardIcon(QStyle::SP_FileDialogContentsView));
    m_planAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_planAction->setToolTip(tr("Ask the registry what each tag of the selected cells names now, and what a push "
                                "would do (Ctrl+Shift+P)"));
    m_pushAction->setIcon(style()->standardIcon(QStyle::SP_ArrowUp));
    m_pushAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_U));
    m_pushAction->setToolTip(tr("Carry out the plan shown, after a confirmation (Ctrl+Shift+U)"));
    m_cancelAction->setIcon(style()->standardIcon(QStyle::SP_BrowserStop));
    m_cancelAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    m_cancelAction->setToolTip(tr("Stop the push after the current request (Ctrl+Shift+X)"));
    m_refreshAuditAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_refreshAuditAction->setToolTip(tr("Read the audit trail again"));
    for (QAction *action : {m_planAction, m_pushAction, m_cancelAction}) {
        action->setShortcutContext(Qt::WindowShortcut);
        addAction(action);
    }
    connect(m_planAction, &QAction::triggered, this, &PublishPage::plan);
    connect(m_pushAction, &QAction::triggered, this, &PublishPage::confirmAndPush);
    connect(m_cancelAction, &QAction::triggered, this, &PublishPage::cancel);
    connect(m_refreshAuditAction, &QAction::triggered, this, &PublishPage::refreshAudit);
    connect(m_session, &PushSession::planned, this, &PublishPage::onPlanned);
    connect(m_session, &PushSession::logLine, this, [this](int run, const QString &line) {
        if (run == m_run)
            appendLog(line);
    });
    connect(m_session, &PushSession::warning, this, [this](int run, const QString &line) {
        if (run != m_run)
            return;
        m_lastWarning = line;
        appendLog(line);
    });
    connect(m_session, &PushSession::progress, this, &PublishPage::onProgress);
    connect(m_session, &PushSession::tagFinished, this, &PublishPage::onTagFinished);
    connect(m_session, &PushSession::finished, this, &PublishPage::onPushFinished);

    const auto button = [this](QAction *action) {
        auto *b = new QToolButton(this);
        b->setDefaultAction(action);
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        return b;
    };

    // Plan tab: the table above, the progress and the log below.
    auto *planTab = new QWidget(this);
    auto *bar = new QHBoxLayout;
    bar->setSpacing(6);
    bar->addWidget(button(m_planAction));
    bar->addWidget(button(m_pushAction));
    bar->addWidget(button(m_cancelAction));
    bar->addSpacing(12);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bar->addWidget(m_status, 1);

    m_planModel->setActionIcon([](TagAction action) { return StateStyle::icon(action); });
    m_planTable->setObjectName(QStringLiteral("planTable"));
    m_planTable->setModel(m_planModel);
    setUpRowTable(m_planTable, QAbstractItemView::ExtendedSelection);
    m_planTable->setAlternatingRowColors(true);

    m_progressTree->setObjectName(QStringLiteral("pushProgress"));
    m_progressTree->setColumnCount(3);
    m_progressTree->setHeaderLabels({tr("Image / layer"), tr("Progress"), tr("Status")});
    m_progressTree->setRootIsDecorated(true);
    m_progressTree->header()->setStretchLastSection(true);
    m_progressTree->setColumnWidth(0, 260);
    m_progressTree->setColumnWidth(1, 220);

    m_log->setObjectName(QStringLiteral("pushLog"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("The push log appears here."));

    auto *lower = new QSplitter(Qt::Horizontal, this);
    lower->addWidget(m_progressTree);
    lower->addWidget(m_log);
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 1);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_planTable);
    split->addWidget(lower);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *planLayout = new QVBoxLayout(planTab);
    planLayout->setContentsMargins(6, 6, 6, 6);
    planLayout->setSpacing(6);
    planLayout->addLayout(bar);
    planLayout->addWidget(split, 1);

    // Audit tab.
    auto *auditTab = new QWidget(this);
    auto *exportCsv = new QAction(tr("Export &CSV…"), this);
    auto *exportJson = new QAction(tr("Export &JSON…"), this);
    exportCsv->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    exportJson->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    connect(exportCsv, &QAction::triggered, this, [this] { exportWithDialog(false); });
    connect(exportJson, &QAction::triggered, this, [this] { exportWithDialog(true); });
    auto *auditBar = new QHBoxLayout;
    auditBar->setSpacing(6);
    auditBar->addWidget(button(m_refreshAuditAction));
    auditBar->addWidget(button(exportCsv));
    auditBar->addWidget(button(exportJson));
    auditBar->addSpacing(12);
    auditBar->addWidget(m_auditStatus, 1);
    m_auditModel->setIcons(
        [](bool ok) { return StateStyle::checkIcon(ok); },
        [](const QString &name) {
            for (TagAction a : {TagAction::Create, TagAction::Move, TagAction::Unchanged, TagAction::Refused}) {
                if (TagPlan::actionName(a) == name)
                    return StateStyle::icon(a);
            }
            return QIcon();
        });
    m_auditTable->setObjectName(QStringLiteral("auditTable"));
    m_auditTable->setModel(m_auditModel);
    m_auditTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_auditTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_auditTable->setWordWrap(false);
    m_auditTable->setAlternatingRowColors(true);
    m_auditTable->verticalHeader()->hide();
    m_auditTable->horizontalHeader()->setStretchLastSection(true);
    auto *auditLayout = new QVBoxLayout(auditTab);
    auditLayout->setContentsMargins(6, 6, 6, 6);
    auditLayout->setSpacing(6);
    auditLayout->addLayout(auditBar);
    auditLayout->addWidget(m_auditTable, 1);

    m_tabs->addTab(planTab, tr("Tag plan"));
    m_tabs->addTab(auditTab, tr("Au&dit"));
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1)
            refreshAudit();
    });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    m_status->setText(tr("Select cells in the matrix, then Plan (Ctrl+Shift+P)."));
    updateActions();
}

PublishPage::~PublishPage() = default; // the session cancels, then quits and waits for its thread

bool PublishPage::isPlanning() const
{
    return m_session->isPlanning();
}

bool PublishPage::isPushing() const
{
    return m_session->isPushing();
}

void PublishPage::updateActions()
{
    m_planAction->setEnabled(!isPlanning() && !isPushing());
    m_pushAction->setEnabled(!isPlanning() && !isPushing() && m_plan.outcome == PushOutcome::Ok &&
                             m_plan.changes() > 0);
    m_cancelAction->setEnabled(isPushing());
}

void PublishPage::plan()
{
    if (isPlanning() || isPushing())
        return;
    const QList<Cell> selected = m_matrix.selectedCells ? m_matrix.selectedCells() : QList<Cell>{};
    if (selected.isEmpty()) {
        m_status->setText(tr("Nothing selected: select cells in the matrix first."));
        return;
    }
    PushOptions options;
    options.manifest = m_workspace->manifest();
    options.allCells = m_matrix.allCells ? m_matrix.allCells() : QList<Cell>{};
    options.picked = selected;
    options.engines = m_matrix.engines ? m_matrix.engines() : QList<EngineStatus>{};
    options.cacheRoot = m_workspace->cacheRoot();
    if (options.allCells.isEmpty())
        options.allCells = selected; // never scan again: the window's matrix is what the user sees
    m_registryHost = options.manifest.registry.host;
    m_status->setText(
        tr("Reading the credentials for %1, then asking it about %n cell(s)…", nullptr, int(selected.size()))
            .arg(m_registryHost));
    m_run = m_session->plan(options);
    updateActions();
}

void PublishPage::onPlanned(int run, const PushPlan &plan)
{
    if (run != m_run)
        return;
    m_plan = plan;
    m_planModel->setPlans(m_plan.result.engines);
    for (int column = 0; column < TagPlanModel::WhyColumn; ++column)
        m_planTable->resizeColumnToContents(column);
    QStringList lines;
    if (m_plan.result.failure != PublishPlanner::Failure::None)
        lines << tr("The registry could not be asked:");
    else if (!m_plan.result.anyEngine)
        lines << tr("No reachable engine serves the selected cells.");
    else
        lines << tr("Registry %1: %2.").arg(m_registryHost, planSummary());
    if (!m_plan.user.isEmpty())
        lines << tr("Credentials for %1 from %2 (user %3).").arg(m_registryHost, m_plan.credentialSource, m_plan.user);
    else if (m_plan.keychain == CredentialError::NotFound)
        lines << tr("No credentials for %1 in the keychain or Docker's configuration: read anonymously (File ▸ Log "
                    "In to Registry stores some).")
                     .arg(m_registryHost);
    else if (m_plan.keychain != CredentialError::None)
        lines << tr("%1 (read anonymously)").arg(m_plan.keychainMessage);
    lines << m_plan.messages << m_plan.result.problems;
    m_status->setText(lines.join(QLatin1Char('\n')));
    updateActions();

    Q_EMIT planned();
}

QString PublishPage::planSummary() const
{
    return m_planModel->summary();
}

void PublishPage::confirmAndPush()
{
    if (!m_pushAction->isEnabled())
        return;
    const auto answer = QMessageBox::question(
        this, tr("Push to %1").arg(m_registryHost),
        tr("Push the plan shown to %1?\n\n%2.\n\nRefused tags are left alone and count as failures.")
            .arg(m_registryHost, planSummary()),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
    if (answer == QMessageBox::Yes)
        startPush();
}

void PublishPage::startPush()
{
    if (isPushing() || isPlanning() || m_plan.result.engines.isEmpty())
        return;
    m_log->clear();
    m_progressTree->clear();
    m_imageItems.clear();
    m_engineOffsets.clear();
    m_lastWarning.clear();
    for (const EnginePlans &engine : std::as_const(m_plan.result.engines)) {
        m_engineOffsets << int(m_imageItems.size());
        for (const CellTagPlan &plan : engine.plans) {
            auto *top = new QTreeWidgetItem(
                m_progressTree, {plan.cell.repository + QLatin1Char(':') + TagPlan::branchTag(plan.cell.branch)});
            top->setToolTip(0, plan.cell.imageId);
            auto *bar = progressBar(m_progressTree);
            bar->setRange(0, int(plan.tags.size()));
            bar->setFormat(tr("%v of %m tags"));
            m_progressTree->setItemWidget(top, 1, bar);
            top->setText(2, tr("waiting"));
            top->setExpanded(true);
            m_imageItems << top;
        }
    }
    m_status->setText(tr("Checking the credentials and the push rights at %1, then pushing…").arg(m_registryHost));
    m_session->push();
    updateActions();
}

QTreeWidgetItem *PublishPage::imageItem(int engine, int cell) const
{
    const int index = m_engineOffsets.value(engine, -1) + cell;
    return index >= 0 && index < m_imageItems.size() ? m_imageItems.at(index) : nullptr;
}

void PublishPage::onProgress(int run, const PushProgress &progress)
{
    QTreeWidgetItem *top = run == m_run ? imageItem(progress.engine, progress.cell) : nullptr;
    if (!top)
        return;
    top->setText(
        2, tr("uploading %1 of %2")
               .arg(QLocale().formattedDataSize(progress.bytesDone), QLocale().formattedDataSize(progress.bytesTotal)));
    QHash<QString, QTreeWidgetItem *> children;
    for (int i = 0; i < top->childCount(); ++i)
        children.insert(top->child(i)->text(0), top->child(i));
    for (const LayerProgress &layer : progress.layers) {
        QTreeWidgetItem *child = children.value(layer.id);
        if (!child) {
            child = new QTreeWidgetItem(top, {layer.id});
            m_progressTree->setItemWidget(child, 1, progressBar(m_progressTree));
        }
        auto *bar = qobject_cast<QProgressBar *>(m_progressTree->itemWidget(child, 1));
        if (bar) {
            if (layer.done()) {
                bar->setRange(0, 1);
                bar->setValue(1);
            } else if (layer.total > 0) {
                // Per cent keeps the values inside int for layers over 2 GiB.
                bar->setRange(0, 100);
                bar->setValue(int(layer.current * 100 / layer.total));
            } else {
                bar->setRange(0, 1);
                bar->setValue(0);
            }
        }
        child->setText(2, layer.status);
    }
}

void PublishPage::onTagFinished(int run, int engine, int cell, const TagOutcome &outcome)
{
    QTreeWidgetItem *top = run == m_run ? imageItem(engine, cell) : nullptr;
    if (!top)
        return;
    if (auto *bar = qobject_cast<QProgressBar *>(m_progressTree->itemWidget(top, 1)))
        bar->setValue(bar->value() + 1);
    top->setText(2, QStringLiteral("%1 %2: %3")
                        .arg(outcome.ok ? QStringLiteral("✔") : QStringLiteral("✘"), outcome.planned.tag,
                             outcome.ok ? (outcome.method == QLatin1String("none") ? tr("unchanged") : outcome.method)
                                        : outcome.message));
    top->setIcon(2, StateStyle::checkIcon(outcome.ok));
}

void PublishPage::onPushFinished(int run, const PushResult &result)
{
    if (run != m_run)
        return;
    const bool ok = result.pushedAll;
    const QString message = !result.message.isEmpty() ? result.message : ok ? QString() : m_lastWarning;
    int tags = 0, good = 0;
    // The outcomes are in the audit; count them from the tree's bars for the status line.
    for (QTreeWidgetItem *top : std::as_const(m_imageItems)) {
        if (auto *bar = qobject_cast<QProgressBar *>(m_progressTree->itemWidget(top, 1))) {
            tags += bar->maximum();
            good += bar->value();
        }
    }
    m_status->setText(
        (ok ? tr("✔ Pushed: every tag is verified at %1.").arg(m_registryHost)
            : tr("✘ The push did not complete (%1 of %2 tags handled). See the log.").arg(good).arg(tags)) +
        (message.isEmpty() ? QString() : QLatin1Char(' ') + message));
    if (!result.message.isEmpty())
        appendLog(result.message);
    updateActions();
    refreshAudit();
    Q_EMIT pushFinished(ok);
}

void PublishPage::cancel()
{
    if (!isPushing())
        return;
    appendLog(tr("Cancelling…"));
    m_session->cancel();
}

void PublishPage::appendLog(const QString &line)
{
    m_log->appendPlainText(line);
}

void PublishPage::refreshAudit()
{
    PushAudit audit(History::defaultPath());
    QString error;
    m_records.clear();
    if (!audit.open(&error)) {
        m_auditModel->setRecords({});
        m_auditStatus->setText(error);
        return;
    }
    m_records = audit.recent();
    m_auditModel->setRecords(m_records);
    for (int column = 0; column + 1 < m_auditModel->columnCount(); ++column)
        m_auditTable->resizeColumnToContents(column);
    m_auditStatus->setText(tr("%n recorded tag push(es), newest first.", nullptr, int(m_records.size())));
}

bool PublishPage::exportAudit(const QString &path, bool json, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(json ? PushAudit::toJson(m_records) : PushAudit::toCsv(m_records));
    if (!file.commit()) {
        if (error)
            *error = tr("Cannot write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void PublishPage::exportWithDialog(bool json)
{
    const QString path = QFileDialog::getSaveFileName(
        this, json ? tr("Export the audit trail as JSON") : tr("Export the audit trail as CSV"),
        json ? QStringLiteral("mrc-pushes.json") : QStringLiteral("mrc-pushes.csv"),
        json ? tr("JSON (*.json)") : tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (exportAudit(path, json, &error))
        m_auditStatus->setText(tr("Exported %n row(s) to %1.", nullptr, int(m_records.size())).arg(path));
    else
        QMessageBox::warning(this, tr("Export"), error);
}

} // namespace mrc
