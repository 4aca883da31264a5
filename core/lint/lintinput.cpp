// SPDX-License-Identifier: Apache-2.0
#include "lint/lintinput.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace mrc {

namespace {
constexpr qint64 kMaxText = 1024 * 1024;

bool readSmall(const QString &path, QByteArray *out)
{
    QFile file(path);
    if (file.size() > kMaxText || !file.open(QIODevice::ReadOnly))
        return false;
    *out = file.readAll();
    return true;
}
} // namespace

QStringList LintInput::scriptBuildArgs(const QByteArray &script)
{
    static const QRegularExpression re(QStringLiteral("--build-arg[= ]+[\"']?([A-Za-z_][A-Za-z0-9_]*)"));
    QStringList names;
    auto it = re.globalMatch(QString::fromUtf8(script));
    while (it.hasNext()) {
        const QString name = it.next().captured(1);
        if (!names.contains(name))
            names << name;
    }
    return names;
}

bool LintInput::isTextOfInterest(const QString &relativePath)
{
    static const QStringList suffixes{QStringLiteral(".j2"), QStringLiteral(".sh"), QStringLiteral(".py")};
    for (const QString &suffix : suffixes) {
        if (relativePath.endsWith(suffix))
            return true;
    }
    return false;
}

bool LintInput::fromDirectory(const QString &folder, LintInput *input, QString *error, const QString &dockerfileName,
                              const QStringList &assumePresent)
{
    const QDir dir(folder);
    const QString dockerfile = dir.filePath(dockerfileName);
    QFile file(dockerfile);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot read: %2").arg(dockerfile, file.errorString());
        return false;
    }
    input->dockerfilePath = QDir::cleanPath(dockerfile);
    input->dockerfile = file.readAll();
    input->files.clear();
    input->texts.clear();

    // QDir::relativeFilePath returns a relative path unchanged: list the folder by its absolute path, or a folder
    // given as some/dir would list "some/dir/start.sh" and miss every file the Dockerfile names.
    const QDir absolute(dir.absolutePath());
    QDirIterator it(absolute.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = absolute.relativeFilePath(path);
        input->files << relative;
        if (isTextOfInterest(relative)) {
            QByteArray text;
            if (readSmall(path, &text))
                input->texts.insert(relative, text);
        }
    }
    for (const QString &present : assumePresent) {
        if (!input->files.contains(present))
            input->files << present;
    }
    input->files.sort();

    input->readmePath.clear();
    input->readme.clear();
    // Sub-images share the README of their docker/ folder (monasca-agent's collector and forwarder).
    QStringList candidates{dir.filePath(QStringLiteral("README.rst"))};
    const QDir parent(QDir::cleanPath(dir.absoluteFilePath(QStringLiteral(".."))));
    if (parent.dirName() == QLatin1String("docker"))
        candidates << parent.filePath(QStringLiteral("README.rst"));
    for (const QString &candidate : std::as_const(candidates)) {
        QByteArray text;
        if (QFileInfo(candidate).isFile() && readSmall(candidate, &text)) {
            input->readmePath = QDir::cleanPath(candidate);
            input->readme = text;
            break;
        }
    }
    return true;
}

} // namespace mrc
