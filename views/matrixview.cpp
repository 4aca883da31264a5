// SPDX-License-Identifier: Apache-2.0
#include "matrixview.h"

#include "groupedheaderview.h"
#include "matrixdelegate.h"
#include "matrixmodel.h"

#include <QHeaderView>

namespace mrc {

MatrixView::MatrixView(QWidget *parent)
    : QTableView(parent)
{
    setObjectName(QStringLiteral("matrixView"));
    setHorizontalHeader(new GroupedHeaderView(MatrixModel::BranchRole, this));
    setItemDelegate(new MatrixDelegate({MatrixModel::StateRole, MatrixModel::ShortCommitRole, MatrixModel::AgeTextRole,
                                        MatrixModel::JobStateRole, MatrixModel::JobProgressRole, MatrixModel::LintRole,
                                        MatrixModel::TestStateRole, MatrixModel::TestTextRole},
                                       this));
    setSelectionMode(QAbstractItemView::ExtendedSelection);
    setSelectionBehavior(QAbstractItemView::SelectItems);
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
}

} // namespace mrc
