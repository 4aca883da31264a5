// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QObject>
#include <QString>

class QAbstractItemView;

namespace mrc {

/**
 * Test-only: when MRC_REPORT_FIRST_PAINT names a file, writes the moment the matrix first paints its cells there,
 * as "monotonic_ns=N rows=R columns=C" (N from the system's monotonic clock, which the starting process shares),
 * so that bench/startup and the launch tests can time exec → first paint of the real binary.
 */
class FirstPaintReport : public QObject
{
    Q_OBJECT
public:
    /** Watches `view` when the variable is set; otherwise does nothing. */
    static void installFromEnvironment(QAbstractItemView *view);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    FirstPaintReport(QAbstractItemView *view, const QString &path);
    void write();

    QAbstractItemView *m_view;
    QString m_path;
    bool m_done = false;
};

} // namespace mrc
