// SPDX-License-Identifier: Apache-2.0
#include "views/loglinesview.h"

#include "logs/ansitext.h"
#include "logs/logline.h"
#include "models/logmodel.h"

#include <QAbstractItemModel>
#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>

namespace mrc {

namespace {

constexpr int MaxCopiedRows = 100000;
constexpr int TextMargin = 6;

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor blend(const QColor &under, const QColor &over, qreal amount)
{
    return QColor::fromRgbF(under.redF() + (over.redF() - under.redF()) * amount,
                            under.greenF() + (over.greenF() - under.greenF()) * amount,
                            under.blueF() + (over.blueF() - under.blueF()) * amount);
}

} // namespace

LogLinesView::LogLinesView(QWidget *parent) : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setBackgroundRole(QPalette::Base);
    viewport()->setAutoFillBackground(true);
    verticalScrollBar()->setSingleStep(1);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &LogLinesView::onScrolled);
}

void LogLinesView::setModel(QAbstractItemModel *model)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    if (model) {
        connect(model, &QAbstractItemModel::rowsInserted, this, &LogLinesView::onRowsInserted);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &LogLinesView::onReset);
        connect(model, &QAbstractItemModel::modelReset, this, &LogLinesView::onReset);
        connect(model, &QAbstractItemModel::layoutChanged, this, &LogLinesView::onReset);
        connect(model, &QAbstractItemModel::dataChanged, viewport(), qOverload<>(&QWidget::update));
    }
    onReset();
}

int LogLinesView::rowCount() const
{
    return m_model ? m_model->rowCount() : 0;
}

int LogLinesView::lineHeight() const
{
    return qMax(1, fontMetrics().lineSpacing());
}

int LogLinesView::visibleRowCount() const
{
    return qMax(1, viewport()->height() / lineHeight());
}

int LogLinesView::firstVisibleRow() const
{
    return verticalScrollBar()->value();
}

int LogLinesView::gutterWidth() const
{
    return lineHeight() + fontMetrics().horizontalAdvance(QLatin1Char('9')) * m_digits + TextMargin;
}

int LogLinesView::rowAt(int y) const
{
    const int row = firstVisibleRow() + y / lineHeight();
    return qBound(-1, row, rowCount() - 1);
}

void LogLinesView::setFollowing(bool following)
{
    if (m_following == following)
        return;
    m_following = following;
    Q_EMIT followingTailChanged(following);
}

void LogLinesView::setFollowTail(bool follow)
{
    setFollowing(follow);
    if (follow) {
        m_adjusting = true;
        verticalScrollBar()->setValue(verticalScrollBar()->maximum());
        m_adjusting = false;
    }
}

void LogLinesView::updateGeometry()
{
    const int rows = rowCount();
    const int digits = qMax(4, int(QString::number(rows).size()));
    if (digits != m_digits) {
        m_digits = digits;
        viewport()->update();
    }
    QScrollBar *bar = verticalScrollBar();
    m_adjusting = true;
    bar->setPageStep(visibleRowCount());
    bar->setRange(0, qMax(0, rows - visibleRowCount()));
    if (m_following)
        bar->setValue(bar->maximum());
    m_adjusting = false;
    QScrollBar *horizontal = horizontalScrollBar();
    horizontal->setPageStep(viewport()->width());
    horizontal->setSingleStep(fontMetrics().horizontalAdvance(QLatin1Char('m')) * 4);
    horizontal->setRange(0, qMax(0, gutterWidth() + m_textWidth + TextMargin - viewport()->width()));
}

void LogLinesView::onRowsInserted()
{
    const int before = firstVisibleRow();
    updateGeometry();
    // Rows below the visible ones only move the scroll bar; repaint when the view shows them or moved.
    if (m_following || before != firstVisibleRow() || rowCount() - before <= visibleRowCount() + 1)
        viewport()->update();
}

void LogLinesView::onReset()
{
    m_current = -1;
    m_anchor = -1;
    m_textWidth = 0;
    setFollowing(true);
    updateGeometry();
    viewport()->update();
}

void LogLinesView::onScrolled(int value)
{
    if (!m_adjusting)
        setFollowing(value >= verticalScrollBar()->maximum());
}

void LogLinesView::scrollContentsBy(int, int)
{
    viewport()->update();
}

void LogLinesView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateGeometry();
}

void LogLinesView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange) {
        updateGeometry();
        viewport()->update();
    }
}

void LogLinesView::scrollToRow(int row)
{
    verticalScrollBar()->setValue(row);
}

void LogLinesView::setCurrentRow(int row)
{
    if (row < 0 || row >= rowCount())
        return;
    m_current = row;
    m_anchor = row;
    const int first = firstVisibleRow();
    if (row < first || row >= first + visibleRowCount())
        scrollToRow(row - visibleRowCount() / 3);
    viewport()->update();
    Q_EMIT currentRowChanged(row);
}

void LogLinesView::setHighlightText(const QString &text)
{
    if (m_highlight == text)
        return;
    m_highlight = text;
    viewport()->update();
}

QString LogLinesView::selectedText() const
{
    if (!m_model || m_current < 0)
        return {};
    const int first = qMin(m_current, m_anchor);
    const int last = qMin(qMax(m_current, m_anchor), first + MaxCopiedRows - 1);
    QStringList lines;
    for (int row = first; row <= last; ++row)
        lines.append(m_model->index(row, 0).data(Qt::DisplayRole).toString());
    return lines.join(QLatin1Char('\n'));
}

QColor LogLinesView::ansiColour(int index, const QPalette &palette)
{
    // Light bases get darker tones (white turns grey); dark bases get lighter ones (black turns grey).
    static const QRgb light[16] = {0x171421, 0xc01c28, 0x1a7f37, 0x9a6700, 0x1c58b8, 0x8e3fa6, 0x127a8a, 0x5e5c64,
                                   0x5e5c64, 0xe01b24, 0x26a269, 0xb07a00, 0x2a7bde, 0xb34fc4, 0x1f9bb0, 0x3d3846};
    static const QRgb dark[16] = {0x9a9996, 0xf66151, 0x57e389, 0xf8e45c, 0x62a0ea, 0xdc8add, 0x5bc8af, 0xdeddda,
                                  0xb0afac, 0xff7b72, 0x8ff0a4, 0xf9f06b, 0x99c1f1, 0xf4a5f5, 0x93ddc2, 0xffffff};
    if (index < 0 || index > 15)
        return palette.color(QPalette::Text);
    return QColor(isDark(palette) ? dark[index] : light[index]);
}

QColor LogLinesView::errorTint(const QPalette &palette)
{
    return blend(palette.color(QPalette::Base), QColor(0xe0, 0x1b, 0x24), isDark(palette) ? 0.28 : 0.14);
}

QList<LogLinesView::PaintRun> LogLinesView::paintRuns(int row) const
{
    QList<PaintRun> result;
    if (!m_model || row < 0 || row >= rowCount())
        return result;
    const QModelIndex index = m_model->index(row, 0);
    QString plain;
    const QList<AnsiText::Run> runs = AnsiText::parse(index.data(LogModel::RawTextRole).toString(), &plain);
    const bool header = index.data(LogModel::KindRole).toInt() == LogLine::StepHeader;
    const QPalette &p = palette();
    for (const AnsiText::Run &run : runs) {
        PaintRun paint;
        paint.text = plain.mid(run.start, run.length);
        paint.foreground = ansiColour(run.foreground, p);
        if (run.background >= 0)
            paint.background = ansiColour(run.background, p);
        paint.bold = run.bold || header;
        result.append(paint);
    }
    return result;
}

void LogLinesView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    const QPalette &p = palette();
    const int height = lineHeight();
    const int gutter = gutterWidth();
    const int x0 = gutter - horizontalScrollBar()->value();
    const QFontMetrics metrics = fontMetrics();
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics boldMetrics(bold);
    const int rows = rowCount();
    const int first = firstVisibleRow();
    const int last = qMin(rows - 1, first + viewport()->height() / height + 1);
    const int selectionFirst = m_current < 0 ? -1 : qMin(m_current, m_anchor);
    const int selectionLast = m_current < 0 ? -1 : qMax(m_current, m_anchor);
    const QColor stepTint = blend(p.color(QPalette::Base), p.color(QPalette::Highlight), 0.10);
    const QColor selectionTint = blend(p.color(QPalette::Base), p.color(QPalette::Highlight), 0.35);
    const QColor marker = isDark(p) ? QColor(0x8a, 0x6d, 0x00) : QColor(0xff, 0xe0, 0x66);
    const QColor gutterText = blend(p.color(QPalette::Base), p.color(QPalette::Text), 0.5);
    const QPixmap errorIcon = style()->standardIcon(QStyle::SP_MessageBoxCritical).pixmap(height - 2, height - 2);
    int widest = m_textWidth;

    for (int row = first; row <= last && m_model; ++row) {
        const int y = (row - first) * height;
        const QRect line(0, y, viewport()->width(), height);
        const int kind = m_model->index(row, 0).data(LogModel::KindRole).toInt();
        if (row >= selectionFirst && row <= selectionLast)
            painter.fillRect(line, selectionTint);
        else if (kind == LogLine::Error)
            painter.fillRect(line, errorTint(p));
        else if (kind == LogLine::StepHeader)
            painter.fillRect(line, stepTint);

        // Gutter: the mark, then the line number.
        if (kind == LogLine::StepHeader)
            painter.fillRect(QRect(2, y + 2, qMax(3, height / 4), height - 4), p.color(QPalette::Highlight));
        else if (kind == LogLine::Error)
            painter.drawPixmap(1, y + 1, errorIcon);
        painter.setFont(font());
        painter.setPen(gutterText);
        painter.drawText(QRect(height, y, gutter - height - TextMargin, height), Qt::AlignRight | Qt::AlignVCenter,
                         QString::number(row + 1));

        painter.save();
        painter.setClipRect(QRect(gutter, y, viewport()->width() - gutter, height));
        int x = x0 + TextMargin;
        QString plainLine;
        for (const PaintRun &run : paintRuns(row)) {
            const QFontMetrics &m = run.bold ? boldMetrics : metrics;
            const int width = m.horizontalAdvance(run.text);
            if (run.background.isValid())
                painter.fillRect(QRect(x, y, width, height), run.background);
            painter.setFont(run.bold ? bold : font());
            painter.setPen(run.foreground);
            painter.drawText(QPoint(x, y + m.ascent() + (height - m.height()) / 2), run.text);
            x += width;
            plainLine += run.text;
        }
        if (!m_highlight.isEmpty()) {
            // Monospace: the columns of the plain text are its x positions.
            const int advance = metrics.horizontalAdvance(QLatin1Char('m'));
            for (qsizetype at = plainLine.indexOf(m_highlight, 0, Qt::CaseInsensitive); at >= 0;
                 at = plainLine.indexOf(m_highlight, at + m_highlight.size(), Qt::CaseInsensitive)) {
                QColor c = marker;
                c.setAlpha(110);
                painter.fillRect(
                    QRect(x0 + TextMargin + int(at) * advance, y, int(m_highlight.size()) * advance, height), c);
            }
        }
        painter.restore();
        widest = qMax(widest, x - x0);
    }
    if (widest > m_textWidth) {
        m_textWidth = widest;
        horizontalScrollBar()->setRange(0, qMax(0, gutter + m_textWidth + TextMargin - viewport()->width()));
    }
}

void LogLinesView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        QGuiApplication::clipboard()->setText(selectedText());
        return;
    }
    QScrollBar *bar = verticalScrollBar();
    switch (event->key()) {
    case Qt::Key_Up:
    case Qt::Key_Down: {
        const int row =
            qBound(0, (m_current < 0 ? firstVisibleRow() : m_current) + (event->key() == Qt::Key_Up ? -1 : 1),
                   qMax(0, rowCount() - 1));
        const int anchor = m_anchor;
        setCurrentRow(row);
        if (event->modifiers() & Qt::ShiftModifier)
            m_anchor = anchor < 0 ? row : anchor;
        return;
    }
    case Qt::Key_PageUp:
        bar->triggerAction(QAbstractSlider::SliderPageStepSub);
        return;
    case Qt::Key_PageDown:
        bar->triggerAction(QAbstractSlider::SliderPageStepAdd);
        return;
    case Qt::Key_Home:
        bar->setValue(0);
        return;
    case Qt::Key_End:
        bar->setValue(bar->maximum());
        return;
    default:
        QAbstractScrollArea::keyPressEvent(event);
    }
}

void LogLinesView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    const int row = rowAt(event->position().toPoint().y());
    if (row < 0)
        return;
    const int anchor = m_anchor;
    m_current = row;
    m_anchor = (event->modifiers() & Qt::ShiftModifier) && anchor >= 0 ? anchor : row;
    viewport()->update();
    Q_EMIT currentRowChanged(row);
}

void LogLinesView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton) || m_anchor < 0)
        return;
    const int row = rowAt(qBound(0, event->position().toPoint().y(), viewport()->height() - 1));
    if (row >= 0 && row != m_current) {
        m_current = row;
        viewport()->update();
    }
}

} // namespace mrc
