// SPDX-License-Identifier: Apache-2.0
#include "afterfirstpaint.h"

#include <QEvent>
#include <QTimer>
#include <QWidget>

namespace mrc {

void AfterFirstPaint::run(QWidget *widget, int fallbackMs, std::function<void()> function)
{
    auto *gate = new AfterFirstPaint(widget, std::move(function));
    widget->installEventFilter(gate);
    QTimer::singleShot(fallbackMs, gate, &AfterFirstPaint::fire);
}

AfterFirstPaint::AfterFirstPaint(QWidget *widget, std::function<void()> function)
    : QObject(widget), m_function(std::move(function))
{
}

bool AfterFirstPaint::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::Paint) {
        watched->removeEventFilter(this);
        QTimer::singleShot(0, this, &AfterFirstPaint::fire); // after the frame is flushed
    }
    return false;
}

void AfterFirstPaint::fire()
{
    if (!m_function)
        return;
    const std::function<void()> function = std::move(m_function);
    m_function = nullptr;
    function();
    deleteLater();
}

} // namespace mrc
