// SPDX-License-Identifier: Apache-2.0
#include "views/stablebranchcut.h"

#include "manifest/branchcut.h"

#include <QDate>
#include <QFile>
#include <QFileInfo>
#include <QInputDialog>
#include <QMessageBox>
#include <QSaveFile>

namespace mrc {

bool StableBranchCut::ask(QWidget *parent, const QString &path)
{
    if (path.isEmpty() || path.startsWith(QLatin1Char(':'))) {
        QMessageBox::information(parent, tr("Cut Stable Branch"),
                                 tr("The built-in manifest cannot be changed; open a release.yaml first."));
        return false;
    }
    bool ok = false;
    const QString name = QInputDialog::getText(parent, tr("Cut Stable Branch"),
                                               tr("New branch (master's Docker versions are frozen into it):"),
                                               QLineEdit::Normal, QStringLiteral("stable/"), &ok)
                             .trimmed();
    if (!ok || name.isEmpty())
        return false;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        QMessageBox::warning(parent, tr("Cut Stable Branch"), tr("Cannot read %1: %2").arg(path, file.errorString()));
        return false;
    }
    const BranchCut::Result cut = BranchCut::cut(file.readAll(), path, name, QDate::currentDate());
    file.close();
    if (!cut.ok()) {
        QMessageBox::warning(parent, tr("Cut Stable Branch"), cut.error);
        return false;
    }
    QMessageBox confirm(QMessageBox::Question, tr("Cut Stable Branch"),
                        tr("Write this change to %1?").arg(QFileInfo(path).fileName()),
                        QMessageBox::Save | QMessageBox::Cancel, parent);
    confirm.setObjectName(QStringLiteral("cutBranchConfirm"));
    confirm.setDetailedText(cut.diff);
    confirm.setInformativeText(cut.diff.section(QLatin1Char('\n'), 3));
    if (confirm.exec() != QMessageBox::Save)
        return false;
    QSaveFile save(path);
    if (!save.open(QIODevice::WriteOnly) || save.write(cut.text) != cut.text.size() || !save.commit()) {
        QMessageBox::warning(parent, tr("Cut Stable Branch"), tr("Cannot write %1: %2").arg(path, save.errorString()));
        return false;
    }
    return true;
}

} // namespace mrc
