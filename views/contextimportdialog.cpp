// SPDX-License-Identifier: Apache-2.0
#include "views/contextimportdialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace mrc {

ContextImportDialog::ContextImportDialog(const QList<DockerContext> &contexts, const QStringList &problems,
                                         const QStringList &alreadyIn, QWidget *parent)
    : QDialog(parent), m_contexts(contexts), m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("contextImportDialog"));
    setWindowTitle(tr("Import Docker Contexts"));
    m_list->setObjectName(QStringLiteral("contextList"));
    for (const DockerContext &context : contexts) {
        QString text = QStringLiteral("%1 — %2").arg(context.name, context.host);
        if (!context.tls.isEmpty())
            text += tr(" (TLS)");
        if (context.current)
            text += tr(" · current");
        if (!context.description.isEmpty())
            text += QStringLiteral(" · ") + context.description;
        auto *item = new QListWidgetItem(text, m_list);
        item->setData(Qt::UserRole, context.name);
        item->setToolTip(context.metaPath.isEmpty() ? tr("DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH")
                                                    : context.metaPath);
        const bool present = alreadyIn.contains(context.name);
        item->setFlags(present ? Qt::ItemIsUserCheckable : Qt::ItemIsUserCheckable | Qt::ItemIsEnabled);
        item->setCheckState(present ? Qt::Checked : Qt::Unchecked);
        if (present)
            item->setText(text + tr(" · already an engine"));
    }
    auto *intro = new QLabel(tr("The engines of the docker CLI (`docker context ls`). The checked ones become "
                                "engines of this session; to keep one, add it to release.yaml as\n"
                                "  - name: NAME\n    context: NAME"),
                             this);
    intro->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_list, 1);
    if (!problems.isEmpty()) {
        auto *skipped = new QLabel(tr("Left out: %1").arg(problems.join(QLatin1Char('\n'))), this);
        skipped->setWordWrap(true);
        layout->addWidget(skipped);
    }
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Import"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, 320);
}

QList<DockerContext> ContextImportDialog::chosen() const
{
    QList<DockerContext> result;
    for (int row = 0; row < m_list->count(); ++row) {
        const QListWidgetItem *item = m_list->item(row);
        if (item->checkState() == Qt::Checked && (item->flags() & Qt::ItemIsEnabled))
            result.append(m_contexts.value(row));
    }
    return result;
}

} // namespace mrc
