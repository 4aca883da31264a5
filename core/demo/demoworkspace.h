// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

/**
 * Writes a complete offline workspace for trying the console: a bare git repository per Monasca
 * repository (three branches, release tags, Monasca-style docker/ folders whose images build
 * without network access on a busybox base) and a release.yaml that points at them.
 */
class DemoWorkspace
{
public:
    /**
     * Creates the demo in `dir`. A non-empty `dir` is refused unless `force`; then it is replaced
     * only once the new demo is complete. `dockerVersion` ("28.2") is the newest engine column of
     * master; empty means "28.2". Returns false with `error` set on failure.
     */
    static bool create(const QString &dir, bool force, const QString &dockerVersion, QString *error);

    /** A running engine that the demo's manifest lists, with its Docker version ("28.5"). */
    struct Engine
    {
        EngineSpec spec;
        QString version;
    };

    /**
     * Creates the demo for several running engines, all listed in its manifest. With three or more Docker
     * versions, master is on the three newest, stable/2023.2 on the two older of those and unmaintained/2023.1
     * on the oldest, so that every cell has an engine; with fewer it is as create() with the newest version.
     */
    static bool create(const QString &dir, bool force, const QList<Engine> &engines, QString *error);

    /** The upstream repositories the demo makes, as DIR/repos/<name>.git. */
    static QStringList repositories();

    /**
     * A Gerrit change ref of monasca-common whose base image fails to build (a step needs python3), on no
     * branch: add it as a column (Build Ref…) to try a failed build.
     */
    static QString brokenChangeRef() { return QStringLiteral("refs/changes/66/900066/1"); }
    /**
     * A Gerrit change ref of monasca-api proposed to master that builds and passes its tests: the demo's
     * `automation:` builds it on the first cycle of `mrc watch`.
     */
    static QString reviewChangeRef() { return QStringLiteral("refs/changes/34/1234/1"); }

    /** Where the static busybox comes from (Debian's busybox-static). */
    static QString busyboxPath() { return QStringLiteral("/bin/busybox"); }
};

} // namespace mrc
