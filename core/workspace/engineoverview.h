// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

namespace mrc {

/** One engine of the manifest as `mrc engines` and the Engines dialog show it: how it is reached, what it runs,
 *  and the matrix columns (branch × Docker version) it builds. */
struct EngineOverview
{
    EngineSpec spec;
    EngineStatus status;
    QString transport;                      // unix, tcp, tcp+tls, ssh
    QList<QPair<QString, QString>> columns; // (branch, Docker version) served; empty while unreachable

    /** {"name", "host", "transport", "version", "api_version", "reachable", "columns": ["master × 20.10"], ...} */
    QJsonObject toJson() const;

    /** unix, tcp, tcp+tls (certificates given, or DOCKER_TLS_VERIFY) or ssh. */
    static QString transportOf(const EngineSpec &spec);
    /** One row per manifest engine, statuses matched by name (an engine without one is "not probed"). */
    static QList<EngineOverview> make(const Manifest &manifest, const QList<EngineStatus> &statuses);
    /** Probes every engine of the manifest at once. Blocking: not on the GUI thread. */
    static QList<EngineStatus> probeAll(const Manifest &manifest, int timeoutMs = 3000);
    /**
     * Why no engine builds a column of Docker @p docker: empty when a reachable engine serves it, else a sentence
     * naming each unreachable engine with its error (the header tooltip of the column says it).
     */
    static QString columnProblem(const QList<EngineStatus> &statuses, const QString &docker);
};

} // namespace mrc
