// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "git/gittypes.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace mrc {

struct Cell;
struct ComponentSpec;

/** What the details panel shows for one cell: the commit and the component's docker folder at it. */
struct CellDetails
{
    CommitInfo commit;
    QString folder;         // the context folder, e.g. "docker/collector"
    QList<TreeEntry> files; // relative to the folder
    QByteArray dockerfile;  // the Dockerfile's text, empty when missing
    QString error;

    /** Blocking: reads the mirror. Call it off the GUI thread. */
    static CellDetails load(const ComponentSpec &component, const Cell &cell, const QString &cacheRoot);
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::CellDetails)
