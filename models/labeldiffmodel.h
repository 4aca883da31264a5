// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "publish/labeldiff.h"

#include <QAbstractTableModel>
#include <QIcon>
#include <functional>

namespace mrc {

/**
 * Two label sets compared key by key (LabelDiff::diff): Key, Left, Right, Change. The change is text in its own
 * column and a ChangeRole for delegates, so it never rests on colour alone. "Hide unchanged" filters Same rows.
 */
class LabelDiffModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        KeyColumn,
        LeftColumn,
        RightColumn,
        ChangeColumn,
        ColumnCount
    };
    enum Role
    {
        ChangeRole = Qt::UserRole + 1
    }; // int(LabelChange)

    explicit LabelDiffModel(QObject *parent = nullptr);

    /** Sets both sides with their names for the headers ("engine: monasca/api:master", ...). */
    void setSides(const QString &leftName, const Labels &left, const QString &rightName, const Labels &right);
    void setHideSame(bool hide);
    /** The icon shown beside the change's name (views/statestyle), so the change reads without colour. */
    void setChangeIcon(std::function<QIcon(LabelChange)> icon) { m_icon = std::move(icon); }
    bool hideSame() const { return m_hideSame; }

    const QList<LabelDiffRow> &allRows() const { return m_all; }
    /** How many keys differ (added, removed or changed). */
    int differences() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void refilter();

    QString m_leftName;
    QString m_rightName;
    QList<LabelDiffRow> m_all;
    QList<LabelDiffRow> m_shown;
    bool m_hideSame = false;
    std::function<QIcon(LabelChange)> m_icon;
};

} // namespace mrc
