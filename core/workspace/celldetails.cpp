// SPDX-License-Identifier: Apache-2.0
#include "workspace/celldetails.h"

#include "git/gitmirror.h"
#include "manifest/manifest.h"
#include "workspace/cell.h"

namespace mrc {

CellDetails CellDetails::load(const ComponentSpec &component, const Cell &cell, const QString &cacheRoot)
{
    CellDetails details;
    details.folder = component.context;
    while (details.folder.endsWith(QLatin1Char('/')))
        details.folder.chop(1);
    if (cell.commit.isEmpty()) {
        details.error = cell.message.isEmpty() ? QStringLiteral("no commit resolved for this cell") : cell.message;
        return details;
    }
    GitMirror mirror(component.repo, cacheRoot);
    QString error;
    const auto commit = mirror.resolve(cell.commit, &error);
    if (!commit) {
        details.error = error.isEmpty() ? QStringLiteral("commit %1 is not in the mirror").arg(cell.commit) : error;
        return details;
    }
    details.commit = *commit;
    const auto files = mirror.listTree(commit->sha, details.folder, &error);
    if (!files) {
        details.error = error.isEmpty()
                            ? QStringLiteral("folder %1/ is missing at %2").arg(details.folder, commit->shortSha())
                            : error;
        return details;
    }
    details.files = *files;
    if (const auto text = mirror.readFile(commit->sha, details.folder + QStringLiteral("/Dockerfile"), &error))
        details.dockerfile = *text;
    else
        details.error = QStringLiteral("%1/Dockerfile is missing at %2").arg(details.folder, commit->shortSha());
    return details;
}

} // namespace mrc
