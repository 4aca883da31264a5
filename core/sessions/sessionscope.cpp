// SPDX-License-Identifier: Apache-2.0
#include "sessions/sessionscope.h"

#include "workspace/refcolumn.h"
#include "workspace/workspacescan.h"

namespace mrc {

SessionScope SessionScope::make(Manifest manifest, const CellSelector &selector, bool fetch, const QString &cacheRoot,
                                const std::function<void(const QString &)> &note, const std::atomic_bool *cancel)
{
    SessionScope scope;
    if (const QString problem = selector.unknownName(manifest); !problem.isEmpty()) {
        note(problem);
        scope.status = Status::BadInput;
        return scope;
    }
    // Each ref becomes a column before the scan: fetched where missing, its Docker versions chosen.
    for (const QString &ref : selector.refs) {
        const RefColumnResult column = RefColumn::resolve(manifest, ref, selector.dockers, cacheRoot, cancel);
        if (!column.ok()) {
            note(column.error);
            scope.status = Status::BadInput;
            return scope;
        }
        for (const QString &problem : column.errors)
            note(problem);
        note(QStringLiteral("%1 is in %2; based on %3, Docker %4")
                 .arg(ref, column.components(manifest).join(QStringLiteral(", ")),
                      column.branch.basedOn.isEmpty() ? QStringLiteral("no branch") : column.branch.basedOn,
                      column.branch.docker.join(QStringLiteral(", "))));
        manifest = RefColumn::withColumn(manifest, column.branch);
    }
    if (cancel && *cancel) {
        scope.status = Status::Cancelled;
        return scope;
    }
    ScanOptions options;
    options.fetch = fetch;
    options.cacheRoot = cacheRoot;
    WorkspaceScan scan(manifest, options);
    scan.run({}, cancel);
    scope.manifest = manifest;
    scope.cells = scan.cells();
    scope.engines = scan.engines();
    if (std::none_of(scope.engines.cbegin(), scope.engines.cend(), [](const EngineStatus &e) { return e.reachable; })) {
        for (const EngineStatus &engine : std::as_const(scope.engines))
            note(QStringLiteral("engine %1 (%2) is unreachable: %3").arg(engine.name, engine.host, engine.error));
        scope.status = Status::NoEngine;
        return scope;
    }
    const CellSelection selection = selector.select(scope.cells);
    for (const Cell &cell : selection.skipped)
        note(QStringLiteral("skipping ") + CellSelector::skipReason(cell));
    scope.selected = selection.ready;
    if (scope.selected.isEmpty()) {
        note(QStringLiteral("no ready cell matches; `mrc matrix` shows each cell's state"));
        scope.status = Status::BadInput;
    }
    return scope;
}

} // namespace mrc
