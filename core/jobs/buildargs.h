// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dockerfile/buildscript.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <functional>
#include <optional>

namespace mrc {

/**
 * The build arguments of one image, computed the way its build script computes them: defaults grepped from the
 * Dockerfile, GITHUB_REPO from APP_REPO, on a stable branch the constraints file of that branch and the
 * monasca-common version pinned in it, COMMON_GIT_COMMIT from the monasca-common repository. The two reads that
 * leave the process (the constraints file, a monasca-common ref) are callbacks, so that the caller decides where
 * they come from (git mirrors through libgit2, never wget).
 */
class BuildArgs
{
public:
    struct Input
    {
        QString repoVersion;       // the script's $1: the branch, tag or ref built
        QString constraintsBranch; // the script's $2, empty when not given
        QString gitCommit;         // the commit built (GIT_COMMIT, BASE_GIT_COMMIT)
        QString created;           // CREATION_TIME / BASE_CREATION_TIME, date -u +%Y-%m-%dT%H:%M:%SZ
    };
    /** The constraints file a URL serves; nullopt with *error when it cannot be read. */
    using ConstraintsReader = std::function<std::optional<QByteArray>(const QString &url, QString *error)>;
    /** The commit of monasca-common at a ref (empty: the default branch); nullopt with *error. */
    using CommonResolver = std::function<std::optional<QString>(const QString &ref, QString *error)>;

    /** NAME -> VALUE of every --build-arg the script passes; nullopt with *error where the script would stop. */
    static std::optional<QMap<QString, QString>> compute(const BuildScript &script, const QByteArray &dockerfile,
                                                         const Input &input, const ConstraintsReader &constraints,
                                                         const CommonResolver &common, QString *error);
    /** The URL the script hands to wget on a stable branch, or empty when it reads no constraints file. */
    static QString constraintsFetchUrl(const BuildScript &script, const QByteArray &dockerfile, const Input &input);

private:
    struct Values;
    static Values variables(const BuildScript &script, const QByteArray &dockerfile, const Input &input);
};

} // namespace mrc
