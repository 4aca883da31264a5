// SPDX-License-Identifier: Apache-2.0
#include "sessions/rendersession.h"

#include "git/gitmirror.h"
#include "render/templaterenderer.h"

namespace mrc {

RenderSession::RenderSession(Manifest manifest, RenderSessionOptions options, QObject *parent)
    : Session(parent), m_manifest(std::move(manifest)), m_options(std::move(options))
{
    qRegisterMetaType<RenderUpdate>();
    if (m_options.cacheRoot.isEmpty())
        m_options.cacheRoot = GitMirror::defaultCacheRoot();
}

RenderSession::~RenderSession()
{
    stop();
}

std::optional<TemplateVariables> RenderSession::variables(TemplateRenderer &renderer, const CellTemplates &cell,
                                                          const QString &contextText, const QString &contextFile,
                                                          const QHash<QString, QString> &user, QString *error)
{
    TemplateVariables variables;
    variables.setDockerfiles(cell.baseDockerfile, cell.baseComponent + QStringLiteral("/Dockerfile"), cell.dockerfile,
                             cell.folder + QStringLiteral("/Dockerfile"));
    if (!contextText.isEmpty()) {
        QString why;
        const auto values = renderer.contextValues(variables.environment(), contextText, &why);
        if (!values) {
            if (error)
                *error = QStringLiteral("%1: %2").arg(contextFile, why);
            return std::nullopt;
        }
        variables.setContext(contextText, contextFile, *values);
    }
    for (auto it = user.cbegin(); it != user.cend(); ++it)
        variables.setUser(it.key(), it.value());
    return variables;
}

bool RenderSession::renderCell(TemplateRenderer &renderer, const CellTemplates &cell, const QList<TemplateFile> &files)
{
    QString error;
    const std::optional<TemplateVariables> variables =
        RenderSession::variables(renderer, cell, m_options.contextText, m_options.contextFile, m_options.sets, &error);
    for (const DockerfileProblem &problem : variables ? variables->problems() : QList<DockerfileProblem>())
        Q_EMIT warning(problem.message);
    if (!cell.warning.isEmpty())
        Q_EMIT warning(cell.warning);
    if (!variables) {
        finish(Outcome::BadInput, error);
        return false;
    }
    for (const TemplateFile &file : files) {
        if (m_cancel)
            break;
        RenderUpdate update{runId(), cell.component, cell.branch, cell.commit, cell.folder, file.path, {}};
        update.result = renderer.render(variables->request(file.path, file.text, m_options.ignoreUndefined));
        m_anyProblem = m_anyProblem || !update.result.ok();
        Q_EMIT rendered(update);
    }
    return true;
}

void RenderSession::work()
{
    TemplateRenderer renderer;
    QString error;
    if (!m_options.component.isEmpty()) {
        if (workOne(renderer))
            finish(Outcome::Done);
        return;
    }
    if (!renderer.start(&error)) {
        finish(Outcome::Environment, error);
        return;
    }
    bool anyCell = false;
    for (const ComponentSpec &component : std::as_const(m_manifest.components)) {
        for (const BranchSpec &branch : std::as_const(m_manifest.branches)) {
            const CellTemplates cell =
                CellTemplates::load(m_manifest, component.name, branch.name, m_options.cacheRoot);
            if (!cell.ok() || m_cancel)
                continue; // a branch the repository lacks is no render problem
            anyCell = true;
            if (!renderCell(renderer, cell, cell.templates))
                return;
        }
    }
    if (!anyCell) {
        finish(Outcome::Environment,
               QStringLiteral("no component has any of the manifest's branches (check the repositories)"));
        return;
    }
    finish(Outcome::Done);
}

bool RenderSession::workOne(TemplateRenderer &renderer)
{
    if (!m_manifest.component(m_options.component)) {
        finish(Outcome::BadInput, QStringLiteral("no component '%1' in %2").arg(m_options.component, m_manifest.path));
        return false;
    }
    const CellTemplates cell =
        CellTemplates::load(m_manifest, m_options.component, m_options.branch, m_options.cacheRoot);
    if (!cell.ok()) {
        finish(Outcome::BadInput, cell.error);
        return false;
    }
    QList<TemplateFile> chosen = cell.templates;
    if (!m_options.templatePath.isEmpty()) {
        const TemplateFile *file = cell.find(m_options.templatePath);
        if (!file) {
            QStringList names;
            for (const TemplateFile &t : cell.templates)
                names.append(t.path);
            finish(Outcome::BadInput, QStringLiteral("%1@%2 has no template '%3'. Templates: %4")
                                          .arg(m_options.component, m_options.branch, m_options.templatePath,
                                               names.join(QStringLiteral(", "))));
            return false;
        }
        chosen = {*file};
    }
    QString error;
    if (!renderer.start(&error)) {
        finish(Outcome::Environment, error);
        return false;
    }
    return renderCell(renderer, cell, chosen);
}

} // namespace mrc
