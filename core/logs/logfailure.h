// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QString>

namespace mrc {

/**
 * Where a failed build stopped, read back from its log file: what the window needs for its failure banner when
 * another process (mrc build in a terminal, the watcher) ran the build and only the history and the log tell.
 */
struct LogFailure
{
    QString failingStep; // the last "Step N/M : ..." header, e.g. "Step 4/9 : RUN false"
    QString lastLayerId; // the last layer that built, to start a shell in
    bool readable = false;

    /** Reads the log at `path` once, line by line (blocking: a worker thread). Empty when it is not there. */
    static LogFailure read(const QString &path);
};

} // namespace mrc
