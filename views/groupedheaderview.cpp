// SPDX-License-Identifier: Apache-2.0
#include "views/groupedheaderview.h"

#include <QMouseEvent>
#include <QPainter>
#include <QStyleOptionHeader>

namespace mrc {

GroupedHeaderView::GroupedHeaderView(int groupRole, QWidget *parent)
    : QHeaderView(Qt::Horizontal, parent), m_groupRole(groupRole)
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

QList<GroupedHeaderView::GroupSpan> GroupedHeaderView::groupSpans() const
{
    QList<GroupSpan> spans;
    if (!model())
        return spans;
    int visual = 0;
    while (visual < count()) {
        GroupSpan span;
        span.group = groupOf(logicalIndex(visual));
        span.firstVisual = visual;
        int last = visual;
        while (last + 1 < count() && groupOf(logicalIndex(last + 1)) == span.group)
            ++last;
        span.lastVisual = last;
        // A section scrolled partly off the left edge has a negative position; only hidden ones are left out.
        bool any = false;
        for (int v = visual; v <= last; ++v) {
            const int logical = logicalIndex(v);
            if (isSectionHidden(logical))
                continue;
            const int left = sectionViewportPosition(logical);
            const int right = left + sectionSize(logical);
            span.left = any ? std::min(span.left, left) : left;
            span.right = any ? std::max(span.right, right) : right;
            any = true;
        }
        if (any && span.right > 0 && span.left < viewport()->width())
            spans.append(span);
        visual = last + 1;
    }
    return spans;
}

QRect GroupedHeaderView::groupLabelRect(const GroupSpan &span) const
{
    return QRect(span.left, 0, span.right - span.left, bandHeight()).intersected(viewport()->rect());
}

void GroupedHeaderView::paintEvent(QPaintEvent *event)
{
    QHeaderView::paintEvent(event);
    if (!model() || count() == 0)
        return;

    QPainter painter(viewport());
    const int band = bandHeight();
    QFont bold = font();
    bold.setBold(true);
    for (const GroupSpan &span : groupSpans()) {
        QStyleOptionHeader option;
        initStyleOption(&option);
        option.rect = QRect(span.left, 0, span.right - span.left, band);
        option.section = logicalIndex(span.firstVisual);
        option.text = span.group;
        option.textAlignment = Qt::AlignCenter;
        option.position = QStyleOptionHeader::Middle;
        painter.setFont(bold);
        style()->drawControl(QStyle::CE_HeaderSection, &option, &painter, this);
        painter.setPen(palette().color(QPalette::ButtonText));
        // The name stays in the visible part of the band while the group scrolls out.
        const QRect label = groupLabelRect(span).adjusted(4, 0, -4, 0);
        painter.drawText(label, Qt::AlignCenter,
                         QFontMetrics(bold).elidedText(span.group, Qt::ElideMiddle, label.width()));
    }
}

void GroupedHeaderView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && event->position().y() < bandHeight()) {
        const int x = int(event->position().x());
        for (const GroupSpan &span : groupSpans()) {
            if (x >= span.left && x < span.right) {
                Q_EMIT groupClicked(span.firstVisual, span.lastVisual);
                event->accept();
                return;
            }
        }
    }
    QHeaderView::mousePressEvent(event);
}

} // namespace mrc
