// SPDX-License-Identifier: Apache-2.0
#include "views/enginescontroller.h"

#include "views/contextimportdialog.h"
#include "views/enginesdialog.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QFutureWatcher>
#include <QMenu>
#include <QtConcurrent/QtConcurrentRun>

namespace mrc {

EnginesController::EnginesController(Workspace *workspace, std::function<QList<EngineStatus>()> engines,
                                     QWidget *window)
    : QObject(window), m_workspace(workspace), m_engines(std::move(engines)), m_window(window)
{
}

void EnginesController::createActions(QMenu *enginesMenu)
{
    auto *enginesAction = enginesMenu->addAction(tr("&Engines…"));
    enginesAction->setObjectName(QStringLiteral("enginesAction"));
    enginesAction->setToolTip(tr("Every engine: transport, Docker version, reachability and the columns it builds"));
    connect(enginesAction, &QAction::triggered, this, &EnginesController::showEnginesDialog);
    auto *importAction = enginesMenu->addAction(tr("&Import Docker Contexts…"));
    importAction->setObjectName(QStringLiteral("importContextsAction"));
    importAction->setToolTip(tr("Add engines from the docker CLI's contexts and DOCKER_HOST"));
    connect(importAction, &QAction::triggered, this, &EnginesController::showImportContextsDialog);
}

void EnginesController::showEnginesDialog()
{
    auto *dialog = new EnginesDialog(m_workspace->manifest(), m_engines(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
}

void EnginesController::showImportContextsDialog()
{
    struct Found
    {
        QList<DockerContext> contexts;
        QStringList problems;
    };
    auto *watcher = new QFutureWatcher<Found>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        const Found found = watcher->result();
        QStringList present;
        for (const EngineSpec &engine : m_workspace->manifest().engines) {
            if (!engine.context.isEmpty())
                present.append(engine.context);
        }
        auto *dialog = new ContextImportDialog(found.contexts, found.problems, present, m_window);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog] {
            const QStringList added = importContexts(dialog->chosen());
            if (!added.isEmpty())
                Q_EMIT status(tr("Added engine(s) %1 from Docker contexts").arg(added.join(QStringLiteral(", "))),
                              10000);
        });
        dialog->open();
    });
    watcher->setFuture(QtConcurrent::run([] {
        Found found;
        found.contexts = DockerContext::list({}, &found.problems);
        return found;
    }));
}

QStringList EnginesController::importContexts(const QList<DockerContext> &contexts)
{
    Manifest updated = m_workspace->manifest();
    QStringList added;
    for (const DockerContext &context : contexts) {
        const bool present = std::any_of(updated.engines.cbegin(), updated.engines.cend(),
                                         [&](const EngineSpec &e) { return e.context == context.name; });
        if (present)
            continue;
        EngineSpec engine = context.toEngine();
        const auto taken = [&updated](const QString &name) {
            return std::any_of(updated.engines.cbegin(), updated.engines.cend(),
                               [&name](const EngineSpec &e) { return e.name == name; });
        };
        if (taken(engine.name))
            engine.name += QStringLiteral("-context");
        for (int n = 2; taken(engine.name); ++n)
            engine.name = context.name + QStringLiteral("-context-%1").arg(n);
        updated.engines.append(engine);
        added.append(engine.name);
    }
    if (added.isEmpty())
        return added;
    Q_EMIT enginesChanged(updated); // same grid, more engines; the rescan probes them
    return added;
}

} // namespace mrc
