// SPDX-License-Identifier: Apache-2.0
#include "views/labelspage.h"

#include "jobs/buildplan.h"
#include "models/labeldiffmodel.h"
#include "publish/publishplanner.h"
#include "publish/tagplan.h"
#include "secrets/credentialresolver.h"
#include "secrets/credentialstore.h"
#include "views/rowtable.h"
#include "views/statestyle.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>
#include <functional>
#include <memory>

namespace mrc {

struct LabelsLoad
{
    QList<LabelRead> reads;
    std::optional<LabelRead> judge;
    QString drift;
};

namespace {

LabelsLoad loadLabels(const QList<LabelRef> &refs, const std::optional<LabelRef> &judge,
                      const LabelSource::Context &context)
{
    LabelsLoad load;
    for (const LabelRef &ref : refs)
        load.reads << LabelSource::read(ref, context);
    if (judge) {
        load.judge = LabelSource::read(*judge, context);
        if (load.judge->ok() && load.reads.size() == 2 && load.reads.at(1).ok())
            load.drift = LabelSource::drift(*load.judge, load.reads.at(1), context);
    }
    return load;
}

const QList<LabelRef::Kind> kinds{LabelRef::Kind::Engine, LabelRef::Kind::Registry, LabelRef::Kind::Cell,
                                  LabelRef::Kind::History};

} // namespace

LabelsPage::LabelsPage(Workspace *workspace, const MatrixAccess &matrix, QWidget *parent)
    : QWidget(parent), m_workspace(workspace), m_matrix(matrix), m_leftKind(new QComboBox(this)),
      m_leftText(new QLineEdit(this)), m_rightKind(new QComboBox(this)), m_rightText(new QLineEdit(this)),
      m_compareAction(new QAction(tr("&Compare"), this)),
      m_registryAction(new QAction(tr("Compare with &Registry"), this)),
      m_expectedAction(new QAction(tr("Compare with E&xpected"), this)),
      m_hideSame(new QCheckBox(tr("Hide sa&me"), this)), m_model(new LabelDiffModel(this)),
      m_table(new QTableView(this)), m_checks(new QListWidget(this)), m_status(new QLabel(this)),
      m_watcher(new QFutureWatcher<LabelsLoad>(this))
{
    m_model->setChangeIcon([](LabelChange change) { return StateStyle::icon(change); });

    // The registry example is the manifest's own registry and namespace, whatever port it listens on.
    const auto placeholders = [this] {
        const RegistrySpec &registry = m_workspace->manifest().registry;
        return QStringList{tr("%1/api:master or an image id").arg(registry.ns),
                           tr("%1/%2/api:master or …/api@sha256:…").arg(registry.host, registry.ns),
                           tr("api@master (component@branch[@docker])"), tr("a job id from the History page")};
    };
    for (QComboBox *combo : {m_leftKind, m_rightKind}) {
        for (LabelRef::Kind kind : kinds)
            combo->addItem(LabelRef::kindName(kind));
    }
    const auto updatePlaceholder = [placeholders](QComboBox *combo, QLineEdit *edit) {
        edit->setPlaceholderText(placeholders().value(combo->currentIndex()));
    };
    connect(m_workspace, &Workspace::manifestChanged, this, [=, this] {
        updatePlaceholder(m_leftKind, m_leftText);
        updatePlaceholder(m_rightKind, m_rightText);
    });
    connect(m_leftKind, &QComboBox::currentIndexChanged, this,
            [=, this] { updatePlaceholder(m_leftKind, m_leftText); });
    connect(m_rightKind, &QComboBox::currentIndexChanged, this,
            [=, this] { updatePlaceholder(m_rightKind, m_rightText); });
    m_rightKind->setCurrentIndex(1);
    updatePlaceholder(m_leftKind, m_leftText);
    updatePlaceholder(m_rightKind, m_rightText);
    m_leftKind->setAccessibleName(tr("Left source kind"));
    m_rightKind->setAccessibleName(tr("Right source kind"));
    m_leftText->setAccessibleName(tr("Left source"));
    m_rightText->setAccessibleName(tr("Right source"));
    m_leftText->setObjectName(QStringLiteral("leftSource"));
    m_rightText->setObjectName(QStringLiteral("rightSource"));
    m_leftText->setClearButtonEnabled(true);
    m_rightText->setClearButtonEnabled(true);
    connect(m_leftText, &QLineEdit::returnPressed, this, &LabelsPage::compare);
    connect(m_rightText, &QLineEdit::returnPressed, this, &LabelsPage::compare);

    m_compareAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_compareAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_compareAction->setToolTip(tr("Read both sources and compare them (Ctrl+Return)"));
    m_registryAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    m_registryAction->setToolTip(
        tr("The selected cell's local image against its branch tag at the registry (Ctrl+Shift+G)"));
    m_expectedAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
    m_expectedAction->setToolTip(
        tr("The selected cell's expected labels (git and the manifest) against its local image "
           "(Ctrl+Shift+E)"));
    for (QAction *action : {m_compareAction, m_registryAction, m_expectedAction}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_compareAction, &QAction::triggered, this, [this] {
        m_judge.reset();
        compare();
    });
    connect(m_registryAction, &QAction::triggered, this, &LabelsPage::compareWithRegistry);
    connect(m_expectedAction, &QAction::triggered, this, &LabelsPage::compareExpected);
    m_hideSame->setToolTip(tr("Show only the labels that differ"));
    connect(m_hideSame, &QCheckBox::toggled, m_model, &LabelDiffModel::setHideSame);
    connect(m_watcher, &QFutureWatcher<LabelsLoad>::finished, this, &LabelsPage::onLoaded);

    const auto button = [this](QAction *action) {
        auto *b = new QToolButton(this);
        b->setDefaultAction(action);
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        return b;
    };
    auto *pickers = new QGridLayout;
    pickers->setHorizontalSpacing(6);
    pickers->setVerticalSpacing(6);
    auto *leftLabel = new QLabel(tr("&Left:"), this);
    leftLabel->setBuddy(m_leftText);
    auto *rightLabel = new QLabel(tr("R&ight:"), this);
    rightLabel->setBuddy(m_rightText);
    pickers->addWidget(leftLabel, 0, 0);
    pickers->addWidget(m_leftKind, 0, 1);
    pickers->addWidget(m_leftText, 0, 2);
    pickers->addWidget(rightLabel, 1, 0);
    pickers->addWidget(m_rightKind, 1, 1);
    pickers->addWidget(m_rightText, 1, 2);
    pickers->setColumnStretch(2, 1);

    auto *bar = new QHBoxLayout;
    bar->setSpacing(6);
    bar->addWidget(button(m_compareAction));
    bar->addWidget(button(m_registryAction));
    bar->addWidget(button(m_expectedAction));
    bar->addSpacing(12);
    bar->addWidget(m_hideSame);
    bar->addStretch(1);

    m_table->setObjectName(QStringLiteral("labelDiffTable"));
    m_table->setModel(m_model);
    setUpRowTable(m_table, QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);

    m_checks->setObjectName(QStringLiteral("policyChecks"));
    m_checks->setSelectionMode(QAbstractItemView::NoSelection);
    auto *checksBox = new QWidget(this);
    auto *checksLayout = new QVBoxLayout(checksBox);
    checksLayout->setContentsMargins(0, 0, 0, 0);
    checksLayout->setSpacing(4);
    auto *checksTitle = new QLabel(tr("<b>Policy checks</b>"), this);
    checksLayout->addWidget(checksTitle);
    checksLayout->addWidget(m_checks, 1);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_table);
    split->addWidget(checksBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setText(tr("Pick two sources, or select a cell in the matrix and compare it with the registry."));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addLayout(pickers);
    layout->addLayout(bar);
    layout->addWidget(m_status);
    layout->addWidget(split, 1);
}

LabelsPage::~LabelsPage()
{
    m_watcher->waitForFinished();
}

bool LabelsPage::isComparing() const
{
    return m_pending || m_watcher->isRunning();
}

QString LabelsPage::sourceText(int side) const
{
    return kind(side)->currentText() + QLatin1Char(':') + source(side)->text().trimmed();
}

bool LabelsPage::setSources(const QString &left, const QString &right)
{
    const QStringList texts{left, right};
    for (int side = 0; side < 2; ++side) {
        QString error;
        const std::optional<LabelRef> ref = LabelRef::parse(texts.at(side), &error);
        if (!ref) {
            m_status->setText(error);
            return false;
        }
        kind(side)->setCurrentIndex(int(kinds.indexOf(ref->kind)));
        source(side)->setText(ref->value());
    }
    m_judge.reset();
    return true;
}

void LabelsPage::compare()
{
    if (isComparing())
        return;
    QList<LabelRef> refs;
    for (int side = 0; side < 2; ++side) {
        QString error;
        const std::optional<LabelRef> ref = LabelRef::parse(sourceText(side), &error);
        if (!ref) {
            m_status->setText(tr("✘ %1 source: %2").arg(side == 0 ? tr("Left") : tr("Right"), error));
            source(side)->setFocus();
            return;
        }
        refs << *ref;
    }
    auto context = std::make_shared<LabelSource::Context>();
    context->manifest = m_workspace->manifest();
    context->manifestLoaded = true;
    context->cells = m_matrix.allCells ? m_matrix.allCells() : QList<Cell>{};
    context->cacheRoot = m_workspace->cacheRoot();
    context->credentialsGiven = true;
    QStringList hosts;
    for (const LabelRef &ref : std::as_const(refs)) {
        if (ref.kind == LabelRef::Kind::Registry && !hosts.contains(CredentialStore::normalizeRegistry(ref.registry)))
            hosts << CredentialStore::normalizeRegistry(ref.registry);
    }
    m_status->setText(tr("Reading %1 and %2…").arg(refs.at(0).toString(), refs.at(1).toString()));
    m_compareAction->setEnabled(false);
    m_pending = true;
    // The keychain is read here, one host after the other; then both sources on a worker thread.
    auto readNext = std::make_shared<std::function<void()>>();
    *readNext = [this, refs, context, hosts, readNext]() mutable {
        if (hosts.isEmpty()) {
            m_pending = false;
            m_watcher->setFuture(QtConcurrent::run(loadLabels, refs, m_judge, *context));
            for (RegistryCredential &credential : context->credentials)
                credential.wipe();
            // Breaks the self-reference once this call has returned.
            QMetaObject::invokeMethod(
                this, [readNext] { *readNext = nullptr; }, Qt::QueuedConnection);
            return;
        }
        const QString host = hosts.takeFirst();
        CredentialRequest *request = CredentialResolver::resolve(host, this);
        connect(request, &CredentialRequest::finished, this, [request, host, context, readNext] {
            request->deleteLater();
            CredentialResult result = request->takeResult();
            if (result.ok())
                context->credentials.insert(host, result.credential);
            result.credential.wipe();
            if (*readNext)
                (*readNext)();
        });
    };
    (*readNext)();
}

const Cell *LabelsPage::selectedCell(Cell &holder) const
{
    const QList<Cell> selected = m_matrix.selectedCells ? m_matrix.selectedCells() : QList<Cell>{};
    if (selected.isEmpty())
        return nullptr;
    holder = selected.first();
    return &holder;
}

void LabelsPage::compareWithRegistry()
{
    Cell cell;
    const Manifest &manifest = m_workspace->manifest();
    const ComponentSpec *component = selectedCell(cell) ? manifest.component(cell.component) : nullptr;
    if (!component) {
        m_status->setText(tr("Select a cell in the matrix first."));
        return;
    }
    const PublishPlanner planner(manifest, m_workspace->cacheRoot());
    setSources(QStringLiteral("engine:") + BuildPlan::localTag(component->image, cell.branch),
               QStringLiteral("registry:%1/%2:%3")
                   .arg(manifest.registry.host, planner.repositoryOf(*component), TagPlan::branchTag(cell.branch)));
    m_judge = LabelRef::parse(QStringLiteral("cell:%1@%2@%3").arg(cell.component, cell.branch, cell.docker), nullptr);
    compare();
}

void LabelsPage::compareExpected()
{
    Cell cell;
    const Manifest &manifest = m_workspace->manifest();
    const ComponentSpec *component = selectedCell(cell) ? manifest.component(cell.component) : nullptr;
    if (!component) {
        m_status->setText(tr("Select a cell in the matrix first."));
        return;
    }
    setSources(QStringLiteral("cell:%1@%2@%3").arg(cell.component, cell.branch, cell.docker),
               QStringLiteral("engine:") + BuildPlan::localTag(component->image, cell.branch));
    compare();
}

void LabelsPage::onLoaded()
{
    m_compareAction->setEnabled(true);
    const LabelsLoad load = m_watcher->result();
    m_reads = load.reads;
    m_drift = load.drift;
    m_checks->clear();
    QStringList errors;
    for (const LabelRead &read : std::as_const(m_reads)) {
        if (!read.ok())
            errors << QStringLiteral("✘ %1: %2").arg(read.ref.toString(), read.error);
    }
    if (m_reads.size() != 2 || !errors.isEmpty()) {
        m_model->setSides({}, {}, {}, {});
        m_status->setText(errors.join(QLatin1Char('\n')));
        Q_EMIT compared();
        return;
    }
    const LabelRead &left = m_reads.at(0);
    const LabelRead &right = m_reads.at(1);
    m_model->setSides(left.ref.toString(), left.labels, right.ref.toString(), right.labels);
    m_table->resizeColumnsToContents();
    const int differences = m_model->differences();
    QString text =
        tr("Left: %1\nRight: %2\n%3")
            .arg(left.description, right.description,
                 differences == 0 ? tr("✔ Every label is the same.") : tr("%n label(s) differ.", nullptr, differences));
    const bool judged = load.judge && load.judge->ok();
    if (!m_drift.isEmpty())
        text += QStringLiteral("\n✘ ") + m_drift;
    else if (judged)
        text += QStringLiteral("\n✔ ") +
                tr("The registry image was built from the branch's commit %1.").arg(load.judge->commit.left(7));
    m_status->setText(text);
    if (judged)
        Q_EMIT driftFound(load.judge->ref.component, load.judge->ref.branch, m_drift);

    const QList<LabelCheck> checks =
        judged ? LabelSource::checks(*load.judge, right) : LabelSource::checks(left, right);
    for (const LabelCheck &check : checks) {
        auto *item = new QListWidgetItem(
            StateStyle::checkIcon(check.ok),
            QStringLiteral("%1 %2: %3")
                .arg(check.ok ? QStringLiteral("✔") : QStringLiteral("✘"), check.name, check.message),
            m_checks);
        item->setToolTip(check.ok ? tr("passes") : tr("fails"));
    }
    if (checks.isEmpty())
        new QListWidgetItem(tr("No checks: neither side is a cell or a history job, so the commit it should be built "
                               "from is not known."),
                            m_checks);
    Q_EMIT compared();
}

} // namespace mrc
