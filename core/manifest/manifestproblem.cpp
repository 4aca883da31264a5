// SPDX-License-Identifier: Apache-2.0
#include "manifest/manifestproblem.h"

namespace mrc {

QString ManifestProblem::toString() const
{
    // Line 0 means the problem is about the file as a whole (missing, unreadable, $DOCKER_HOST).
    if (line <= 0)
        return QStringLiteral("%1: %2").arg(file, message);
    if (column <= 0)
        return QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(message);
    return QStringLiteral("%1:%2:%3: %4").arg(file).arg(line).arg(column).arg(message);
}

} // namespace mrc
