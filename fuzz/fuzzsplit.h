// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QList>
#include <cstddef>
#include <cstdint>

namespace mrc::fuzz {

/**
 * Cuts @p data into pieces whose sizes come from its first byte (a seed for a small generator), so one input
 * exercises the parser both whole and cut at arbitrary places. The first byte is not part of the payload.
 */
inline QList<QByteArray> pieces(const uint8_t *data, size_t size, QByteArray *whole)
{
    QList<QByteArray> out;
    if (size == 0)
        return out;
    uint32_t state = data[0] * 2654435761u + 1;
    *whole = QByteArray(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    qsizetype pos = 0;
    while (pos < whole->size()) {
        state = state * 1103515245u + 12345u;
        const qsizetype length = qsizetype((state >> 16) % 17); // 0..16: empty pieces too
        out.append(whole->mid(pos, length));
        pos += length;
    }
    return out;
}

} // namespace mrc::fuzz
