// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dockerfile/dockerfile.h"

#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <functional>
#include <optional>

namespace mrc {

/** One variable of an image's environment and the Dockerfile line that set it (0: inherited). */
struct DockerfileEnvVar
{
    QString name;
    QString value;
    int line = 0;

    bool operator==(const DockerfileEnvVar &other) const = default;
};

/** The environment the final stage of a Dockerfile leaves in the image config, evaluated as Docker does. */
struct DockerfileEnvResult
{
    QList<DockerfileEnvVar> env;  // in Config.Env order: replaced in place, new names appended
    QHash<QString, QString> args; // the final stage's ARGs that have a value
    QString fromImage;            // the final stage's FROM, substituted
    /** The final stage's LABELs (the base's ONBUILD LABELs among them), names and values substituted. */
    QMap<QString, QString> labels;
    QList<DockerfileProblem> problems;

    QHash<QString, QString> toHash() const;
    /** "NAME=value" strings, as `docker image inspect` prints Config.Env. */
    QStringList toStrings() const;
};

/**
 * ARG and ENV evaluation over the parse tree, following Docker's builder: ENV values go through the shell-word
 * processor (quotes, escapes, `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}`, `${VAR?msg}`, `${VAR:?msg}`) with
 * the environment as it was before the instruction; ENV wins over an ARG of the same name.
 */
class DockerfileEnv
{
public:
    using Lookup = std::function<std::optional<QString>(const QString &name)>;

    /** Docker's ProcessWord: expands and unquotes one word; nullopt with *error on a syntax error. */
    static std::optional<QString> processWord(const QString &word, const Lookup &lookup,
                                              QChar escape = QLatin1Char('\\'), QString *error = nullptr);

    /**
     * Evaluates the final stage. `inherited` is the base image's environment (the base component's result);
     * `buildArgs` are --build-arg values; `triggers` run right after the final stage's FROM, as the base image's
     * ONBUILD instructions do (onbuildTriggers).
     */
    static DockerfileEnvResult evaluate(const Dockerfile &file, const QList<DockerfileEnvVar> &inherited = {},
                                        const QHash<QString, QString> &buildArgs = {},
                                        const QList<DockerfileInstruction> &triggers = {});
    /** The instructions of a base image's ONBUILD lines (ONBUILD ARG X becomes ARG X), in order. */
    static QList<DockerfileInstruction> onbuildTriggers(const Dockerfile &base);
};

} // namespace mrc
