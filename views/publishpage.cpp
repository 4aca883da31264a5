// SPDX-License-Identifier: Apache-2.0
#include "views/publishpage.h"

#include "secrets/credentialstore.h"
#include "publish/enginepush.h"
#include "engine/engineclient.h"
#include "history/history.h"
#include "publish/publisher.h"
#include "secrets/registryauth.h"
#include "registry/registryclient.h"
#include "views/statestyle.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QFutureWatcher>
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
#include <QtConcurrent>

namespace mrc {

struct PlanLoad
{
    PublishPlanner::Result result;
};

namespace {

QString shortDigest(const QString &digest)
{
    return digest.isEmpty() ? QStringLiteral("—") : digest.section(QLatin1Char(':'), 1).left(12);
}

// Runs on a pool thread: the registry client and the engine clients live here. The keychain is read on the GUI
// thread before (QtKeychain's jobs belong to the thread that has the D-Bus connection).
PlanLoad loadPlan(const Manifest &manifest, const QString &cacheRoot, const QList<Cell> &cells,
                  const QList<Cell> &selected, const QList<EngineStatus> &engines, RegistryCredential credential)
{
    PlanLoad load;
    RegistryClient registry(manifest.registry.host,
                            RegistryCredentials{credential.username, QString::fromUtf8(credential.password)});
    credential.wipe();
    PublishPlanner planner(manifest, cacheRoot);
    load.result = planner.planAll(cells, selected, engines, registry);
    return load;
}

QStandardItem *item(const QString &text, const QString &toolTip = {})
{
    auto *result = new QStandardItem(text);
    result->setEditable(false);
    result->setToolTip(toolTip.isEmpty() ? text : toolTip);
    return result;
}

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
      m_planTable(new QTableView(this)), m_planModel(new QStandardItemModel(0, PlanColumnCount, this)),
      m_status(new QLabel(this)), m_progressTree(new QTreeWidget(this)), m_log(new QPlainTextEdit(this)),
      m_auditTable(new QTableView(this)), m_auditModel(new QStandardItemModel(this)), m_auditStatus(new QLabel(this)),
      m_planAction(new QAction(tr("Pla&n Selected Cells"), this)), m_pushAction(new QAction(tr("P&ush…"), this)),
      m_cancelAction(new QAction(tr("&Cancel Push"), this)), m_refreshAuditAction(new QAction(tr("&Refresh"), this)),
      m_watcher(new QFutureWatcher<PlanLoad>(this))
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
    connect(m_watcher, &QFutureWatcher<PlanLoad>::finished, this, &PublishPage::onPlanned);

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

    m_planModel->setHorizontalHeaderLabels(
        {tr("Image"), tr("Tag"), tr("Kind"), tr("Action"), tr("Now"), tr("After"), tr("Why")});
    m_planTable->setObjectName(QStringLiteral("planTable"));
    m_planTable->setModel(m_planModel);
    m_planTable->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_planTable->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_planTable->setWordWrap(false);
    m_planTable->setAlternatingRowColors(true);
    m_planTable->verticalHeader()->hide();
    m_planTable->horizontalHeader()->setStretchLastSection(true);
    m_planTable->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);

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
    m_auditModel->setHorizontalHeaderLabels({tr("When"), tr("User"), tr("Image"), tr("Tag"), tr("Action"),
                                             tr("How"), tr("Digest"), tr("Result"), tr("Commit"), tr("Message")});
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

PublishPage::~PublishPage()
{
    if (m_publisher)
        m_publisher->cancel();
    delete m_publisher.data();
    m_watcher->waitForFinished();
    m_auth.fill('\0');
}

bool PublishPage::isPlanning() const
{
    return m_credentialPending || m_watcher->isRunning();
}

void PublishPage::updateActions()
{
    bool changes = false;
    for (const EnginePlans &engine : std::as_const(m_result.engines)) {
        for (const CellTagPlan &plan : engine.plans)
            changes = changes || plan.changes() > 0;
    }
    m_planAction->setEnabled(!isPlanning() && !m_pushing);
    m_pushAction->setEnabled(!isPlanning() && !m_pushing && changes);
    m_cancelAction->setEnabled(m_pushing);
}

void PublishPage::plan()
{
    if (isPlanning() || m_pushing)
        return;
    const QList<Cell> selected = m_matrix.selectedCells ? m_matrix.selectedCells() : QList<Cell>{};
    if (selected.isEmpty()) {
        m_status->setText(tr("Nothing selected: select cells in the matrix first."));
        return;
    }
    const Manifest manifest = m_workspace->manifest();
    m_registryHost = manifest.registry.host;
    m_status->setText(tr("Reading the credentials for %1…").arg(m_registryHost));
    m_credentialPending = true;
    CredentialRequest *request = CredentialStore::read(m_registryHost, this);
    connect(request, &CredentialRequest::finished, this, [this, request, manifest, selected] {
        request->deleteLater();
        m_credentialPending = false;
        CredentialResult result = request->takeResult();
        m_planNote.clear();
        if (result.error == CredentialError::NotFound)
            m_planNote = tr("No credentials for %1 in the keychain: read anonymously (File ▸ Log In to Registry stores some).")
                             .arg(m_registryHost);
        else if (!result.ok())
            m_planNote = tr("%1 (read anonymously)").arg(result.message);
        m_status->setText(tr("Asking %1 about %n cell(s)…", nullptr, int(selected.size())).arg(m_registryHost));
        m_watcher->setFuture(QtConcurrent::run(loadPlan, manifest, m_workspace->cacheRoot(),
                                               m_matrix.allCells ? m_matrix.allCells() : QList<Cell>{}, selected,
                                               m_matrix.engines ? m_matrix.engines() : QList<EngineStatus>{},
                                               result.credential));
        result.credential.wipe();
        updateActions();
    });
    updateActions();
}

void PublishPage::onPlanned()
{
    const PlanLoad load = m_watcher->result();
    m_result = load.result;
    showPlan();
    QStringList lines;
    if (m_result.failure != PublishPlanner::Failure::None)
        lines << tr("The registry could not be asked:");
    else if (!m_result.anyEngine)
        lines << tr("No reachable engine serves the selected cells.");
    else
        lines << tr("Registry %1: %2.").arg(m_registryHost, planSummary());
    if (!m_planNote.isEmpty())
        lines << m_planNote;
    lines << m_result.problems;
    m_status->setText(lines.join(QLatin1Char('\n')));
    updateActions();

    Q_EMIT planned();
}

void PublishPage::showPlan()
{
    m_planModel->removeRows(0, m_planModel->rowCount());
    for (const EnginePlans &engine : std::as_const(m_result.engines)) {
        for (const CellTagPlan &plan : engine.plans) {
            const QString image = QStringLiteral("%1 @ %2").arg(plan.cell.repository, plan.cell.commit.left(7));
            for (const PlannedTag &t : plan.tags) {
                const QString after = t.action == TagAction::Refused || !t.changes() ? shortDigest(t.current.digest)
                                      : t.targetDigest.isEmpty() ? tr("(new manifest)")
                                                                 : shortDigest(t.targetDigest);
                QString why = t.reason;
                if (why.isEmpty() && t.changes())
                    why = t.copyFrom.isEmpty() ? tr("push the image") : tr("copy the manifest of %1").arg(t.copyFrom);
                auto *action = item(TagPlan::actionName(t.action));
                action->setIcon(StateStyle::icon(t.action));
                if (t.action == TagAction::Refused) {
                    QFont bold = action->font();
                    bold.setBold(true);
                    action->setFont(bold);
                }
                m_planModel->appendRow({item(image, QStringLiteral("%1\nimage %2\ncommit %3")
                                                        .arg(plan.cell.repository, plan.cell.imageId, plan.cell.commit)),
                                        item(t.tag), item(TagPlan::kindName(t.kind)), action,
                                        item(shortDigest(t.current.digest), t.current.digest),
                                        item(after, t.targetDigest.isEmpty() ? after : t.targetDigest), item(why)});
            }
        }
    }
    for (int column = 0; column < WhyColumn; ++column)
        m_planTable->resizeColumnToContents(column);
}

QString PublishPage::planSummary() const
{
    int creates = 0, moves = 0, refused = 0, unchanged = 0;
    for (const EnginePlans &engine : m_result.engines) {
        for (const CellTagPlan &plan : engine.plans) {
            for (const PlannedTag &t : plan.tags) {
                switch (t.action) {
                case TagAction::Create:
                    ++creates;
                    break;
                case TagAction::Move:
                    ++moves;
                    break;
                case TagAction::Refused:
                    ++refused;
                    break;
                case TagAction::Unchanged:
                    ++unchanged;
                    break;
                }
            }
        }
    }
    return tr("%1 to create, %2 to move, %3 refused, %4 unchanged").arg(creates).arg(moves).arg(refused).arg(unchanged);
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
    if (m_pushing || isPlanning() || m_result.engines.isEmpty())
        return;
    m_pushing = true;
    m_cancelled = false;
    m_pushOk = true;
    m_engineIndex = -1;
    m_log->clear();
    m_progressTree->clear();
    m_imageItems.clear();
    m_engineOffsets.clear();
    for (const EnginePlans &engine : std::as_const(m_result.engines)) {
        m_engineOffsets << int(m_imageItems.size());
        for (const CellTagPlan &plan : engine.plans) {
            auto *top = new QTreeWidgetItem(m_progressTree, {plan.cell.repository + QLatin1Char(':') +
                                                                 TagPlan::branchTag(plan.cell.branch)});
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
    updateActions();
    m_status->setText(tr("Reading the credentials for %1…").arg(m_registryHost));

    CredentialRequest *request = CredentialStore::read(m_registryHost, this);
    connect(request, &CredentialRequest::finished, this, [this, request] {
        request->deleteLater();
        CredentialResult result = request->takeResult();
        RegistryCredential credential;
        if (result.ok()) {
            credential = result.credential;
        } else if (result.error != CredentialError::NotFound) {
            finishPush(false, result.message);
            return;
        }
        result.credential.wipe();
        m_user = credential.username;
        m_registry = std::make_unique<RegistryClient>(
            m_registryHost, RegistryCredentials{credential.username, QString::fromUtf8(credential.password)});
        credential.registry = m_registryHost;
        m_auth = RegistryAuth::header(credential);
        credential.wipe();
        auto audit = std::make_unique<PushAudit>(History::defaultPath());
        QString error;
        {
            History history; // its migrations make the database the audit table lives in
            history.open(&error);
        }
        if (audit->open(&error))
            m_audit = std::move(audit);
        else
            appendLog(tr("The push is not recorded: %1").arg(error));
        if (m_cancelled) {
            finishPush(false, tr("Cancelled before anything was pushed."));
            return;
        }
        pushNextEngine();
    });
}

void PublishPage::pushNextEngine()
{
    if (m_publisher) {
        m_pushOk = m_pushOk && m_publisher->ok();
        m_publisher->deleteLater();
        m_publisher = nullptr;
    }
    ++m_engineIndex;
    if (m_cancelled || m_engineIndex >= m_result.engines.size()) {
        finishPush(m_pushOk && !m_cancelled, m_cancelled ? tr("Cancelled.") : QString());
        return;
    }
    const EnginePlans &plans = m_result.engines.at(m_engineIndex);
    m_engine = std::make_unique<EngineClient>(plans.engine);
    m_engine->setApiVersion(plans.apiVersion);
    m_engine->setDefaultTimeout(30000);
    m_publisher = new Publisher(m_engine.get(), m_registry.get(), m_auth, this);
    m_publisher->setEngineRepositoryPrefix(m_registryHost);
    if (m_audit)
        m_publisher->setAudit(m_audit.get(), m_user);
    connect(m_publisher, &Publisher::logLine, this, [this](int cell, const QString &line) {
        const PublishCell &c = m_result.engines.at(m_engineIndex).plans.at(cell).cell;
        appendLog(QStringLiteral("[%1@%2] %3").arg(c.component, c.branch, line));
    });
    connect(m_publisher, &Publisher::progress, this, &PublishPage::onPublisherProgress);
    connect(m_publisher, &Publisher::tagFinished, this, &PublishPage::onTagFinished);
    connect(m_publisher, &Publisher::finished, this, &PublishPage::pushNextEngine, Qt::QueuedConnection);
    m_status->setText(tr("Pushing to %1 through engine %2…").arg(m_registryHost, plans.engine.name));
    m_publisher->start(plans.plans);
}

QTreeWidgetItem *PublishPage::imageItem(int engine, int cell) const
{
    const int index = m_engineOffsets.value(engine, -1) + cell;
    return index >= 0 && index < m_imageItems.size() ? m_imageItems.at(index) : nullptr;
}

void PublishPage::onPublisherProgress(int cell)
{
    QTreeWidgetItem *top = imageItem(m_engineIndex, cell);
    const EnginePush *push = m_publisher ? m_publisher->currentPush() : nullptr;
    if (!top || !push)
        return;
    top->setText(2, tr("uploading %1 of %2")
                        .arg(QLocale().formattedDataSize(push->bytesDone()), QLocale().formattedDataSize(push->bytesTotal())));
    QHash<QString, QTreeWidgetItem *> children;
    for (int i = 0; i < top->childCount(); ++i)
        children.insert(top->child(i)->text(0), top->child(i));
    for (const LayerProgress &layer : push->layers()) {
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

void PublishPage::onTagFinished(int cell, const TagOutcome &outcome)
{
    QTreeWidgetItem *top = imageItem(m_engineIndex, cell);
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

void PublishPage::finishPush(bool ok, const QString &message)
{
    m_auth.fill('\0');
    m_auth.clear();
    m_pushing = false;
    if (m_publisher) {
        m_publisher->deleteLater();
        m_publisher = nullptr;
    }
    int tags = 0, good = 0;
    // The outcomes are in the audit; count them from the tree's bars for the status line.
    for (QTreeWidgetItem *top : std::as_const(m_imageItems)) {
        if (auto *bar = qobject_cast<QProgressBar *>(m_progressTree->itemWidget(top, 1))) {
            tags += bar->maximum();
            good += bar->value();
        }
    }
    m_status->setText((ok ? tr("✔ Pushed: every tag is verified at %1.").arg(m_registryHost)
                          : tr("✘ The push did not complete (%1 of %2 tags handled). See the log.").arg(good).arg(tags))
                      + (message.isEmpty() ? QString() : QLatin1Char(' ') + message));
    if (!message.isEmpty())
        appendLog(message);
    m_audit.reset();
    updateActions();
    refreshAudit();
    Q_EMIT pushFinished(ok);
}

void PublishPage::cancel()
{
    if (!m_pushing)
        return;
    m_cancelled = true;
    appendLog(tr("Cancelling…"));
    if (m_publisher)
        m_publisher->cancel();
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
    m_auditModel->removeRows(0, m_auditModel->rowCount());
    if (!audit.open(&error)) {
        m_auditStatus->setText(error);
        return;
    }
    m_records = audit.recent();
    for (const PushRecord &r : std::as_const(m_records)) {
        auto *result = item(r.ok ? tr("ok") : tr("failed"), r.message);
        result->setIcon(StateStyle::checkIcon(r.ok));
        auto *action = item(r.action);
        for (TagAction a : {TagAction::Create, TagAction::Move, TagAction::Unchanged, TagAction::Refused}) {
            if (TagPlan::actionName(a) == r.action)
                action->setIcon(StateStyle::icon(a));
        }
        m_auditModel->appendRow({item(QLocale().toString(r.when.toLocalTime(), QLocale::ShortFormat),
                                      r.when.toUTC().toString(Qt::ISODate)),
                                 item(r.user.isEmpty() ? tr("(anonymous)") : r.user),
                                 item(r.registry + QLatin1Char('/') + r.repository), item(r.tag), action, item(r.method),
                                 item(shortDigest(r.digest), r.digest), result, item(r.commit.left(7), r.commit),
                                 item(r.message)});
    }
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
