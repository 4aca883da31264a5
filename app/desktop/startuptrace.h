// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace mrc {

/**
 * Test-only: when MRC_STARTUP_TRACE is set (to anything), each mark() prints "mrc-startup: NS LABEL" to standard
 * error, NS from the system's monotonic clock, which the starting process shares. bench/startup reads these
 * checkpoints to show where the time from exec to the matrix's first paint goes.
 */
class StartupTrace
{
public:
    static void mark(const char *label);
};

} // namespace mrc
