// SPDX-License-Identifier: Apache-2.0
#include "models/tagplanmodel.h"

#include <QFont>

namespace mrc {

namespace {

QString shortDigest(const QString &digest)
{
    return digest.isEmpty() ? QStringLiteral("—") : digest.section(QLatin1Char(':'), 1).left(12);
}

} // namespace

TagPlanModel::TagPlanModel(QObject *parent) : QAbstractTableModel(parent) {}

void TagPlanModel::setPlans(const QList<EnginePlans> &engines)
{
    beginResetModel();
    m_rows.clear();
    for (const EnginePlans &engine : engines) {
        for (const CellTagPlan &plan : engine.plans) {
            for (const PlannedTag &t : plan.tags)
                m_rows.append(Row{plan.cell, t});
        }
    }
    endResetModel();
}

QString TagPlanModel::summary() const
{
    int creates = 0, moves = 0, refused = 0, unchanged = 0;
    for (const Row &row : m_rows) {
        switch (row.tag.action) {
        case TagAction::Create:
            ++creates;
            break;
        case TagAction::Move:
            ++moves;
            break;
        case TagAction::Refused:
            ++refused;
            break;
        case TagAction::Unchanged:
            ++unchanged;
            break;
        }
    }
    return tr("%1 to create, %2 to move, %3 refused, %4 unchanged").arg(creates).arg(moves).arg(refused).arg(unchanged);
}

int TagPlanModel::changes() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const Row &row) { return row.tag.changes(); }));
}

int TagPlanModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int TagPlanModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TagPlanModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const PlannedTag &t = row.tag;
    if (role == ActionRole)
        return int(t.action);
    const QString image = QStringLiteral("%1 @ %2").arg(row.cell.repository, row.cell.commit.left(7));
    const QString after = t.action == TagAction::Refused || !t.changes() ? shortDigest(t.current.digest)
                          : t.targetDigest.isEmpty()                     ? tr("(new manifest)")
                                                                         : shortDigest(t.targetDigest);
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        const bool tip = role == Qt::ToolTipRole;
        switch (Column(index.column())) {
        case ImageColumn:
            return tip ? QStringLiteral("%1\nimage %2\ncommit %3")
                             .arg(row.cell.repository, row.cell.imageId, row.cell.commit)
                       : image;
        case TagColumn:
            return t.tag;
        case KindColumn:
            return TagPlan::kindName(t.kind);
        case ActionColumn:
            return TagPlan::actionName(t.action);
        case NowColumn:
            return tip && !t.current.digest.isEmpty() ? t.current.digest : shortDigest(t.current.digest);
        case AfterColumn:
            return tip && !t.targetDigest.isEmpty() ? t.targetDigest : after;
        case WhyColumn:
            if (!t.reason.isEmpty() || !t.changes())
                return t.reason;
            return t.copyFrom.isEmpty() ? tr("push the image") : tr("copy the manifest of %1").arg(t.copyFrom);
        case ColumnCount:
            break;
        }
        return {};
    }
    if (role == Qt::DecorationRole && index.column() == ActionColumn && m_icon)
        return m_icon(t.action);
    if (role == Qt::FontRole && index.column() == ActionColumn && t.action == TagAction::Refused) {
        QFont bold;
        bold.setBold(true);
        return bold;
    }
    return {};
}

QVariant TagPlanModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case ImageColumn:
        return tr("Image");
    case TagColumn:
        return tr("Tag");
    case KindColumn:
        return tr("Kind");
    case ActionColumn:
        return tr("Action");
    case NowColumn:
        return tr("Now");
    case AfterColumn:
        return tr("After");
    case WhyColumn:
        return tr("Why");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace mrc
