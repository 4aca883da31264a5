// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "workspace/cell.h"

#include <QElapsedTimer>
#include <QList>
#include <functional>

namespace mrc {

/**
 * Collects cell updates on a worker thread and hands them on at most once per interval, so the GUI thread gets a
 * few large batches instead of a flood of queued events. A cell updated twice within an interval is sent once.
 * Not thread-safe: one producer thread, or callers that serialise.
 */
class CellBatcher
{
public:
    using Sink = std::function<void(const QList<Cell> &)>;

    explicit CellBatcher(Sink sink, int intervalMs = 16);
    ~CellBatcher();

    void add(const QList<Cell> &cells);
    void flush();

private:
    Sink m_sink;
    int m_intervalMs;
    QElapsedTimer m_sinceFlush;
    QList<Cell> m_pending;
    QHash<quint64, qsizetype> m_slot; // (row, column) -> index in m_pending
};

} // namespace mrc
