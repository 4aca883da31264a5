// SPDX-License-Identifier: Apache-2.0
#include "models/lintgridmodel.h"

#include "lint/lintrule.h"

#include <QColor>

namespace mrc {

namespace {

QColor colourOf(LintSeverity severity)
{
    switch (severity) {
    case LintSeverity::Error:
        return QColor(0xd9, 0x53, 0x4f);
    case LintSeverity::Warning:
        return QColor(0xf0, 0xad, 0x4e);
    case LintSeverity::Info:
        return QColor(0x5b, 0xc0, 0xde);
    case LintSeverity::Off:
        break;
    }
    return {};
}

} // namespace

LintGridModel::LintGridModel(QObject *parent) : QAbstractTableModel(parent) {}

void LintGridModel::setResults(const QList<FleetLint::Result> &results)
{
    beginResetModel();
    m_results = results;
    m_columns.clear();
    for (const LintRule &rule : LintRule::all())
        m_columns << rule.id;
    for (const FleetLint::Result &result : results) {
        for (const LintFinding &f : result.findings) {
            if (!m_columns.contains(f.rule))
                m_columns << f.rule; // rules only hadolint knows
        }
    }
    m_cells.clear();
    m_errorCells = 0;
    m_warningCells = 0;
    for (const FleetLint::Result &result : results) {
        QList<GridCell> row(m_columns.size());
        for (int c = 0; c < m_columns.size(); ++c) {
            QList<LintFinding> here;
            for (const LintFinding &f : result.findings) {
                if (f.rule == m_columns.at(c))
                    here << f;
            }
            if (here.isEmpty() || !result.error.isEmpty())
                continue;
            GridCell &cell = row[c];
            cell.count = int(here.size());
            cell.worst = worstSeverity(here);
            QStringList tips;
            for (const LintFinding &f : here)
                tips << QStringLiteral("%1: %2").arg(f.line).arg(f.message);
            cell.tip = tips.join(QLatin1Char('\n'));
            m_errorCells += cell.worst == LintSeverity::Error ? 1 : 0;
            m_warningCells += cell.worst == LintSeverity::Warning ? 1 : 0;
        }
        m_cells << row;
    }
    endResetModel();
}

const FleetLint::Result *LintGridModel::resultAt(int row) const
{
    return row >= 0 && row < m_results.size() ? &m_results.at(row) : nullptr;
}

int LintGridModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_results.size());
}

int LintGridModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant LintGridModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FleetLint::Result &result = m_results.at(index.row());
    const GridCell &cell = m_cells.at(index.row()).at(index.column());
    if (!result.error.isEmpty()) {
        switch (role) {
        case Qt::DisplayRole:
            return QStringLiteral("–");
        case Qt::ToolTipRole:
            return result.error;
        case Qt::TextAlignmentRole:
            return int(Qt::AlignCenter);
        case RuleRole:
            return m_columns.at(index.column());
        default:
            return {};
        }
    }
    switch (role) {
    case Qt::DisplayRole:
        return cell.count ? QString::number(cell.count) : QString();
    case Qt::ToolTipRole:
        return cell.count ? QVariant(cell.tip) : QVariant();
    case Qt::BackgroundRole:
        return cell.count ? QVariant(colourOf(cell.worst)) : QVariant();
    case Qt::ForegroundRole:
        return cell.count ? QVariant(QColor(Qt::black)) : QVariant();
    case Qt::TextAlignmentRole:
        return int(Qt::AlignCenter);
    case SeverityRole:
        return cell.count ? lintSeverityName(cell.worst) : QStringLiteral("pass");
    case CountRole:
        return cell.count;
    case RuleRole:
        return m_columns.at(index.column());
    default:
        return {};
    }
}

QVariant LintGridModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal) {
        if (section < 0 || section >= m_columns.size())
            return {};
        if (role == Qt::DisplayRole)
            return m_columns.at(section);
        if (role == Qt::ToolTipRole) {
            if (const LintRule *rule = LintRule::find(m_columns.at(section)))
                return rule->title;
        }
        return {};
    }
    if (section < 0 || section >= m_results.size())
        return {};
    const FleetLint::Result &result = m_results.at(section);
    if (role == Qt::DisplayRole)
        return result.component;
    if (role == Qt::ToolTipRole)
        return result.error.isEmpty() ? result.dockerfilePath : result.error;
    return {};
}

} // namespace mrc
