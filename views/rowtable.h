// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHeaderView>
#include <QTableView>

namespace mrc {

/**
 * The one look of a read-only table of records (history jobs, pipeline runs, tag plans, labels): whole rows
 * selected with @p mode, no editing, no wrapping, no row numbers, the last column stretched and the others sized
 * by hand.
 */
inline void setUpRowTable(QTableView *table, QAbstractItemView::SelectionMode mode = QAbstractItemView::SingleSelection)
{
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setSelectionMode(mode);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setWordWrap(false);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
}

} // namespace mrc
