// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QRect>

class QFontMetrics;

namespace mrc {

/** Where a matrix cell's parts go; plain geometry so it can be tested without painting. */
struct MatrixCellLayout
{
    QRect icon;
    QRect commit;
    QRect age;

    static constexpr int padding = 6;
    static constexpr int spacing = 5;

    /** The age text is dropped (empty rect) when the cell is too narrow for it. */
    static MatrixCellLayout compute(const QRect &cell, const QFontMetrics &metrics, int ageWidth);
    /** The lint badge: a small box in the cell's top-right corner for a text `textWidth` wide in `metrics`. */
    static QRect lintBadge(const QRect &cell, const QFontMetrics &metrics, int textWidth);
    /** The size a cell wants: icon, 7 hex digits, an age like "12mo". */
    static QSize preferredSize(const QFontMetrics &metrics);
};

} // namespace mrc
