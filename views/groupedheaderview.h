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

protected:
    void paintEvent(QPaintEvent *event) override;
    void paintSection(QPainter *painter, const QRect &rect, int logicalIndex) const override;

private:
    QString groupOf(int logicalIndex) const;
    int bandHeight() const;

    int m_groupRole;
};

} // namespace mrc
