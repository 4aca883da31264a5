// SPDX-License-Identifier: Apache-2.0
#include "groupedheaderview.h"

#include <QPainter>
#include <QStyleOptionHeader>

namespace mrc {

GroupedHeaderView::GroupedHeaderView(int groupRole, QWidget *parent)
    : QHeaderView(Qt::Horizontal, parent)
    , m_groupRole(groupRole)
{
    setDefaultAlignment(Qt::AlignCenter);
    setSectionsClickable(true);
    setHighlightSections(true);
}

QString GroupedHeaderView::groupOf(int logicalIndex) const
{
    return model() ? model()->headerData(logicalIndex, orientation(), m_groupRole).toString() : QString();
}

int GroupedHeaderView::bandHeight() const
{
    return fontMetrics().height() + 10;
}

QSize GroupedHeaderView::sizeHint() const
{
    QSize size = QHeaderView::sizeHint();
    size.setHeight(2 * bandHeight());
    return size;
}

void GroupedHeaderView::paintSection(QPainter *painter, const QRect &rect, int logicalIndex) const
{
    // Sections draw in the lower band only; the groups are drawn over the upper band in paintEvent.
    QHeaderView::paintSection(painter, rect.adjusted(0, bandHeight(), 0, 0), logicalIndex);
}

void GroupedHeaderView::paintEvent(QPaintEvent *event)
{
    QHeaderView::paintEvent(event);
    if (!model() || count() == 0)
        return;

    QPainter painter(viewport());
    const int band = bandHeight();
    int visual = 0;
    while (visual < count()) {
        const int logical = logicalIndex(visual);
        const QString group = groupOf(logical);
        int last = visual;
        while (last + 1 < count() && groupOf(logicalIndex(last + 1)) == group)
            ++last;
        int left = sectionViewportPosition(logical);
        int right = sectionViewportPosition(logicalIndex(last)) + sectionSize(logicalIndex(last));
        // Hidden sections report -1; skip a group that is entirely hidden.
        if (left >= 0 && right > left) {
            QStyleOptionHeader option;
            initStyleOption(&option);
            option.rect = QRect(left, 0, right - left, band);
            option.section = logical;
            option.text = group;
            option.textAlignment = Qt::AlignCenter;
            option.position = QStyleOptionHeader::Middle;
            QFont bold = font();
            bold.setBold(true);
            painter.setFont(bold);
            style()->drawControl(QStyle::CE_HeaderSection, &option, &painter, this);
            painter.setPen(palette().color(QPalette::ButtonText));
            painter.drawText(option.rect.adjusted(4, 0, -4, 0), Qt::AlignCenter,
                             QFontMetrics(bold).elidedText(group, Qt::ElideMiddle, option.rect.width() - 8));
        }
        visual = last + 1;
    }
}

} // namespace mrc
