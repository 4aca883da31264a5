// SPDX-License-Identifier: Apache-2.0
#include "views/matrixview.h"

#include "models/matrixmodel.h"
#include "views/groupedheaderview.h"
#include "views/matrixdelegate.h"

#include <QAbstractButton>
#include <QHeaderView>
#include <QItemSelection>
#include <QKeyEvent>
#include <QLabel>
#include <QScrollBar>

namespace mrc {

MatrixView::MatrixView(QWidget *parent) : QTableView(parent), m_empty(new QLabel(viewport()))
{
    setObjectName(QStringLiteral("matrixView"));
    setAccessibleName(tr("Matrix of components, branches and Docker versions"));
    auto *header = new GroupedHeaderView(MatrixModel::BranchRole, this);
    setHorizontalHeader(header);
    connect(header, &GroupedHeaderView::groupClicked, this, &MatrixView::selectColumns);
    setItemDelegate(new MatrixDelegate({MatrixModel::StateRole, MatrixModel::ShortCommitRole, MatrixModel::AgeTextRole,
                                        MatrixModel::JobStateRole, MatrixModel::JobProgressRole, MatrixModel::LintRole,
                                        MatrixModel::TestStateRole, MatrixModel::TestTextRole},
                                       this));
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionBehavior(QAbstractItemView::SelectItems);
    setTabKeyNavigation(false); // Tab goes on to the details panel; the arrows move between cells
    setShowGrid(false);
    setWordWrap(false);
    setCornerButtonEnabled(true);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    verticalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    const QSize cell = itemDelegate()->sizeHint(QStyleOptionViewItem(), QModelIndex());
    verticalHeader()->setDefaultSectionSize(cell.height());
    horizontalHeader()->setDefaultSectionSize(cell.width());
    horizontalHeader()->setMinimumSectionSize(cell.width() / 2);

    for (QAbstractButton *corner : findChildren<QAbstractButton *>()) {
        if (corner->inherits("QTableCornerButton"))
            corner->setAccessibleName(tr("Select every cell"));
    }
    m_empty->setObjectName(QStringLiteral("matrixEmptyText"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setMargin(24);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->hide();
}

void MatrixView::setModel(QAbstractItemModel *model)
{
    QTableView::setModel(model);
    if (!model)
        return;
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved,
                        &QAbstractItemModel::columnsInserted, &QAbstractItemModel::columnsRemoved})
        connect(model, signal, this, &MatrixView::updateEmptyLabel);
    connect(model, &QAbstractItemModel::modelReset, this, &MatrixView::updateEmptyLabel);
    connect(model, &QAbstractItemModel::layoutChanged, this, &MatrixView::updateEmptyLabel);
    updateEmptyLabel();
}

void MatrixView::setEmptyText(const QString &text)
{
    m_empty->setText(text);
    m_empty->setAccessibleName(text);
    updateEmptyLabel();
}

QString MatrixView::emptyText() const
{
    return m_empty->text();
}

bool MatrixView::isEmptyTextShown() const
{
    return m_empty->isVisible();
}

void MatrixView::updateEmptyLabel()
{
    const bool empty = !model() || model()->rowCount() == 0 || model()->columnCount() == 0;
    m_empty->setGeometry(viewport()->rect());
    m_empty->setVisible(empty && !m_empty->text().isEmpty());
}

void MatrixView::resizeEvent(QResizeEvent *event)
{
    QTableView::resizeEvent(event);
    m_empty->setGeometry(viewport()->rect());
}

void MatrixView::selectColumns(int firstVisual, int lastVisual)
{
    if (!model() || model()->rowCount() == 0)
        return;
    QItemSelection selection;
    for (int visual = firstVisual; visual <= lastVisual; ++visual) {
        const int column = horizontalHeader()->logicalIndex(visual);
        selection.select(model()->index(0, column), model()->index(model()->rowCount() - 1, column));
    }
    const QModelIndex first = model()->index(0, horizontalHeader()->logicalIndex(firstVisual));
    selectionModel()->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

int MatrixView::fullWidth() const
{
    const int names = std::max(verticalHeader()->width(), verticalHeader()->sizeHint().width());
    return names + horizontalHeader()->length() + 2 * frameWidth() + verticalScrollBar()->sizeHint().width();
}

void MatrixView::keyPressEvent(QKeyEvent *event)
{
    if ((event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) && currentIndex().isValid() &&
        event->modifiers() == Qt::NoModifier) {
        Q_EMIT detailsRequested(currentIndex());
        event->accept();
        return;
    }
    QTableView::keyPressEvent(event);
}

} // namespace mrc
