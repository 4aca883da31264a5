// SPDX-License-Identifier: Apache-2.0
#include "desktop/firstpaintreport.h"

#include "desktop/startuptrace.h"

#include <QAbstractItemView>
#include <QEvent>
#include <QFile>
#include <QTimer>
#include <chrono>

namespace mrc {

void FirstPaintReport::installFromEnvironment(QAbstractItemView *view)
{
    const QString path = qEnvironmentVariable("MRC_REPORT_FIRST_PAINT");
    if (path.isEmpty())
        return;
    auto *report = new FirstPaintReport(view, path);
    view->viewport()->installEventFilter(report);
}

FirstPaintReport::FirstPaintReport(QAbstractItemView *view, const QString &path)
    : QObject(view), m_view(view), m_path(path)
{
}

bool FirstPaintReport::eventFilter(QObject *watched, QEvent *event)
{
    // The paint runs right after this filter; the moment is taken once it and the flush to the screen are done.
    if (!m_done && event->type() == QEvent::Paint && m_view->model() && m_view->model()->rowCount() > 0) {
        m_done = true;
        StartupTrace::mark("matrix paint");
        watched->removeEventFilter(this);
        QTimer::singleShot(0, this, &FirstPaintReport::write);
    }
    return false;
}

void FirstPaintReport::write()
{
    StartupTrace::mark("first paint");
    const auto now =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch());
    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        qWarning("mrc: cannot write the first-paint report %s: %s", qPrintable(m_path), qPrintable(file.errorString()));
        return;
    }
    file.write(QStringLiteral("monotonic_ns=%1 rows=%2 columns=%3\n")
                   .arg(qint64(now.count()))
                   .arg(m_view->model()->rowCount())
                   .arg(m_view->model()->columnCount())
                   .toUtf8());
}

} // namespace mrc
