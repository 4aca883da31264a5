// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest.h"
#include "manifestproblem.h"

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
};

} // namespace mrc
