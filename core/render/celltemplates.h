// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QString>

namespace mrc {

struct TemplateFile
{
    QString path; // relative to the context folder: "monasca-api.conf.j2", "templates/zk.yaml.j2"
    QString text;
};

/** A component's templates and Dockerfiles at a branch, read from its git mirror (and its base's). */
struct CellTemplates
{
    QString component;
    QString branch;
    QString commit;
    QString folder;                // the context folder
    QList<TemplateFile> templates; // *.j2 and *.jinja2, sorted by path
    QByteArray dockerfile;
    QString baseComponent;
    QString baseCommit;
    QByteArray baseDockerfile; // empty when there is no base or it lacks the branch
    QString error;             // why nothing could be read
    QString warning;           // something missing that still lets templates render (the base's Dockerfile)

    bool ok() const { return error.isEmpty(); }
    const TemplateFile *find(const QString &path) const;

    /**
     * Blocking: reads the mirrors under cacheRoot; a mirror that does not exist yet is fetched first.
     * Run it off the GUI thread.
     */
    static CellTemplates load(const Manifest &manifest, const QString &component, const QString &branch,
                              const QString &cacheRoot);
    /** True for the names templer renders: *.j2 and *.jinja2. */
    static bool isTemplate(const QString &path);
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::CellTemplates)
