// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "lint/linter.h"

namespace mrc {

struct LintSpec;

/**
 * The one Linter set-up that the Lint page, `mrc lint`, the matrix badges and the build gate share, so that they
 * agree: the manifest's `lint:` severities, and hadolint's findings whenever hadolint is on the PATH (`mrc lint
 * --no-hadolint` turns it off for that command).
 */
struct LintSetup
{
    static Linter make(const LintSpec &spec, bool useHadolint = true);
};

} // namespace mrc
