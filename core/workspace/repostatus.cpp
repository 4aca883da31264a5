// SPDX-License-Identifier: Apache-2.0
#include "workspace/repostatus.h"

namespace mrc {

QString RepoStatus::staleText() const
{
    if (!available || fetched || fetchError.isEmpty())
        return {};
    if (!lastFetched.isValid())
        return QStringLiteral("stale (never fetched)");
    return QStringLiteral("stale since %1").arg(lastFetched.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
}

} // namespace mrc
