// SPDX-License-Identifier: Apache-2.0
#include "workspace/cellselector.h"

#include "manifest/manifest.h"

namespace mrc {

bool CellSelector::matches(const Cell &cell) const
{
    return matchesComponent(cell.component) && matchesColumn(cell.branch, cell.docker);
}

bool CellSelector::matchesComponent(const QString &component) const
{
    if (!components.isEmpty() && !components.contains(component))
        return false;
    return componentText.isEmpty() || component.contains(componentText, Qt::CaseInsensitive);
}

bool CellSelector::matchesColumn(const QString &branch, const QString &docker) const
{
    if (!dockers.isEmpty() && !dockers.contains(docker))
        return false;
    if (refs.contains(branch))
        return true;
    return refs.isEmpty() ? branches.isEmpty() || branches.contains(branch) : branches.contains(branch);
}

CellSelection CellSelector::select(const QList<Cell> &cells) const
{
    CellSelection selection;
    for (const Cell &cell : cells) {
        if (!matches(cell))
            continue;
        if (cell.state == CellState::Ready) {
            selection.ready.append(cell);
            continue;
        }
        // A ref lives in some repositories only; the others are not worth a line unless asked for by name.
        const bool quietlyAbsent =
            refs.contains(cell.branch) && cell.state == CellState::NoBranch && !components.contains(cell.component);
        const bool named = !components.isEmpty() || !dockers.isEmpty() || refs.contains(cell.branch);
        if (reportEverySkip || (named && !quietlyAbsent))
            selection.skipped.append(cell);
    }
    return selection;
}

QString CellSelector::unknownName(const Manifest &manifest) const
{
    for (const QString &name : components) {
        if (!manifest.component(name))
            return QStringLiteral("no component '%1' in %2").arg(name, manifest.path);
    }
    for (const QString &name : branches) {
        if (!manifest.branch(name))
            return QStringLiteral("no branch '%1' in %2").arg(name, manifest.path);
    }
    return {};
}

QString CellSelector::skipReason(const Cell &cell)
{
    return QStringLiteral("%1@%2 docker %3: %4 (%5)")
        .arg(cell.component, cell.branch, cell.docker, cellStateName(cell.state), cell.message);
}

} // namespace mrc
