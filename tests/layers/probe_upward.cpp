// SPDX-License-Identifier: Apache-2.0
// Compiled with mrc_workspace's include path by the test layers/upward_include_fails, which expects it NOT to
// compile: jobs/ is above workspace/, so its headers are not on the path.
#include "jobs/buildplan.h"

int probeUpward()
{
    return 0;
}
