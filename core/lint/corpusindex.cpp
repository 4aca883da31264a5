// SPDX-License-Identifier: Apache-2.0
#include "lint/corpusindex.h"

#include "lint/lintinput.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <yaml-cpp/yaml.h>

namespace mrc {

bool CorpusIndex::load(const QString &root, QString *error)
{
    m_root = QDir::cleanPath(QFileInfo(root).absoluteFilePath()); // relative paths below are made from it
    m_images.clear();
    const QString indexPath = QDir(m_root).filePath(QStringLiteral("INDEX.yaml"));
    YAML::Node index;
    try {
        index = YAML::LoadFile(indexPath.toStdString());
    } catch (const YAML::Exception &e) {
        *error = QStringLiteral("%1:%2: %3").arg(indexPath).arg(e.mark.line + 1).arg(QString::fromStdString(e.msg));
        return false;
    }
    const YAML::Node entries = index["entries"];
    if (!entries.IsSequence()) {
        *error = QStringLiteral("%1: no 'entries' list").arg(indexPath);
        return false;
    }
    for (const YAML::Node &entry : entries) {
        if (!entry.IsMap() || !entry["folder"].IsScalar())
            continue;
        const QString folder = QString::fromStdString(entry["folder"].as<std::string>());
        QStringList notCopied;
        if (entry["code_files_not_copied"].IsSequence()) {
            for (const YAML::Node &file : entry["code_files_not_copied"]) {
                if (file.IsScalar())
                    notCopied << QString::fromStdString(file.as<std::string>());
            }
        }
        const QDir base(QDir(m_root).filePath(folder));
        QStringList contexts;
        QDirIterator it(base.filePath(QStringLiteral("docker")), {QStringLiteral("Dockerfile")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            contexts << base.relativeFilePath(QFileInfo(it.next()).path());
        contexts.sort();
        for (const QString &context : std::as_const(contexts)) {
            Image image{folder, context, {}};
            const QString prefix = context + QLatin1Char('/');
            for (const QString &file : std::as_const(notCopied)) {
                if (file.startsWith(prefix))
                    image.assumePresent << file.mid(prefix.size());
            }
            m_images.append(image);
        }
    }
    return true;
}

bool CorpusIndex::input(const Image &image, LintInput *input, QString *error) const
{
    const QDir root(m_root);
    if (!LintInput::fromDirectory(root.filePath(image.folder + QLatin1Char('/') + image.context), input, error,
                                  QStringLiteral("Dockerfile"), image.assumePresent))
        return false;
    input->component = image.folder + QLatin1Char('/') + image.context;
    input->dockerfilePath = root.relativeFilePath(input->dockerfilePath);
    if (!input->readmePath.isEmpty())
        input->readmePath = root.relativeFilePath(input->readmePath);
    // A child's ONBUILD triggers come from monasca-common's docker/Dockerfile of the same branch folder, else master.
    const QString branchFolder = image.folder.section(QLatin1Char('/'), -1);
    for (const QString &candidate : {branchFolder, QStringLiteral("master")}) {
        const QString path = QStringLiteral("openstack/monasca-common/%1/docker/Dockerfile").arg(candidate);
        QFile base(root.filePath(path));
        if (path != input->dockerfilePath && base.open(QIODevice::ReadOnly)) {
            input->baseDockerfile = base.readAll();
            input->baseDockerfilePath = path;
            break;
        }
    }
    return true;
}

} // namespace mrc
