// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/dockercontext.h"
#include "manifest/manifest.h"

#include <QObject>
#include <functional>

class QMenu;
class QWidget;

namespace mrc {

class Workspace;

/** The Engines menu: the engines' details from the last probe, and importing the docker CLI's contexts as engines. */
class EnginesController : public QObject
{
    Q_OBJECT
public:
    EnginesController(Workspace *workspace, std::function<QList<EngineStatus>()> engines, QWidget *window);

    void createActions(QMenu *enginesMenu);
    void showEnginesDialog();
    /** Reads the docker CLI's contexts off the GUI thread, then asks which to add. */
    void showImportContextsDialog();
    /** Adds the contexts as `context:` engines (a taken name gets the suffix "-context"); returns the names added. */
    QStringList importContexts(const QList<DockerContext> &contexts);

Q_SIGNALS:
    /** The window shows `updated` (same grid, more engines) and rescans. */
    void enginesChanged(const mrc::Manifest &updated);
    void status(const QString &message, int timeout);

private:
    Workspace *m_workspace;
    std::function<QList<EngineStatus>()> m_engines;
    QWidget *m_window;
};

} // namespace mrc
