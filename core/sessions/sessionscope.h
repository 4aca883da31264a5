// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/engineprobe.h"
#include "manifest/manifest.h"
#include "workspace/cell.h"
#include "workspace/cellselector.h"

#include <QList>
#include <QString>
#include <atomic>
#include <functional>

namespace mrc {

/**
 * What a build or test session works on: the manifest with the selector's refs as columns (fetched on demand),
 * the scan of its cells and engines, and the ready cells the selector picks. Blocking; a session makes it on its
 * worker thread. Each line worth telling (a ref's column, a skipped cell, an unreachable engine) goes to `note`.
 */
struct SessionScope
{
    enum class Status
    {
        Ok,
        BadInput,
        NoEngine,
        Cancelled
    };

    Status status = Status::Ok;
    Manifest manifest;
    QList<Cell> cells;
    QList<EngineStatus> engines;
    QList<Cell> selected;

    bool ok() const { return status == Status::Ok; }

    static SessionScope make(Manifest manifest, const CellSelector &selector, bool fetch, const QString &cacheRoot,
                             const std::function<void(const QString &)> &note,
                             const std::atomic_bool *cancel = nullptr);
};

} // namespace mrc
