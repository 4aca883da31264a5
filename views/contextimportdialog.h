// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/dockercontext.h"

#include <QDialog>

class QListWidget;

namespace mrc {

/** Engines → Import Docker Contexts…: the docker CLI's contexts, checkable; those already in the manifest are
 *  shown checked and disabled. The list is read by the caller, off the GUI thread. */
class ContextImportDialog : public QDialog
{
    Q_OBJECT
public:
    ContextImportDialog(const QList<DockerContext> &contexts, const QStringList &problems, const QStringList &alreadyIn,
                        QWidget *parent = nullptr);

    /** The contexts checked and not in the manifest yet. */
    QList<DockerContext> chosen() const;
    QListWidget *list() const { return m_list; }

private:
    QList<DockerContext> m_contexts;
    QListWidget *m_list;
};

} // namespace mrc
