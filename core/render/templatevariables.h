// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "dockerfile/dockerfile.h"
#include "dockerfile/dockerfileenv.h"
#include "render/renderresult.h"

#include <QHash>
#include <QList>
#include <QString>

namespace mrc {

/** One variable a template sees and where its value comes from. */
struct TemplateVariable
{
    enum Source
    {
        BaseDockerfile,
        Dockerfile,
        ContextFile,
        User
    };
    QString name;
    QString value;
    Source source = Dockerfile;
    QString file;         // the Dockerfile or context file that set it
    int line = 0;         // its line there, 0 when unknown
    QString defaultValue; // the value without the user's edit
    bool edited = false;

    QString sourceText() const; // "base Dockerfile:12", "Dockerfile:30", "context file", "user"
};

/**
 * The layers of a template's variables, in templer's order: the base image's ENV, the Dockerfile's ENV, a context
 * file, then the user's values (`--set`, the Variables table).
 */
class TemplateVariables
{
public:
    /** Evaluates both Dockerfiles (either may be empty); problems name the file and line. */
    void setDockerfiles(const QByteArray &baseDockerfile, const QString &baseName, const QByteArray &dockerfile,
                        const QString &name);
    /** A context file and the values it sets (from TemplateRenderer::contextValues). */
    void setContext(const QString &text, const QString &fileName, const QHash<QString, QString> &values);
    void setUser(const QString &name, const QString &value) { m_user.insert(name, value); }
    void resetUser(const QString &name) { m_user.remove(name); }
    void clearUser() { m_user.clear(); }

    /** Every variable with its effective value, sorted by name. */
    QList<TemplateVariable> rows() const;
    /** The container's environment: both Dockerfiles. */
    QHash<QString, QString> environment() const;
    const QHash<QString, QString> &user() const { return m_user; }
    QString contextText() const { return m_contextText; }
    const QList<DockerfileProblem> &problems() const { return m_problems; }

    /** A request for one template with these variables. */
    RenderRequest request(const QString &name, const QString &source, bool ignoreUndefined = false) const;

private:
    QList<TemplateVariable> m_defaults;
    QList<DockerfileProblem> m_problems;
    QString m_contextText;
    QString m_contextFile;
    QHash<QString, QString> m_context;
    QHash<QString, QString> m_user;
};

} // namespace mrc
