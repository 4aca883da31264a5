// SPDX-License-Identifier: Apache-2.0
#include "workspace/cell.h"

#include <array>
#include <utility>

namespace mrc {

namespace {
constexpr std::array<std::pair<CellState, const char *>, 6> stateNames{{
    {CellState::Unknown, "unknown"},
    {CellState::Ready, "ready"},
    {CellState::NoBranch, "no-branch"},
    {CellState::NoContext, "no-context"},
    {CellState::NoEngine, "no-engine"},
    {CellState::Error, "error"},
}};
} // namespace

QString cellStateName(CellState state)
{
    for (const auto &[value, name] : stateNames) {
        if (value == state)
            return QString::fromLatin1(name);
    }
    return QStringLiteral("unknown");
}

CellState cellStateFromName(const QString &name)
{
    for (const auto &[value, text] : stateNames) {
        if (name == QLatin1String(text))
            return value;
    }
    return CellState::Unknown;
}

} // namespace mrc
