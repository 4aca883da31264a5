// SPDX-License-Identifier: Apache-2.0
#include "views/enginestatusbox.h"

#include "views/statestyle.h"

#include <QHBoxLayout>
#include <QLabel>

namespace mrc {

EngineStatusBox::EngineStatusBox(QWidget *parent) : QWidget(parent)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(12);
}

void EngineStatusBox::setPending(const QList<EngineSpec> &engines)
{
    QList<EngineStatus> pending;
    for (const EngineSpec &spec : engines)
        pending.append({spec.name, spec.host, false, {}, {}, tr("not probed yet")});
    setEngines(pending);
}

void EngineStatusBox::setEngines(const QList<EngineStatus> &engines)
{
    QLayout *box = layout();
    while (QLayoutItem *item = box->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (const EngineStatus &engine : engines) {
        auto *label = new QLabel(this);
        label->setObjectName(QStringLiteral("engine-%1").arg(engine.name));
        const CellState state = engine.reachable ? CellState::Ready : CellState::NoEngine;
        const QString text = engine.reachable ? tr("%1: Docker %2").arg(engine.name, engine.version)
                                              : tr("%1: unreachable").arg(engine.name);
        const int side = fontMetrics().height();
        label->setTextFormat(Qt::PlainText);
        label->setText(text);
        label->setToolTip(engine.reachable ? tr("%1 — API %2").arg(engine.host, engine.apiVersion)
                                           : tr("%1 — %2").arg(engine.host, engine.error));
        auto *icon = new QLabel(this);
        icon->setPixmap(StateStyle::icon(state, side).pixmap(side, side));
        icon->setToolTip(label->toolTip());
        box->addWidget(icon);
        box->addWidget(label);
    }
}

} // namespace mrc
