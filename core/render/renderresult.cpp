// SPDX-License-Identifier: Apache-2.0
#include "render/renderresult.h"

namespace mrc {

QString RenderProblem::kindName() const
{
    switch (kind) {
    case Undefined:
        return QStringLiteral("undefined");
    case Syntax:
        return QStringLiteral("syntax");
    case Security:
        return QStringLiteral("security");
    case Context:
        return QStringLiteral("context");
    case Error:
        break;
    }
    return QStringLiteral("error");
}

QString RenderProblem::toString(const QString &templateName) const
{
    return QStringLiteral("%1:%2: %3: %4").arg(templateName).arg(line).arg(kindName(), message);
}

QString RenderResult::statusName() const
{
    switch (status) {
    case Ok:
        return QStringLiteral("ok");
    case Undefined:
        return QStringLiteral("undefined");
    case Error:
        break;
    }
    return QStringLiteral("error");
}

} // namespace mrc
