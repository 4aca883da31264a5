// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/jobstate.h"

#include <QFile>
#include <QHash>
#include <QObject>

class QModelIndex;

namespace mrc {

class MatrixModel;

/**
 * Test-only: when MRC_TRACE_MATRIX names a file, appends one line each time a cell of the window's matrix changes
 * its build state: "monotonic_ns component branch docker state". The live-across-processes test reads it to see
 * when the window showed what a separate `mrc build` did.
 */
class MatrixTrace : public QObject
{
    Q_OBJECT
public:
    static void installFromEnvironment(MatrixModel *model);

private:
    MatrixTrace(MatrixModel *model, const QString &path);
    void onChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight);

    MatrixModel *m_model;
    QFile m_file;
    QHash<QString, JobState> m_states; // component/branch/docker -> the state written last
};

} // namespace mrc
