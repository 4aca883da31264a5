// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace mrc {

struct LintInput;

/**
 * The shared corpus of real Monasca docker/ folders (INDEX.yaml + openstack/<repo>/<branch>/docker). Its index
 * lists the scripts that exist upstream but were not copied; the linter treats them as present.
 */
class CorpusIndex
{
public:
    struct Image
    {
        QString folder;            // openstack/monasca-api/master
        QString context;           // docker, docker/collector
        QStringList assumePresent; // relative to the context folder
    };

    /** Every folder with a Dockerfile, in index order; false with *error naming the file and line. */
    bool load(const QString &root, QString *error);
    QList<Image> images() const { return m_images; }
    QString root() const { return m_root; }
    /** The lint input of one image; file names are relative to the corpus root. */
    bool input(const Image &image, LintInput *input, QString *error) const;

private:
    QString m_root;
    QList<Image> m_images;
};

} // namespace mrc
