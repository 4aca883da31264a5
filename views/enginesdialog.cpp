// SPDX-License-Identifier: Apache-2.0
#include "views/enginesdialog.h"

#include "views/statestyle.h"
#include "workspace/cell.h"
#include "workspace/engineoverview.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QTableWidget>
#include <QVBoxLayout>

namespace mrc {

EnginesDialog::EnginesDialog(const Manifest &manifest, const QList<EngineStatus> &statuses, QWidget *parent)
    : QDialog(parent), m_table(new QTableWidget(this))
{
    setObjectName(QStringLiteral("enginesDialog"));
    setWindowTitle(tr("Engines"));
    const QList<EngineOverview> rows = EngineOverview::make(manifest, statuses);
    const QStringList headers{tr("Engine"), tr("Host"), tr("Transport"), tr("Docker"),
                              tr("API"),    tr("Jobs"), tr("Columns"),   tr("Reachable")};
    m_table->setObjectName(QStringLiteral("enginesTable"));
    m_table->setColumnCount(int(headers.size()));
    m_table->setHorizontalHeaderLabels(headers);
    m_table->setRowCount(int(rows.size()));
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->verticalHeader()->hide();
    const int side = fontMetrics().height();
    for (int r = 0; r < rows.size(); ++r) {
        const EngineOverview &row = rows[r];
        QStringList columns;
        for (const auto &[branch, docker] : row.columns)
            columns.append(branch + QStringLiteral(" × ") + docker);
        const QString name =
            row.spec.context.isEmpty() ? row.spec.name : tr("%1 (context %2)").arg(row.spec.name, row.spec.context);
        const QStringList texts{
            name,
            row.spec.host,
            row.transport,
            row.status.version,
            row.status.apiVersion,
            row.spec.jobs > 0 ? QString::number(row.spec.jobs) : tr("default"),
            row.status.reachable ? (columns.isEmpty() ? tr("none") : columns.join(QStringLiteral(", "))) : QString(),
            row.status.reachable ? tr("yes") : tr("no: %1").arg(row.status.error)};
        for (int c = 0; c < texts.size(); ++c) {
            auto *item = new QTableWidgetItem(texts[c]);
            item->setToolTip(texts[c]);
            m_table->setItem(r, c, item);
        }
        m_table->item(r, 0)->setIcon(
            StateStyle::icon(row.status.reachable ? CellState::Ready : CellState::NoEngine, side));
    }
    m_table->resizeColumnsToContents();
    m_table->horizontalHeader()->setStretchLastSection(true);

    auto *note = new QLabel(tr("Engines that run the same Docker version share its columns: each builds the base "
                               "image, then takes the next job. Jobs is how many builds run at once on an engine "
                               "(`jobs:` in the manifest, else Build's default)."),
                            this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_table, 1);
    layout->addWidget(note);
    layout->addWidget(buttons);
    resize(900, 320);
}

} // namespace mrc
