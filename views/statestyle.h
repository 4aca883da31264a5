// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "cell.h"
#include "jobstate.h"
#include "labeldiff.h"
#include "tagplan.h"

#include <QColor>
#include <QIcon>

class QPainter;
class QPalette;
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

} // namespace StateStyle
} // namespace mrc
