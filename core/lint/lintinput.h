// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>

namespace mrc {

/** Everything the linter reads about one image folder; made from a directory or from a git tree. */
struct LintInput
{
    QString component;      // manifest name, or empty in path mode
    QString dockerfilePath; // the name findings carry
    QByteArray dockerfile;
    QStringList files;  // every file of the folder, relative to it, '/'-separated (incl. "Dockerfile")
    QString readmePath; // empty when there is no README.rst in the folder or its parent
    QByteArray readme;
    QHash<QString, QByteArray> texts; // small text files of the folder (templates, scripts), by relative path
    /** The monasca/base image itself: the rules for child images do not apply. Unset: decided from the file. */
    enum class Role
    {
        Auto,
        Base,
        Child
    };
    Role role = Role::Auto;
    /** The --build-arg names the build passes. Unset: those of the folder's build_image.sh when its text was
     *  read; when the script exists but was not read the MRC114 check is skipped; without a script, mrc's own. */
    std::optional<QStringList> buildArgs;
    /** The base image's Dockerfile, for the ONBUILD instructions a child runs; empty when unknown. */
    QByteArray baseDockerfile;
    QString baseDockerfilePath;

    /**
     * Reads `folder`/`dockerfileName`, lists the folder recursively and reads README.rst (or, for a sub-folder of
     * docker/, the README.rst of docker/). `assumePresent` adds files that exist upstream but not on disk.
     * False with *error when the Dockerfile cannot be read.
     */
    static bool fromDirectory(const QString &folder, LintInput *input, QString *error,
                              const QString &dockerfileName = QStringLiteral("Dockerfile"),
                              const QStringList &assumePresent = {});
    /** The names a build script passes with --build-arg NAME=... (or --build-arg NAME). */
    static QStringList scriptBuildArgs(const QByteArray &script);
    /** True for a name whose content the linter reads (templates and scripts). */
    static bool isTextOfInterest(const QString &relativePath);
};

} // namespace mrc
