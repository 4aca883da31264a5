// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QString>

namespace mrc {

/** What the console could read of one repository's mirror during a scan. */
struct RepoStatus
{
    QString url;
    QString mirrorPath;
    bool available = false; // the mirror exists and can be read (fresh or stale)
    bool fetched = false;   // fetched successfully during this scan
    QDateTime lastFetched;  // last successful fetch, from the mirror
    QString fetchError;     // why the last fetch failed, if it did

    /** "stale since 2026-11-20 10:04" when reading from an old cache, else empty. */
    QString staleText() const;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::RepoStatus)
