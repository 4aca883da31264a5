// SPDX-License-Identifier: Apache-2.0
#include "engine/enginestatus.h"

#include <QRegularExpression>

namespace mrc {

QString EngineStatus::majorMinor() const
{
    // Distribution builds append suffixes ("20.10.24+dfsg1"), releases may start with "v".
    static const QRegularExpression re(QStringLiteral("^v?(\\d+)\\.(\\d+)"));
    const QRegularExpressionMatch m = re.match(version.trimmed());
    if (!m.hasMatch())
        return {};
    return m.captured(1) + QLatin1Char('.') + m.captured(2);
}

} // namespace mrc
