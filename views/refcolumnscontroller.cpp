// SPDX-License-Identifier: Apache-2.0
#include "views/refcolumnscontroller.h"

#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "views/matrixview.h"
#include "workspace/workspace.h"

#include <QAction>
#include <QComboBox>
#include <QCryptographicHash>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMainWindow>
#include <QMenu>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QStyle>
#include <QtConcurrent/QtConcurrentRun>

namespace mrc {

namespace {
QString refSettingsKey(const QString &manifestPath)
{
    const QByteArray hash =
        QCryptographicHash::hash(QFileInfo(manifestPath).absoluteFilePath().toUtf8(), QCryptographicHash::Sha1);
    return QStringLiteral("refColumns/") + QString::fromLatin1(hash.toHex().left(16));
}
} // namespace

RefColumnsController::RefColumnsController(const Parts &parts, QObject *parent) : QObject(parent), m_parts(parts) {}

RefColumnsController::~RefColumnsController()
{
    cancelAndWait();
}

void RefColumnsController::cancelAndWait()
{
    if (m_refCancel)
        m_refCancel->store(true);
    for (QFuture<RefColumnResult> &future : m_refFutures)
        future.waitForFinished();
}

void RefColumnsController::showStatus(const QString &message, int timeout)
{
    m_parts.window->statusBar()->showMessage(message, timeout);
}

void RefColumnsController::createActions(QMenu *buildMenu)
{
    m_buildRefAction = buildMenu->addAction(tr("Build &Ref…"));
    m_buildRefAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    m_buildRefAction->setToolTip(tr("Add a column for a tag, a commit or a Gerrit change ref, fetched on demand "
                                    "(Ctrl+Shift+G)"));
    connect(m_buildRefAction, &QAction::triggered, this, &RefColumnsController::showBuildRefDialog);
    m_removeRefAction = buildMenu->addAction(tr("Remove Ref &Column"));
    m_removeRefAction->setToolTip(tr("Remove the ref column of the current cell"));
    m_removeRefAction->setEnabled(false);
    connect(m_removeRefAction, &QAction::triggered, this, [this] {
        const QString ref = currentRefColumn();
        if (!ref.isEmpty())
            confirmRemoveRefColumn(ref);
    });
    connect(m_parts.cancelAction, &QAction::triggered, this, [this] {
        if (m_refCancel)
            m_refCancel->store(true);
    });
    QHeaderView *header = m_parts.view->horizontalHeader();
    header->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(header, &QWidget::customContextMenuRequested, this, &RefColumnsController::showHeaderMenu);
}

QStringList RefColumnsController::refColumns() const
{
    QStringList refs;
    for (const BranchSpec &column : RefColumn::columns(m_parts.workspace->manifest()))
        refs.append(column.ref);
    return refs;
}

QString RefColumnsController::currentRefColumn() const
{
    const QModelIndex current = m_parts.filter->mapToSource(m_parts.view->currentIndex());
    const Cell *cell = m_parts.model->cellAt(current);
    const BranchSpec *branch = cell ? m_parts.workspace->manifest().branch(cell->branch) : nullptr;
    return branch && branch->isRef() ? branch->ref : QString();
}

void RefColumnsController::updateActions()
{
    m_removeRefAction->setEnabled(!currentRefColumn().isEmpty());
}

bool RefColumnsController::addRefColumn(const QString &ref, const QStringList &docker)
{
    const QString r = ref.trimmed();
    const Manifest manifest = m_parts.workspace->manifest();
    if (const QString problem = RefColumn::problem(manifest, r); !problem.isEmpty()) {
        showStatus(problem, 8000);
        Q_EMIT refColumnFailed(r, problem);
        return false;
    }
    if (m_resolvingRefs == 0)
        m_refCancel = std::make_shared<std::atomic_bool>(false);
    ++m_resolvingRefs;
    m_parts.progress->setRange(0, 0);
    m_parts.progress->show();
    m_parts.cancelAction->setEnabled(true);
    showStatus(tr("Fetching %1…").arg(r));

    QPointer<RefColumnsController> self(this);
    auto progress = [self, r](int done, int total, const QString &repo) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, r, done, total, repo] {
                if (!self)
                    return;
                self->m_parts.progress->setRange(0, total);
                self->m_parts.progress->setValue(done);
                self->m_parts.progress->setFormat(tr("%v of %m"));
                self->showStatus(tr("Looking for %1: %2").arg(r, repo), 3000);
            },
            Qt::QueuedConnection);
    };
    auto *watcher = new QFutureWatcher<RefColumnResult>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, r, docker, path = manifest.path] {
        watcher->deleteLater();
        onResolved(watcher->result(), r, docker, path);
    });
    const QFuture<RefColumnResult> future = QtConcurrent::run(
        [manifest, r, docker, cacheRoot = m_parts.workspace->cacheRoot(), cancel = m_refCancel, progress] {
            return RefColumn::resolve(manifest, r, docker, cacheRoot, cancel.get(), progress);
        });
    m_refFutures.removeIf([](const QFuture<RefColumnResult> &f) { return f.isFinished(); });
    m_refFutures.append(future);
    watcher->setFuture(future);
    return true;
}

void RefColumnsController::onResolved(const RefColumnResult &result, const QString &r, const QStringList &docker,
                                      const QString &path)
{
    --m_resolvingRefs;
    if (m_resolvingRefs == 0 && !m_parts.workspace->isScanning()) {
        m_parts.progress->hide();
        m_parts.cancelAction->setEnabled(false);
    }
    if (m_parts.workspace->manifest().path != path) {
        Q_EMIT refColumnFailed(r, tr("another manifest was opened meanwhile"));
        return;
    }
    if (!result.ok()) {
        showStatus(tr("Cannot add %1: %2").arg(r, result.error), 15000);
        Q_EMIT refColumnFailed(r, result.error);
        return;
    }
    m_refDocker.insert(r, docker);
    Q_EMIT columnsChanged(RefColumn::withColumn(m_parts.workspace->manifest(), result.branch));
    showStatus(tr("%1 is in %2; based on %3, Docker %4")
                   .arg(r, result.components(m_parts.workspace->manifest()).join(QStringLiteral(", ")),
                        result.branch.basedOn, result.branch.docker.join(QStringLiteral(", "))),
               10000);
    Q_EMIT refColumnAdded(r);
}

bool RefColumnsController::removeRefColumn(const QString &ref)
{
    const BranchSpec *column = m_parts.workspace->manifest().branch(ref);
    if (!column || !column->isRef())
        return false;
    m_refDocker.remove(ref);
    Q_EMIT columnsChanged(RefColumn::withoutColumn(m_parts.workspace->manifest(), ref));
    showStatus(tr("Removed the column of %1").arg(ref), 5000);
    return true;
}

void RefColumnsController::confirmRemoveRefColumn(const QString &ref)
{
    const auto answer = QMessageBox::question(m_parts.window, tr("Remove Ref Column"),
                                              tr("Remove the column of %1? Its images stay on the engines; "
                                                 "Build Ref… adds it back.")
                                                  .arg(ref),
                                              QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
    if (answer == QMessageBox::Yes)
        removeRefColumn(ref);
}

void RefColumnsController::showHeaderMenu(const QPoint &pos)
{
    QHeaderView *header = m_parts.view->horizontalHeader();
    const int section = header->logicalIndexAt(pos);
    if (section < 0)
        return;
    const QString branch = m_parts.filter->headerData(section, Qt::Horizontal, MatrixModel::BranchRole).toString();
    const BranchSpec *column = m_parts.workspace->manifest().branch(branch);
    QMenu menu(m_parts.window);
    menu.addAction(m_buildRefAction);
    if (column && column->isRef()) {
        menu.addAction(m_parts.window->style()->standardIcon(QStyle::SP_TitleBarCloseButton),
                       tr("&Close Column of %1").arg(branch), this, [this, branch] { confirmRemoveRefColumn(branch); });
    }
    menu.exec(header->mapToGlobal(pos));
}

void RefColumnsController::showBuildRefDialog()
{
    QDialog dialog(m_parts.window);
    dialog.setWindowTitle(tr("Build Ref"));
    auto *form = new QFormLayout(&dialog);
    auto *ref = new QLineEdit(&dialog);
    ref->setObjectName(QStringLiteral("refEdit"));
    ref->setPlaceholderText(QStringLiteral("refs/changes/51/558751/1"));
    ref->setMinimumWidth(m_parts.window->fontMetrics().averageCharWidth() * 44);
    auto *docker = new QComboBox(&dialog);
    docker->addItem(tr("Those of the branch it is based on"));
    QStringList versions;
    for (const BranchSpec &branch : m_parts.workspace->manifest().branches) {
        for (const QString &version : branch.docker) {
            if (!versions.contains(version))
                versions.append(version);
        }
    }
    for (const QString &version : std::as_const(versions))
        docker->addItem(tr("Docker %1").arg(version), version);
    auto *hint = new QLabel(tr("A tag, a commit (full or abbreviated sha), or a ref such as a Gerrit change. It is "
                               "fetched where the mirrors lack it and shown as a column for the components whose "
                               "repositories have it."),
                            &dialog);
    hint->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Add Column"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(ref, &QLineEdit::textChanged, &dialog, [buttons](const QString &text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(tr("&Ref:"), ref);
    form->addRow(tr("&Docker:"), docker);
    form->addRow(hint);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString version = docker->currentData().toString();
    if (!addRefColumn(ref->text(), version.isEmpty() ? QStringList() : QStringList{version}))
        QMessageBox::warning(m_parts.window, tr("Build Ref"),
                             RefColumn::problem(m_parts.workspace->manifest(), ref->text()));
}

void RefColumnsController::save() const
{
    const QString path = m_parts.workspace->manifest().path;
    if (path.isEmpty() || path.startsWith(QLatin1Char(':')))
        return;
    QStringList entries;
    for (const BranchSpec &column : RefColumn::columns(m_parts.workspace->manifest()))
        entries.append(column.ref + QLatin1Char('\n') + m_refDocker.value(column.ref).join(QLatin1Char(',')));
    QSettings settings;
    if (entries.isEmpty())
        settings.remove(refSettingsKey(path));
    else
        settings.setValue(refSettingsKey(path), entries);
}

void RefColumnsController::restore()
{
    m_refDocker.clear();
    const QString path = m_parts.workspace->manifest().path;
    if (path.isEmpty() || path.startsWith(QLatin1Char(':')))
        return;
    const QStringList entries = QSettings().value(refSettingsKey(path)).toStringList();
    for (const QString &entry : entries) {
        const QString ref = entry.section(QLatin1Char('\n'), 0, 0);
        const QString docker = entry.section(QLatin1Char('\n'), 1);
        addRefColumn(ref, docker.split(QLatin1Char(','), Qt::SkipEmptyParts));
    }
}

} // namespace mrc
