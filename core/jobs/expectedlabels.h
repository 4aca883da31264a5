// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"
#include "workspace/cell.h"

#include <QByteArray>
#include <QHash>
#include <QMap>
#include <QString>
#include <QStringList>

namespace mrc {

/**
 * The labels an image of a cell carries, derived from its files: the final stage's LABEL lines of its Dockerfile
 * and the ONBUILD LABEL lines of its base's Dockerfile (the triggers run right after FROM), over the labels the
 * base image itself carries (its own LABEL lines), with the build arguments resolved as the components' build
 * scripts pass them, then the labels mrc passes to the build (BuildPlan::expectedLabels), which win. Nothing is listed
 * by hand: a label the Dockerfiles add or drop is added or dropped here.
 */
class ExpectedLabels
{
public:
    /**
     * From the files alone: `baseDockerfile` empty for an image on no base of ours. The base image's own LABELs
     * (evaluated with `baseBuildArgs`) are inherited, its ONBUILD LABELs and then the Dockerfile's LABELs (with
     * `buildArgs`) set theirs over them. Unresolved variables expand to empty, as in Docker; problems (a bad
     * substitution) name the file and line.
     */
    static QMap<QString, QString> fromFiles(const QByteArray &dockerfile, const QByteArray &baseDockerfile,
                                            const QHash<QString, QString> &buildArgs, QStringList *problems = nullptr,
                                            const QHash<QString, QString> &baseBuildArgs = {});

    struct Result
    {
        QMap<QString, QString> labels;
        /** What is not known, for the description: the build time, or build arguments that could not be resolved. */
        QString note;
        bool ok = false;
        QString error; // when !ok: the Dockerfile could not be read
    };

    /**
     * For a cell of the resolved matrix (and its base cell, null when the component has none): reads both
     * Dockerfiles from the git mirrors under `cacheRoot` and resolves the build arguments as a build does
     * (BuildPlan::resolveJobArgs). Blocking I/O: the CLI and worker threads. The created label is left out, since
     * it is the build's time.
     */
    static Result forCell(const Manifest &manifest, const ComponentSpec &component, const Cell &cell,
                          const Cell *baseCell, const QString &cacheRoot);
};

} // namespace mrc
