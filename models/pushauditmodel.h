// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/pushaudit.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <functional>

namespace mrc {

/** The push audit trail (PushAudit::recent), newest first: who pushed which tag, where, and what came of it. */
class PushAuditModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        WhenColumn,
        UserColumn,
        ImageColumn,
        TagColumn,
        ActionColumn,
        MethodColumn,
        DigestColumn,
        ResultColumn,
        CommitColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        SortRole = Qt::UserRole + 1, // the raw value: the time, the full digest, ok as a bool
        RecordIdRole,
    };

    explicit PushAuditModel(QObject *parent = nullptr);

    /** The icons of the result and action columns; the model has no widgets, so the view gives them. */
    void setIcons(std::function<QIcon(bool ok)> result, std::function<QIcon(const QString &action)> action);

    /** A new snapshot: one reset. */
    void setRecords(const QList<PushRecord> &records);
    const QList<PushRecord> &records() const { return m_records; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QVariant display(const PushRecord &record, int column) const;
    QVariant toolTip(const PushRecord &record, int column) const;
    QVariant sortValue(const PushRecord &record, int column) const;

    QList<PushRecord> m_records;
    std::function<QIcon(bool)> m_resultIcon;
    std::function<QIcon(const QString &)> m_actionIcon;
};

} // namespace mrc
