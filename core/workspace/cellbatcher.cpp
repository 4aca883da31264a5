// SPDX-License-Identifier: Apache-2.0
#include "workspace/cellbatcher.h"

namespace mrc {

CellBatcher::CellBatcher(Sink sink, int intervalMs) : m_sink(std::move(sink)), m_intervalMs(intervalMs)
{
    m_sinceFlush.start();
}

CellBatcher::~CellBatcher()
{
    flush();
}

void CellBatcher::add(const QList<Cell> &cells)
{
    for (const Cell &cell : cells) {
        const quint64 key = (quint64(quint32(cell.row)) << 32) | quint32(cell.column);
        const auto it = m_slot.constFind(key);
        if (it != m_slot.constEnd()) {
            m_pending[*it] = cell;
        } else {
            m_slot.insert(key, m_pending.size());
            m_pending.append(cell);
        }
    }
    if (m_sinceFlush.elapsed() >= m_intervalMs)
        flush();
}

void CellBatcher::flush()
{
    m_sinceFlush.restart();
    if (m_pending.isEmpty())
        return;
    QList<Cell> batch;
    batch.swap(m_pending);
    m_slot.clear();
    m_sink(batch);
}

} // namespace mrc
