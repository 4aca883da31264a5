// SPDX-License-Identifier: Apache-2.0
#include "desktop/startuptrace.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace mrc {

void StartupTrace::mark(const char *label)
{
    static const bool on = std::getenv("MRC_STARTUP_TRACE") != nullptr;
    if (!on)
        return;
    const auto now =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch());
    std::fprintf(stderr, "mrc-startup: %lld %s\n", static_cast<long long>(now.count()), label);
}

} // namespace mrc
