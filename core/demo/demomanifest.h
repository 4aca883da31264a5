// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "demo/demoworkspace.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace mrc::demo {

/** The Docker versions of each demo branch, newest first. */
struct DemoColumns
{
    QStringList master;
    QStringList stable;
    QStringList unmaintained;
};

/** The demo's release.yaml: its engines, its branches' Docker columns and its components with their tests. */
class DemoManifest
{
public:
    /** One running engine: master on its version and the two majors before it; the older branches lag behind. */
    static DemoColumns columnsFor(const QString &newest);
    /** Several running engines: master on the three newest versions, the older branches on the older two and one. */
    static DemoColumns columnsFor(const QList<DemoWorkspace::Engine> &engines);
    /** "28.2.2" or "28.2" → "28.2"; empty when it is not a version. */
    static QString majorMinor(const QString &version);
    static QByteArray releaseYaml(const QString &dir, const QList<EngineSpec> &engines, const DemoColumns &columns);
    /**
     * The `automation:` section that `mrc watch` follows on the demo: the open Gerrit changes become events on the
     * first scan (DemoWorkspace::reviewChangeRef and brokenChangeRef), built and tested on master's newest Docker.
     */
    static QString automationYaml(const DemoColumns &columns);
};

} // namespace mrc::demo
