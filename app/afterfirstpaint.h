// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <functional>

class QWidget;

namespace mrc {

/**
 * Runs a function once a widget has painted for the first time and that frame is on the screen (on the next
 * event-loop turn after the paint), or after a fallback delay when the widget never paints (a minimised window).
 * Start-up work that the first frame does not need waits for it, so that it does not compete with the paint.
 */
class AfterFirstPaint : public QObject
{
    Q_OBJECT
public:
    static void run(QWidget *widget, int fallbackMs, std::function<void()> function);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    AfterFirstPaint(QWidget *widget, std::function<void()> function);
    void fire();

    std::function<void()> m_function;
};

} // namespace mrc
