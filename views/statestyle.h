// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/history.h"
#include "history/jobstate.h"
#include "publish/labeldiff.h"
#include "publish/tagplan.h"
#include "workspace/cell.h"

#include <QColor>
#include <QIcon>

class QFont;
class QFontMetrics;
class QPainter;
class QPalette;
class QRect;
class QRectF;

namespace mrc {

/** How a cell state looks: a tint that reads on light and dark palettes, and an icon so colour is never alone. */
namespace StateStyle {

/** The state's accent colour (icon fill). */
QColor accent(CellState state);
/** A background tint: the accent blended into the palette's base colour. */
QColor background(CellState state, const QPalette &palette);
/** Paints the state's badge (a disc with a glyph) into `rect`. */
void paintIcon(QPainter *painter, const QRectF &rect, CellState state);
QIcon icon(CellState state, int size = 16);
/** "Ready", "No branch", ... for menus and legends. */
QString label(CellState state);

// The same for a build job's state.
QColor accent(JobState state);
QColor background(JobState state, const QPalette &palette);
void paintIcon(QPainter *painter, const QRectF &rect, JobState state);
QIcon icon(JobState state, int size = 16);
QString label(JobState state);

// A tag plan's action: create (plus), move (arrow), unchanged (equals), refused (a red triangle).
QColor accent(TagAction action);
QIcon icon(TagAction action, int size = 16);
// A label difference: added (plus), removed (minus), changed (tilde-like arrows), same (equals).
QIcon icon(LabelChange change, int size = 16);
/** A policy check's result: a check mark or the warning triangle. */
QIcon checkIcon(bool ok, int size = 16);
// The same for a cell's tests, shown as a badge apart from the build state: a flask, a mark and a word.
QColor accent(TestState state);
/** A flask (filled unless untested) followed by the state's mark (check, cross, dots, arrow), in `rect`. */
void paintTestGlyph(QPainter *painter, const QRectF &rect, TestState state, const QPalette &palette);
/** The width paintTestGlyph wants for a badge `height` high. */
qreal testGlyphWidth(qreal height);
/** The whole badge: a pill tinted by the state, the glyph, and `text` in `font`. */
void paintTestBadge(QPainter *painter, const QRect &rect, TestState state, const QString &text, const QFont &font,
                    const QPalette &palette);
/** The width paintTestBadge wants for `text` in a badge `height` high. */
int testBadgeWidth(const QString &text, const QFontMetrics &metrics, int height);
QIcon testIcon(int size = 16);
QString label(TestState state);

} // namespace StateStyle
} // namespace mrc
