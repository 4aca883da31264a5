// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QRect>

class QFontMetrics;

namespace mrc {

/**
 * Where a matrix cell's parts go; plain geometry so it can be tested without painting. A cell tall enough for two
 * lines has the build state's icon on the left, commit and age on the first line and a line of badges under them:
 * the test badge on the left, the lint badge on the right. A one-line cell has no badge line; its lint badge goes
 * in the top-right corner and its test state only in the tooltip.
 */
struct MatrixCellLayout
{
    QRect icon;
    QRect commit;
    QRect age;
    QRect badges; // the second line; empty in a one-line cell

    static constexpr int padding = 6;
    static constexpr int spacing = 5;

    /** The age text is dropped (empty rect) when the cell is too narrow for it. */
    static MatrixCellLayout compute(const QRect &cell, const QFontMetrics &metrics, int ageWidth);
    /** The lint badge for a text `textWidth` wide in `metrics`: right of the badge line, else the top-right corner. */
    QRect lintBadge(const QRect &cell, const QFontMetrics &metrics, int textWidth) const;
    /** The test badge `width` wide, left of the badge line, clear of a lint badge `lint`; empty in a one-line cell. */
    QRect testBadge(int width, const QRect &lint) const;
    /** The size a cell wants: icon, 7 hex digits, an age like "12mo" (and room for badges); two lines. */
    static QSize preferredSize(const QFontMetrics &metrics);
};

} // namespace mrc
