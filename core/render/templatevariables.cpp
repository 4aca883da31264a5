// SPDX-License-Identifier: Apache-2.0
#include "render/templatevariables.h"

#include <algorithm>

namespace mrc {

QString TemplateVariable::sourceText() const
{
    switch (source) {
    case BaseDockerfile:
        return QStringLiteral("base %1:%2").arg(file).arg(line);
    case Dockerfile:
        return QStringLiteral("%1:%2").arg(file).arg(line);
    case ContextFile:
        return file.isEmpty() ? QStringLiteral("context file") : QStringLiteral("context file %1").arg(file);
    case User:
        break;
    }
    return QStringLiteral("user");
}

void TemplateVariables::setDockerfiles(const QByteArray &baseDockerfile, const QString &baseName,
                                       const QByteArray &dockerfile, const QString &name)
{
    m_defaults.clear();
    m_problems.clear();
    QList<DockerfileEnvVar> inherited;
    if (!baseDockerfile.isEmpty()) {
        const DockerfileEnvResult base = DockerfileEnv::evaluate(mrc::Dockerfile::parse(baseDockerfile, baseName));
        inherited = base.env;
        m_problems += base.problems;
    }
    const DockerfileEnvResult own = DockerfileEnv::evaluate(mrc::Dockerfile::parse(dockerfile, name), inherited);
    m_problems += own.problems;
    for (const DockerfileEnvVar &var : own.env) {
        const bool fromBase = inherited.contains(var);
        TemplateVariable row;
        row.name = var.name;
        row.value = var.value;
        row.defaultValue = var.value;
        row.source = fromBase ? TemplateVariable::BaseDockerfile : TemplateVariable::Dockerfile;
        row.file = fromBase ? baseName : name;
        row.line = var.line;
        m_defaults.append(row);
    }
}

void TemplateVariables::setContext(const QString &text, const QString &fileName, const QHash<QString, QString> &values)
{
    m_contextText = text;
    m_contextFile = fileName;
    m_context = values;
}

QList<TemplateVariable> TemplateVariables::rows() const
{
    QList<TemplateVariable> rows = m_defaults;
    auto find = [&rows](const QString &name) -> TemplateVariable * {
        for (TemplateVariable &row : rows) {
            if (row.name == name)
                return &row;
        }
        return nullptr;
    };
    for (auto it = m_context.cbegin(); it != m_context.cend(); ++it) {
        TemplateVariable *row = find(it.key());
        if (!row) {
            rows.append(TemplateVariable{it.key(), {}, TemplateVariable::ContextFile, m_contextFile, 0, {}, false});
            row = &rows.last();
        }
        row->value = row->defaultValue = it.value();
        row->source = TemplateVariable::ContextFile;
        row->file = m_contextFile;
        row->line = 0;
    }
    for (auto it = m_user.cbegin(); it != m_user.cend(); ++it) {
        TemplateVariable *row = find(it.key());
        if (!row) {
            rows.append(TemplateVariable{it.key(), {}, TemplateVariable::User, {}, 0, {}, false});
            row = &rows.last();
        }
        row->value = it.value();
        row->edited = true;
        row->source = TemplateVariable::User;
    }
    std::sort(rows.begin(), rows.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    return rows;
}

QHash<QString, QString> TemplateVariables::environment() const
{
    QHash<QString, QString> env;
    for (const TemplateVariable &row : m_defaults)
        env.insert(row.name, row.value);
    return env;
}

RenderRequest TemplateVariables::request(const QString &name, const QString &source, bool ignoreUndefined) const
{
    RenderRequest request;
    request.name = name;
    request.source = source;
    request.variables = environment();
    request.context = m_contextText;
    request.overrides = m_user;
    request.ignoreUndefined = ignoreUndefined;
    return request;
}

} // namespace mrc
