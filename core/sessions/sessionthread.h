// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QThread>

namespace mrc {

/** A session's worker thread: it quits and is waited for when it goes, so no session leaves one running. */
class SessionThread : public QThread
{
public:
    using QThread::QThread;
    ~SessionThread() override
    {
        quit();
        wait();
    }
};

} // namespace mrc
