// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFuture>
#include <QList>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>
#include <atomic>
#include <utility>

class QThreadPool;

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

    /**
     * Runs @p search (a call of find() or count()) on one of the searches' own threads, which run below the
     * priority of the GUI thread: a search of a huge log takes a whole core for a second, and the GUI thread,
     * which wakes for every event, must never wait behind it for the CPU.
     */
    template<typename Search> static auto run(Search search)
    {
        return QtConcurrent::run(pool(), [search = std::move(search)] {
            lowerThreadPriority();
            return search();
        });
    }

private:
    static QThreadPool *pool();
    static void lowerThreadPriority();
};

} // namespace mrc
