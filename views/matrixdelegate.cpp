// SPDX-License-Identifier: Apache-2.0
#include "views/matrixdelegate.h"

#include "views/matrixcelllayout.h"
#include "views/statestyle.h"
#include "workspace/cell.h"

#include <QApplication>
#include <QFontDatabase>
#include <QPainter>

namespace mrc {

MatrixDelegate::MatrixDelegate(Roles roles, QObject *parent) : QStyledItemDelegate(parent), m_roles(roles) {}

void MatrixDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const auto state = CellState(index.data(m_roles.state).toInt());
    const auto job = JobState(index.data(m_roles.jobState).toInt());
    const QPalette &palette = option.palette;
    const bool selected = option.state & QStyle::State_Selected;

    painter->save();
    const QRect area = option.rect.adjusted(1, 1, -1, -1);
    painter->fillRect(option.rect, palette.color(QPalette::Base));
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    // A ready cell shows its image: built (a check), or never built (a dashed ring on a neutral ground).
    const bool drawJob = job != JobState::None || state == CellState::Ready;
    painter->setBrush(drawJob ? StateStyle::background(job, palette) : StateStyle::background(state, palette));
    painter->drawRoundedRect(area, 3, 3);
    if (selected) {
        painter->setPen(QPen(palette.color(QPalette::Highlight), 2));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(area).adjusted(1, 1, -1, -1), 3, 3);
    }
    if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(palette.color(QPalette::Highlight), 1, Qt::DotLine));
        painter->setBrush(Qt::NoBrush);
        painter->drawRoundedRect(QRectF(area).adjusted(3, 3, -3, -3), 2, 2);
    }

    const QFont &mono = monoFont(option.font);
    const QFontMetrics monoMetrics(mono);
    const QString progress = index.data(m_roles.jobProgress).toString();
    const QString age = progress.isEmpty() ? index.data(m_roles.ageText).toString() : progress;
    const int ageWidth = option.fontMetrics.horizontalAdvance(age.isEmpty() ? QStringLiteral("0") : age);
    const MatrixCellLayout layout = MatrixCellLayout::compute(option.rect, monoMetrics, ageWidth);

    if (drawJob)
        StateStyle::paintIcon(painter, layout.icon, job);
    else
        StateStyle::paintIcon(painter, layout.icon, state);

    const QString commit = index.data(m_roles.shortCommit).toString();
    painter->setPen(palette.color(QPalette::Text));
    if (!commit.isEmpty()) {
        painter->setFont(mono);
        painter->drawText(layout.commit, Qt::AlignVCenter | Qt::AlignLeft,
                          monoMetrics.elidedText(commit, Qt::ElideRight, layout.commit.width()));
    } else {
        painter->setFont(option.font);
        painter->drawText(
            layout.commit, Qt::AlignVCenter | Qt::AlignLeft,
            option.fontMetrics.elidedText(StateStyle::label(state), Qt::ElideRight, layout.commit.width()));
    }
    if (!layout.age.isEmpty() && !age.isEmpty()) {
        painter->setFont(option.font);
        painter->setPen(palette.color(QPalette::PlaceholderText));
        painter->drawText(layout.age, Qt::AlignVCenter | Qt::AlignRight, age);
    }
    QFont small = option.font;
    small.setPointSizeF(std::max(6.0, option.font.pointSizeF() * 0.8));
    const QString lint = index.data(m_roles.lint).toString();
    QRect lintBadge;
    if (!lint.isEmpty()) {
        // Red for errors, amber for warnings only; the text says which, so colour is not the only signal.
        QFont bold = small;
        bold.setBold(true);
        const QFontMetrics boldMetrics(bold);
        lintBadge = layout.lintBadge(option.rect, boldMetrics, boldMetrics.horizontalAdvance(lint));
        const bool errors = lint.contains(QLatin1Char('E'));
        painter->setPen(Qt::NoPen);
        painter->setBrush(errors ? QColor(0xc6, 0x28, 0x28) : QColor(0xf5, 0xa6, 0x23));
        painter->drawRoundedRect(lintBadge, 3, 3);
        painter->setFont(bold);
        painter->setPen(errors ? Qt::white : Qt::black);
        painter->drawText(lintBadge, Qt::AlignCenter, boldMetrics.elidedText(lint, Qt::ElideRight, lintBadge.width()));
    }
    const QString tests = index.data(m_roles.testText).toString();
    if (!tests.isEmpty() && !layout.badges.isEmpty()) {
        // The test state, apart from the build state: a flask, a mark and a word on the badge line.
        painter->setFont(small); // measured as the painter will draw it
        const QRect badge = layout.testBadge(
            StateStyle::testBadgeWidth(tests, painter->fontMetrics(), layout.badges.height()), lintBadge);
        StateStyle::paintTestBadge(painter, badge, TestState(index.data(m_roles.testState).toInt()), tests, small,
                                   palette);
    }
    painter->restore();
}

QSize MatrixDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &) const
{
    return MatrixCellLayout::preferredSize(QFontMetrics(monoFont(option.font)));
}

const QFont &MatrixDelegate::monoFont(const QFont &base) const
{
    // Looking the fixed font up for every painted cell is measurable on a 10,000-cell grid.
    if (m_mono.family().isEmpty() || base != m_monoBase) {
        m_monoBase = base;
        m_mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
        m_mono.setPointSizeF(base.pointSizeF());
    }
    return m_mono;
}

} // namespace mrc
