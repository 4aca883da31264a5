// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"
#include "render/celltemplates.h"
#include "render/renderresult.h"
#include "render/templatevariables.h"
#include "sessions/session.h"

#include <QHash>
#include <QMetaType>
#include <atomic>
#include <memory>
#include <optional>

namespace mrc {

class SessionThread;
class TemplateRenderer;

/** One rendered template, tagged with the run it belongs to. */
struct RenderUpdate
{
    QString runId;
    QString component;
    QString branch;
    QString commit;
    QString folder; // the cell's context folder, for problem locations
    QString path;   // the template's path in the folder
    RenderResult result;
};

struct RenderSessionOptions
{
    QString component; // with branch: one cell; both empty: every cell of the manifest (`mrc render --all`)
    QString branch;
    QString templatePath; // one cell only: this template; empty: every template
    bool ignoreUndefined = false;
    QString contextText; // a templer context file's text (YAML), and its name for messages
    QString contextFile;
    QHash<QString, QString> sets; // NAME=VALUE, over everything else
    QString cacheRoot;            // empty: the default
};

/**
 * Renders templates as templer does in the image, for `mrc render` and the Templates page: each cell's variables
 * (both Dockerfiles, then the context file, then the user's values) are built once, by variables(), and every
 * template of the cell is rendered with them, on a worker thread the session owns.
 */
class RenderSession : public Session
{
    Q_OBJECT
public:
    RenderSession(Manifest manifest, RenderSessionOptions options, QObject *parent = nullptr);
    ~RenderSession() override;

    /** The variables of one cell: Dockerfiles, context file (its values through @p renderer), user values. */
    static std::optional<TemplateVariables> variables(TemplateRenderer &renderer, const CellTemplates &cell,
                                                      const QString &contextText, const QString &contextFile,
                                                      const QHash<QString, QString> &user, QString *error);

    bool anyProblem() const { return m_anyProblem; }

Q_SIGNALS:
    /** A warning (a Dockerfile the variables could not fully read, a cell's own warning). */
    void warning(const QString &text);
    void rendered(const mrc::RenderUpdate &update);

private:
    void work() override;
    bool renderCell(TemplateRenderer &renderer, const CellTemplates &cell, const QList<TemplateFile> &files);
    bool workOne(TemplateRenderer &renderer);

    Manifest m_manifest;
    RenderSessionOptions m_options;
    bool m_anyProblem = false;
};

} // namespace mrc

Q_DECLARE_METATYPE(mrc::RenderUpdate)
