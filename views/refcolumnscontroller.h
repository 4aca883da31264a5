// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "manifest/manifest.h"
#include "workspace/refcolumn.h"

#include <QFuture>
#include <QHash>
#include <QObject>
#include <atomic>
#include <memory>

class QAction;
class QMainWindow;
class QMenu;
class QPoint;
class QProgressBar;

namespace mrc {

class MatrixFilterModel;
class MatrixModel;
class MatrixView;
class Workspace;

/**
 * Ref columns: a tag, a commit or a change ref shown and built like a branch. Adds them (resolving the ref on a
 * worker thread), removes them, offers them in the Build menu and the header's context menu, and remembers them
 * per manifest in the settings. The window applies a changed column set through columnsChanged.
 */
class RefColumnsController : public QObject
{
    Q_OBJECT
public:
    struct Parts
    {
        Workspace *workspace;
        MatrixModel *model;
        MatrixFilterModel *filter;
        MatrixView *view;
        QProgressBar *progress;
        QAction *cancelAction; // Cancel also stops resolving refs
        QMainWindow *window;   // status bar messages and dialogs
    };
    explicit RefColumnsController(const Parts &parts, QObject *parent = nullptr);
    ~RefColumnsController() override;
    /** Cancels the refs being resolved and waits for them: they report to this object. */
    void cancelAndWait();

    /** Adds Build Ref… and Remove Ref Column to the menu, and the header's context menu. */
    void createActions(QMenu *buildMenu);

    bool addRefColumn(const QString &ref, const QStringList &docker = {});
    bool removeRefColumn(const QString &ref);
    QStringList refColumns() const;
    bool isResolvingRef() const { return m_resolvingRefs > 0; }
    /** The ref column of the current cell; empty when it is a branch. */
    QString currentRefColumn() const;
    /** Enables Remove Ref Column for the current cell. */
    void updateActions();

    /** Keeps the ref columns of the workspace's manifest in the settings. */
    void save() const;
    /** A newly opened manifest: adds the ref columns it had, fetched again in the background. */
    void restore();

Q_SIGNALS:
    void refColumnAdded(const QString &ref);
    void refColumnFailed(const QString &ref, const QString &error);
    /** The window shows `updated` (one column more or less) and rescans. */
    void columnsChanged(const mrc::Manifest &updated);

private:
    void showBuildRefDialog();
    void confirmRemoveRefColumn(const QString &ref);
    void showHeaderMenu(const QPoint &pos);
    void onResolved(const RefColumnResult &result, const QString &ref, const QStringList &docker, const QString &path);
    void showStatus(const QString &message, int timeout = 0);

    Parts m_parts;
    QAction *m_buildRefAction = nullptr;
    QAction *m_removeRefAction = nullptr;
    int m_resolvingRefs = 0;
    QList<QFuture<RefColumnResult>> m_refFutures; // waited for on destruction: they report to this object
    std::shared_ptr<std::atomic_bool> m_refCancel;
    QHash<QString, QStringList> m_refDocker; // ref column -> the Docker versions asked for (empty: its branch's)
};

} // namespace mrc
