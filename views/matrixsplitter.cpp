// SPDX-License-Identifier: Apache-2.0
#include "views/matrixsplitter.h"

#include "views/detailspanel.h"
#include "views/matrixview.h"

#include <QAction>
#include <QMenu>
#include <QVBoxLayout>

namespace mrc {

MatrixSplitter::MatrixSplitter(MatrixView *view, DetailsPanel *details, QWidget *parent)
    : QSplitter(Qt::Horizontal, parent), m_view(view), m_details(details)
{
    setObjectName(QStringLiteral("matrixSplitter"));
}

void MatrixSplitter::setPanes(QWidget *filterBar)
{
    // The filters sit above the grid on the Matrix page, where no toolbar overflow can hide them.
    auto *matrixPane = new QWidget(this);
    matrixPane->setObjectName(QStringLiteral("matrixPane"));
    auto *matrixLayout = new QVBoxLayout(matrixPane);
    matrixLayout->setContentsMargins(0, 0, 0, 0);
    matrixLayout->setSpacing(0);
    matrixLayout->addWidget(filterBar);
    matrixLayout->addWidget(m_view, 1);
    addWidget(matrixPane);
    addWidget(m_details);
    setStretchFactor(0, 1);
    setStretchFactor(1, 0);
    setCollapsible(0, false);
    setCollapsible(1, true); // the matrix can take the full width (View > Details Panel, F9)
    m_details->setMinimumWidth(fontMetrics().averageCharWidth() * 36);
}

void MatrixSplitter::createDetailsAction(QMenu *viewMenu)
{
    m_detailsAction = viewMenu->addAction(tr("&Details Panel"));
    m_detailsAction->setObjectName(QStringLiteral("detailsPanelAction"));
    m_detailsAction->setCheckable(true);
    m_detailsAction->setChecked(true);
    m_detailsAction->setShortcut(QKeySequence(Qt::Key_F9));
    m_detailsAction->setToolTip(tr("Show or hide the details of the selected cell; hidden, the matrix takes the full "
                                   "width (F9)"));
    connect(m_detailsAction, &QAction::toggled, this, &MatrixSplitter::setDetailsShown);
    connect(this, &QSplitter::splitterMoved, this, [this] {
        m_userSet = true; // the user's choice from now on
        const bool shown = sizes().value(1) > 0;
        if (m_detailsAction->isChecked() != shown) {
            const QSignalBlocker blocker(m_detailsAction);
            m_detailsAction->setChecked(shown);
        }
    });
    // Enter on a cell: its details, brought back when the panel was collapsed.
    connect(m_view, &MatrixView::detailsRequested, this, [this] {
        setDetailsShown(true);
        m_details->focusDetails();
    });
}

bool MatrixSplitter::restoreSizes(const QByteArray &state)
{
    m_userSet = restoreState(state);
    return m_userSet;
}

void MatrixSplitter::updateDetailsAction()
{
    m_detailsAction->setChecked(sizes().value(1) > 0 || !m_userSet);
}

void MatrixSplitter::fitMatrixWidth(int windowWidth)
{
    if (!m_detailsAction || m_userSet || !m_detailsAction->isChecked())
        return;
    const int total = std::max(width(), windowWidth - 2);
    const int wanted = m_view->fullWidth();
    const int details = std::max(m_details->minimumWidth(), total - wanted - handleWidth());
    setSizes({total - details - handleWidth(), details});
}

void MatrixSplitter::setDetailsShown(bool shown)
{
    const QList<int> now = sizes();
    const int total = now.value(0) + now.value(1);
    if (!shown) {
        if (now.value(1) > 0)
            m_detailsWidth = now.value(1);
        setSizes({total, 0});
    } else if (now.value(1) == 0) {
        const int details = m_detailsWidth > 0 ? m_detailsWidth : m_details->minimumWidth();
        setSizes({std::max(0, total - details), details});
    }
    if (m_detailsAction->isChecked() != shown)
        m_detailsAction->setChecked(shown);
}

} // namespace mrc
