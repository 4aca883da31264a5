// SPDX-License-Identifier: Apache-2.0
#include "lint/lintsetup.h"

#include "manifest/manifest.h"

namespace mrc {

Linter LintSetup::make(const LintSpec &spec, bool useHadolint)
{
    Linter linter;
    linter.setUseHadolint(useHadolint);
    linter.applySpec(spec);
    return linter;
}

} // namespace mrc
