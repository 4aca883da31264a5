// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "publish/publishplanner.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <functional>

namespace mrc {

/**
 * The tag plan of a push, one row per planned tag across every engine's plans: Image, Tag, Kind, Action, Now,
 * After, Why. The action is text and an ActionRole for delegates (plus an icon and bold for a refused tag), so it
 * never rests on colour alone. Now and After show short digests; their tooltips hold the full ones.
 */
class TagPlanModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        ImageColumn,
        TagColumn,
        KindColumn,
        ActionColumn,
        NowColumn,
        AfterColumn,
        WhyColumn,
        ColumnCount
    };
    enum Role
    {
        ActionRole = Qt::UserRole + 1
    }; // int(TagAction)

    explicit TagPlanModel(QObject *parent = nullptr);

    /** A new plan: replaces every row. */
    void setPlans(const QList<EnginePlans> &engines);
    /** The icon shown beside the action's name (views/statestyle). */
    void setActionIcon(std::function<QIcon(TagAction)> icon) { m_icon = std::move(icon); }

    /** "2 to create, 1 to move, 0 refused, 3 unchanged". */
    QString summary() const;
    /** Tags that a push would create or move. */
    int changes() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        PublishCell cell;
        PlannedTag tag;
    };
    QList<Row> m_rows;
    std::function<QIcon(TagAction)> m_icon;
};

} // namespace mrc
