// SPDX-License-Identifier: Apache-2.0
#include "desktop/matrixtrace.h"

#include "models/matrixmodel.h"

#include <chrono>

namespace mrc {

void MatrixTrace::installFromEnvironment(MatrixModel *model)
{
    const QString path = qEnvironmentVariable("MRC_TRACE_MATRIX");
    if (!path.isEmpty())
        new MatrixTrace(model, path);
}

MatrixTrace::MatrixTrace(MatrixModel *model, const QString &path) : QObject(model), m_model(model), m_file(path)
{
    if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
        qWarning("mrc: cannot write the matrix trace %s: %s", qPrintable(path), qPrintable(m_file.errorString()));
        return;
    }
    connect(model, &QAbstractItemModel::dataChanged, this, &MatrixTrace::onChanged);
}

void MatrixTrace::onChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight)
{
    const qint64 now =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
    QByteArray lines;
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        for (int column = topLeft.column(); column <= bottomRight.column(); ++column) {
            const Cell *cell = m_model->cellAt(m_model->index(row, column));
            if (!cell)
                continue;
            const QString key = cell->component + QLatin1Char(' ') + cell->branch + QLatin1Char(' ') + cell->docker;
            const auto previous = m_states.constFind(key);
            if (previous != m_states.constEnd() ? *previous == cell->job : cell->job == JobState::None)
                continue;
            m_states.insert(key, cell->job);
            lines += QStringLiteral("%1 %2 %3\n").arg(now).arg(key, jobStateName(cell->job)).toUtf8();
        }
    }
    if (!lines.isEmpty())
        m_file.write(lines);
}

} // namespace mrc
