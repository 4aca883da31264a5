// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"
#include "manifest/manifestproblem.h"

#include <QByteArray>

namespace mrc {

struct ManifestResult
{
    Manifest manifest;
    ManifestProblems problems; // empty when the manifest is valid

    bool ok() const { return problems.isEmpty(); }
};

/** Parses and validates release.yaml; reports every problem at once, never throws. */
class ManifestParser
{
public:
    static ManifestResult parse(const QByteArray &text, const QString &fileName);
    static ManifestResult load(const QString &path);
    static ManifestResult defaultManifest();
    static QString defaultManifestPath() { return QStringLiteral(":/mrc/default-release.yaml"); }

    /** Why an engine host (unix://PATH, tcp://HOST:PORT, ssh://[USER@]HOST[:PORT]) is unusable; empty if it is fine. */
    static QString engineHostProblem(const QString &host);
    /** True for MAJOR.MINOR or MAJOR.MINOR.PATCH ("28.2", "20.10", "24.0.7"). */
    static bool isDockerVersion(const QString &version);
    /** The host of the engine used when the manifest has no `engines`: $DOCKER_HOST, else the local socket. */
    static QString localEngineHost();
};

} // namespace mrc
