// SPDX-License-Identifier: Apache-2.0
#include "views/matrixcelllayout.h"

#include <QFontMetrics>

namespace mrc {

MatrixCellLayout MatrixCellLayout::compute(const QRect &cell, const QFontMetrics &metrics, int ageWidth)
{
    MatrixCellLayout layout;
    const QRect inner = cell.adjusted(padding, 0, -padding, 0);
    const int iconSide = std::max(0, std::min({inner.height() - 6, metrics.height() + 2, inner.width()}));
    layout.icon = QRect(inner.left(), inner.center().y() - iconSide / 2 + 1, iconSide, iconSide);

    // Two lines when there is room: the commit line and the badge line, centred together.
    const int line = metrics.height();
    QRect textLine(inner.left(), inner.top(), inner.width(), inner.height());
    if (cell.height() >= 2 * line + 8) {
        const int top = cell.top() + (cell.height() - 2 * line - 2) / 2;
        textLine = QRect(inner.left(), top, inner.width(), line);
        layout.badges = QRect(inner.left(), top + line + 2, inner.width(), line);
    }

    const int textLeft = layout.icon.right() + 1 + spacing;
    const int available = inner.right() + 1 - textLeft;
    const int commitWidth = metrics.horizontalAdvance(QStringLiteral("0000000"));
    if (available >= commitWidth + spacing + ageWidth) {
        layout.age = QRect(inner.right() + 1 - ageWidth, textLine.top(), ageWidth, textLine.height());
        layout.commit = QRect(textLeft, textLine.top(), layout.age.left() - spacing - textLeft, textLine.height());
    } else {
        layout.commit = QRect(textLeft, textLine.top(), std::max(0, available), textLine.height());
    }
    if (!layout.badges.isEmpty()) {
        layout.badges.setLeft(textLeft);
        if (layout.badges.width() <= 0)
            layout.badges = QRect();
    }
    return layout;
}

QRect MatrixCellLayout::lintBadge(const QRect &cell, const QFontMetrics &metrics, int textWidth) const
{
    if (!badges.isEmpty()) {
        const int width = std::min(textWidth + 6, badges.width());
        const int height = std::min(metrics.height() + 2, badges.height());
        return QRect(badges.right() - width + 1, badges.center().y() - height / 2, width, height);
    }
    const int width = std::min(textWidth + 6, cell.width() - 4);
    const int height = std::min(metrics.height(), cell.height() / 2);
    return QRect(cell.right() - 2 - width + 1, cell.top() + 2, std::max(0, width), std::max(0, height));
}

QRect MatrixCellLayout::testBadge(int width, const QRect &lint) const
{
    if (badges.isEmpty())
        return {};
    const int right = lint.isEmpty() || !badges.intersects(lint) ? badges.right() : lint.left() - spacing;
    const int w = std::min(width, right - badges.left() + 1);
    if (w < badges.height() * 2) // not even the glyph fits
        return {};
    return QRect(badges.left(), badges.top(), w, badges.height());
}

QSize MatrixCellLayout::preferredSize(const QFontMetrics &metrics)
{
    // Commit and age; the badge line below ("12 passed" and a lint badge, in a smaller font) fits in that width. No
    // wider: the demo's seven columns must fit next to the details panel at 1280 pixels.
    const int width = 2 * padding + metrics.height() + 2 + spacing +
                      metrics.horizontalAdvance(QStringLiteral("0000000")) + spacing +
                      metrics.horizontalAdvance(QStringLiteral("12mo"));
    return {width, 2 * metrics.height() + 12};
}

} // namespace mrc
