// SPDX-License-Identifier: Apache-2.0
#include "matrixcelllayout.h"

#include <QFontMetrics>

namespace mrc {

MatrixCellLayout MatrixCellLayout::compute(const QRect &cell, const QFontMetrics &metrics, int ageWidth)
{
    MatrixCellLayout layout;
    const QRect inner = cell.adjusted(padding, 0, -padding, 0);
    const int iconSide = std::max(0, std::min({inner.height() - 6, metrics.height() + 2, inner.width()}));
    layout.icon = QRect(inner.left(), inner.center().y() - iconSide / 2 + 1, iconSide, iconSide);

    const int textLeft = layout.icon.right() + 1 + spacing;
    const int available = inner.right() + 1 - textLeft;
    const int commitWidth = metrics.horizontalAdvance(QStringLiteral("0000000"));
    if (available >= commitWidth + spacing + ageWidth) {
        layout.age = QRect(inner.right() + 1 - ageWidth, inner.top(), ageWidth, inner.height());
        layout.commit = QRect(textLeft, inner.top(), layout.age.left() - spacing - textLeft, inner.height());
    } else {
        layout.commit = QRect(textLeft, inner.top(), std::max(0, available), inner.height());
    }
    return layout;
}

QRect MatrixCellLayout::lintBadge(const QRect &cell, const QFontMetrics &metrics, int textWidth)
{
    const int width = std::min(textWidth + 6, cell.width() - 4);
    const int height = std::min(metrics.height(), cell.height() / 2);
    return QRect(cell.right() - 2 - width + 1, cell.top() + 2, std::max(0, width), std::max(0, height));
}

QSize MatrixCellLayout::preferredSize(const QFontMetrics &metrics)
{
    const int width = 2 * padding + metrics.height() + 2 + spacing + metrics.horizontalAdvance(QStringLiteral("0000000"))
        + spacing + metrics.horizontalAdvance(QStringLiteral("12mo"));
    return {width, metrics.height() + 12};
}

} // namespace mrc
