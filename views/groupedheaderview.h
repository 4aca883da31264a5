// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QHeaderView>

namespace mrc {

/** A horizontal header in two bands: neighbouring sections with the same group (a role id) share a top label. */
class GroupedHeaderView : public QHeaderView
{
    Q_OBJECT
public:
    explicit GroupedHeaderView(int groupRole, QWidget *parent = nullptr);

    QSize sizeHint() const override;

    /** A group's extent in viewport coordinates, hidden sections left out; empty when none of it is shown. */
    struct GroupSpan
    {
        QString group;
        int firstVisual = -1;
        int lastVisual = -1;
        int left = 0;
        int right = 0; // exclusive
    };
    QList<GroupSpan> groupSpans() const;
    /** The group label's rectangle as painted: the visible part of the group's band. */
    QRect groupLabelRect(const GroupSpan &span) const;

Q_SIGNALS:
    /** The group band of these visual sections was clicked: select the whole group. */
    void groupClicked(int firstVisual, int lastVisual);

protected:
    void mousePressEvent(QMouseEvent *event) override;
    void paintEvent(QPaintEvent *event) override;
    void paintSection(QPainter *painter, const QRect &rect, int logicalIndex) const override;

private:
    QString groupOf(int logicalIndex) const;
    int bandHeight() const;

    int m_groupRole;
};

} // namespace mrc
