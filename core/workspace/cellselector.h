// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "workspace/cell.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

struct Manifest;

/** What a CellSelector picked out of a scan. */
struct CellSelection
{
    QList<Cell> ready;   // matched and ready, in the scan's order
    QList<Cell> skipped; // matched but not ready, and named closely enough by the filter to be worth a line
};

/**
 * The cell-selection filter that `mrc build|test|push|tags`, the window and the sessions share.
 *
 * An empty list means "any". A cell matches when its component, branch (column) and Docker version are in the
 * lists. With refs (`mrc build --ref`), only the ref columns match, plus the branches that `branches` names. The
 * window's matrix filter is a selector too (componentText and one branch), so its rows and columns are the cells
 * `mrc build --component C --branch B` picks.
 *
 * Usage:
 * @code
 *   CellSelector selector;
 *   selector.components = {"monasca-api"};
 *   if (const QString problem = selector.unknownName(manifest); !problem.isEmpty()) ... // bad input
 *   const CellSelection selection = selector.select(scan.cells());
 *   for (const Cell &cell : selection.skipped) err << CellSelector::skipReason(cell) << '\n';
 * @endcode
 */
class CellSelector
{
public:
    QStringList components;
    QStringList branches;
    QStringList dockers;
    QStringList refs;
    /** A part of the component's name, in any case: the window's text filter. Empty: any. */
    QString componentText;
    /** The cells were picked one by one (the window's selection): every matched cell that is not ready is skipped. */
    bool reportEverySkip = false;

    /** True when @p cell is in the filter, whatever its state: its component and its column match. */
    bool matches(const Cell &cell) const;
    /** The component part of the filter (a matrix row). */
    bool matchesComponent(const QString &component) const;
    /** The column part of the filter: branch or ref, and Docker version (a matrix column). */
    bool matchesColumn(const QString &branch, const QString &docker) const;
    /** The matching cells of @p cells, split into ready and reported-as-skipped. */
    CellSelection select(const QList<Cell> &cells) const;
    /** "no component 'x' in FILE" (or branch) for the first name @p manifest lacks; empty when all exist. Refs are
     *  columns that do not exist before they are resolved, so they are not checked here. */
    QString unknownName(const Manifest &manifest) const;

    /** "component@branch docker V: state (message)": why a cell was skipped. */
    static QString skipReason(const Cell &cell);
};

} // namespace mrc
