// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <atomic>

namespace mrc {

/**
 * Finds text in a log file without an index in memory: it reads the file in large blocks and counts lines
 * itself, so it can run on any thread while the GUI thread keeps appending to its own LogIndex.
 */
class LogSearch
{
public:
    /** Complete lines [firstLine, ...) stored in the bytes [start, end) of the file. */
    struct Segment
    {
        int firstLine = 0;
        qint64 start = 0;
        qint64 end = 0;
    };

    /**
     * Returns the first line (@p forward) or the last line (backward) containing @p needle, case-insensitively,
     * looking at the segments in the order given and stopping at the first segment with a match; -1 when
     * nothing matches, on a read error, or when @p cancel becomes true. ANSI escapes are searched as they are.
     */
    static int find(const QString &path, const QList<Segment> &segments, const QString &needle, bool forward,
                    const std::atomic_bool *cancel = nullptr);

    /**
     * How many lines of the file from byte @p start on contain @p needle, matched as find() matches; -1 on a read
     * error or when @p cancel becomes true.
     */
    static qint64 count(const QString &path, const QString &needle, qint64 start = 0,
                        const std::atomic_bool *cancel = nullptr);
};

} // namespace mrc
