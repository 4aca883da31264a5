// SPDX-License-Identifier: Apache-2.0
#include "views/matrixfilterbar.h"

#include "models/matrixfiltermodel.h"
#include "views/statestyle.h"
#include "workspace/cell.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QToolButton>

namespace mrc {

namespace {
QVariant filterData(int role, std::initializer_list<int> values)
{
    QVariantList data{role};
    for (int value : values)
        data.append(value);
    return data;
}
} // namespace

MatrixFilterBar::MatrixFilterBar(MatrixFilterModel *filter, Roles roles, QWidget *parent)
    : QWidget(parent), m_filter(filter), m_roles(roles), m_component(new QLineEdit(this)),
      m_branch(new QComboBox(this)), m_state(new QComboBox(this)), m_clear(new QToolButton(this))
{
    setObjectName(QStringLiteral("matrixFilterBar"));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 4);
    layout->setSpacing(6);

    m_component->setObjectName(QStringLiteral("componentFilter"));
    m_component->setPlaceholderText(tr("Filter components (Ctrl+F)"));
    m_component->setAccessibleName(tr("Filter components"));
    m_component->setClearButtonEnabled(true);
    m_component->setMinimumWidth(fontMetrics().averageCharWidth() * 16);
    m_component->setMaximumWidth(fontMetrics().averageCharWidth() * 32);

    m_branch->setObjectName(QStringLiteral("branchFilter"));
    m_branch->setAccessibleName(tr("Branch filter"));
    m_branch->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setBranches({});

    m_state->setObjectName(QStringLiteral("stateFilter"));
    m_state->setAccessibleName(tr("State filter"));
    m_state->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_state->addItem(tr("All states"));
    for (CellState state : {CellState::Ready, CellState::NoBranch, CellState::NoContext, CellState::NoEngine,
                            CellState::Error, CellState::Unknown})
        m_state->addItem(StateStyle::icon(state), StateStyle::label(state), filterData(roles.state, {int(state)}));
    m_state->insertSeparator(m_state->count());
    m_state->addItem(StateStyle::icon(JobState::Built), tr("Built"),
                     filterData(roles.jobState, {int(JobState::Built), int(JobState::UpToDate)}));
    m_state->addItem(StateStyle::icon(JobState::None), tr("Not built"),
                     filterData(roles.jobState, {int(JobState::None)}));
    m_state->addItem(StateStyle::icon(JobState::Building), tr("Building"),
                     filterData(roles.jobState, {int(JobState::Queued), int(JobState::Building)}));
    m_state->addItem(StateStyle::icon(JobState::Failed), tr("Build failed"),
                     filterData(roles.jobState, {int(JobState::Failed), int(JobState::Blocked),
                                                 int(JobState::EngineLost), int(JobState::Interrupted)}));
    m_state->insertSeparator(m_state->count());
    m_state->addItem(StateStyle::testIcon(), tr("Tests passed"), filterData(roles.testState, {int(TestState::Passed)}));
    m_state->addItem(StateStyle::testIcon(), tr("Tests failed"), filterData(roles.testState, {int(TestState::Failed)}));
    m_state->addItem(StateStyle::testIcon(), tr("Tests stale"), filterData(roles.testState, {int(TestState::Stale)}));

    m_clear->setObjectName(QStringLiteral("clearFiltersButton"));
    m_clear->setText(tr("Clear"));
    m_clear->setToolTip(tr("Show every component, branch and state (Ctrl+Shift+F)"));
    m_clear->setAccessibleName(tr("Clear filters"));
    m_clear->setEnabled(false);

    auto *show = new QLabel(tr("&Show:"), this);
    show->setBuddy(m_branch);
    layout->addWidget(m_component, 1);
    layout->addWidget(show);
    layout->addWidget(m_branch);
    layout->addWidget(m_state);
    layout->addWidget(m_clear);
    layout->addStretch(0);

    connect(m_component, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_filter->setComponentFilter(text);
        m_clear->setEnabled(isFiltering());
        Q_EMIT filtersChanged();
    });
    connect(m_branch, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setBranchFilter(m_branch->currentData().toString());
        m_clear->setEnabled(isFiltering());
        Q_EMIT filtersChanged();
    });
    connect(m_state, &QComboBox::currentIndexChanged, this, &MatrixFilterBar::applyState);
    connect(m_clear, &QToolButton::clicked, this, &MatrixFilterBar::clear);
}

void MatrixFilterBar::setBranches(const QStringList &branches)
{
    const QString current = m_branch->currentData().toString();
    {
        const QSignalBlocker blocker(m_branch);
        m_branch->clear();
        m_branch->addItem(tr("All branches"));
        for (const QString &branch : branches)
            m_branch->addItem(branch, branch);
        m_branch->setCurrentIndex(std::max(0, m_branch->findData(current)));
    }
    m_filter->setBranchFilter(m_branch->currentData().toString());
    m_clear->setEnabled(isFiltering());
    Q_EMIT filtersChanged();
}

void MatrixFilterBar::applyState()
{
    const QVariantList data = m_state->currentData().toList();
    QList<int> values;
    for (qsizetype i = 1; i < data.size(); ++i)
        values.append(data[i].toInt());
    m_filter->setRoleFilter(data.isEmpty() ? -1 : data.first().toInt(), values);
    m_clear->setEnabled(isFiltering());
    Q_EMIT filtersChanged();
}

void MatrixFilterBar::clear()
{
    m_component->clear();
    m_branch->setCurrentIndex(0);
    m_state->setCurrentIndex(0);
}

bool MatrixFilterBar::isFiltering() const
{
    return !m_component->text().isEmpty() || m_branch->currentIndex() > 0 || m_state->currentIndex() > 0;
}

QString MatrixFilterBar::emptyText() const
{
    if (!isFiltering())
        return tr("The manifest lists no cells. Open a manifest (Ctrl+O) or create the demo (mrc demo init).");
    QStringList why;
    if (!m_component->text().isEmpty())
        why.append(tr("no component matches “%1”").arg(m_component->text()));
    if (m_state->currentIndex() > 0)
        why.append(tr("no cell is in the state “%1”").arg(m_state->currentText()));
    if (m_branch->currentIndex() > 0)
        why.append(tr("on %1").arg(m_branch->currentText()));
    return tr("Nothing to show: %1.\nClear Filters (Ctrl+Shift+F) shows every cell.").arg(why.join(QLatin1Char(' ')));
}

void MatrixFilterBar::addActionsTo(QMenu *menu)
{
    auto *filter = menu->addAction(tr("&Filter Components"));
    filter->setShortcut(QKeySequence::Find);
    connect(filter, &QAction::triggered, this, [this] {
        m_component->setFocus(Qt::ShortcutFocusReason);
        m_component->selectAll();
    });
    auto *clearAll = menu->addAction(tr("C&lear Filters"));
    clearAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F));
    connect(clearAll, &QAction::triggered, this, &MatrixFilterBar::clear);
}

} // namespace mrc
