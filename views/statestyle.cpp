// SPDX-License-Identifier: Apache-2.0
#include "views/statestyle.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>
#include <cmath>

namespace mrc::StateStyle {

QColor accent(CellState state)
{
    switch (state) {
    case CellState::Ready:
        return QColor(0x2e, 0x9e, 0x5b); // green
    case CellState::NoBranch:
        return QColor(0x8a, 0x8f, 0x98); // grey: nothing to do here
    case CellState::NoContext:
        return QColor(0xc0, 0x7b, 0x14); // amber
    case CellState::NoEngine:
        return QColor(0x5b, 0x7c, 0xc4); // blue-grey: waiting on infrastructure
    case CellState::Error:
        return QColor(0xd0, 0x3b, 0x3b); // red
    case CellState::Unknown:
        break;
    }
    return QColor(0x9a, 0x9a, 0x9a);
}

namespace {

QColor blend(const QPalette &palette, const QColor &tint, bool none)
{
    const QColor base = palette.color(QPalette::Base);
    const qreal amount = none ? 0.0 : (base.lightnessF() > 0.5 ? 0.16 : 0.28);
    return QColor::fromRgbF(base.redF() * (1 - amount) + tint.redF() * amount,
                            base.greenF() * (1 - amount) + tint.greenF() * amount,
                            base.blueF() * (1 - amount) + tint.blueF() * amount);
}

} // namespace

QColor background(CellState state, const QPalette &palette)
{
    return blend(palette, accent(state), state == CellState::Unknown);
}

void paintIcon(QPainter *painter, const QRectF &rect, CellState state)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const qreal side = std::min(rect.width(), rect.height());
    const QRectF box(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side);
    const QColor color = accent(state);

    QPen glyph(Qt::white, std::max<qreal>(1.5, side / 8), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    auto at = [&box](qreal x, qreal y) { return QPointF(box.left() + x * box.width(), box.top() + y * box.height()); };

    if (state == CellState::Error) {
        // A triangle: the shape alone says "problem".
        QPainterPath triangle;
        triangle.moveTo(at(0.5, 0.04));
        triangle.lineTo(at(0.97, 0.92));
        triangle.lineTo(at(0.03, 0.92));
        triangle.closeSubpath();
        painter->fillPath(triangle, color);
        painter->setPen(glyph);
        painter->drawLine(at(0.5, 0.36), at(0.5, 0.6));
        painter->drawPoint(at(0.5, 0.77));
        painter->restore();
        return;
    }

    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    if (state == CellState::NoContext)
        painter->drawRoundedRect(box.adjusted(1, 1, -1, -1), side / 5, side / 5);
    else
        painter->drawEllipse(box.adjusted(0.5, 0.5, -0.5, -0.5));
    painter->setPen(glyph);
    painter->setBrush(Qt::NoBrush);
    switch (state) {
    case CellState::Ready: // check mark
        painter->drawPolyline(QList<QPointF>{at(0.27, 0.52), at(0.43, 0.68), at(0.73, 0.34)});
        break;
    case CellState::NoBranch: { // question mark
        QFont font = painter->font();
        font.setBold(true);
        font.setPixelSize(int(side * 0.72));
        painter->setFont(font);
        painter->drawText(box, Qt::AlignCenter, QStringLiteral("?"));
        break;
    }
    case CellState::NoContext: // an empty folder: a minus
        painter->drawLine(at(0.3, 0.5), at(0.7, 0.5));
        break;
    case CellState::NoEngine: // "none": a slashed circle
        painter->drawEllipse(QRectF(at(0.28, 0.28), at(0.72, 0.72)));
        painter->drawLine(at(0.33, 0.67), at(0.67, 0.33));
        break;
    case CellState::Unknown: // pending: three dots
        for (qreal x : {0.3, 0.5, 0.7})
            painter->drawPoint(at(x, 0.5));
        break;
    case CellState::Error:
        break;
    }
    painter->restore();
}

namespace {

template<typename State> QIcon iconOf(State state, int size)
{
    QIcon result;
    for (int scale : {1, 2}) {
        QPixmap pixmap(size * scale, size * scale);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        paintIcon(&painter, QRectF(0, 0, size * scale, size * scale), state);
        painter.end();
        pixmap.setDevicePixelRatio(scale);
        result.addPixmap(pixmap);
    }
    return result;
}

} // namespace

QIcon icon(CellState state, int size)
{
    return iconOf(state, size);
}

QString label(CellState state)
{
    switch (state) {
    case CellState::Ready:
        return QObject::tr("Ready");
    case CellState::NoBranch:
        return QObject::tr("No branch");
    case CellState::NoContext:
        return QObject::tr("No docker folder");
    case CellState::NoEngine:
        return QObject::tr("No engine");
    case CellState::Error:
        return QObject::tr("Error");
    case CellState::Unknown:
        break;
    }
    return QObject::tr("Pending");
}

QColor accent(JobState state)
{
    switch (state) {
    case JobState::Built:
    case JobState::UpToDate:
        return accent(CellState::Ready);
    case JobState::Queued:
        return QColor(0x8a, 0x8f, 0x98);
    case JobState::Building:
        return QColor(0x2f, 0x7d, 0xd1); // blue: in progress
    case JobState::Failed:
    case JobState::EngineLost:
        return accent(CellState::Error);
    case JobState::Blocked:
    case JobState::Interrupted:
        return QColor(0xc0, 0x7b, 0x14); // amber: needs a look, not broken itself
    case JobState::Cancelled:
        return QColor(0x8a, 0x8f, 0x98);
    case JobState::None:
        break;
    }
    return QColor(0x9a, 0x9a, 0x9a);
}

QColor background(JobState state, const QPalette &palette)
{
    return blend(palette, accent(state), state == JobState::None);
}

void paintIcon(QPainter *painter, const QRectF &rect, JobState state)
{
    switch (state) {
    case JobState::Failed:
        paintIcon(painter, rect, CellState::Error); // the warning triangle
        return;
    case JobState::None: {
        // Never built: an empty dashed ring, so a cell without an image never looks like a built one.
        painter->save();
        painter->setRenderHint(QPainter::Antialiasing);
        const qreal side = std::min(rect.width(), rect.height());
        const QRectF box(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side);
        QPen ring(accent(JobState::None), std::max<qreal>(1.2, side / 9), Qt::DashLine);
        painter->setPen(ring);
        painter->setBrush(Qt::NoBrush);
        painter->drawEllipse(box.adjusted(side / 8, side / 8, -side / 8, -side / 8));
        painter->restore();
        return;
    }
    default:
        break;
    }
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const qreal side = std::min(rect.width(), rect.height());
    const QRectF box(rect.center().x() - side / 2, rect.center().y() - side / 2, side, side);
    auto at = [&box](qreal x, qreal y) { return QPointF(box.left() + x * box.width(), box.top() + y * box.height()); };
    painter->setPen(Qt::NoPen);
    painter->setBrush(accent(state));
    painter->drawEllipse(box.adjusted(0.5, 0.5, -0.5, -0.5));
    QPen glyph(Qt::white, std::max<qreal>(1.5, side / 8), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter->setPen(glyph);
    painter->setBrush(Qt::NoBrush);
    switch (state) {
    case JobState::Built: // check
        painter->drawPolyline(QList<QPointF>{at(0.27, 0.52), at(0.43, 0.68), at(0.73, 0.34)});
        break;
    case JobState::UpToDate: // equals: same as what is there
        painter->drawLine(at(0.3, 0.4), at(0.7, 0.4));
        painter->drawLine(at(0.3, 0.6), at(0.7, 0.6));
        break;
    case JobState::Queued: // clock hands
        painter->drawLine(at(0.5, 0.5), at(0.5, 0.27));
        painter->drawLine(at(0.5, 0.5), at(0.68, 0.6));
        break;
    case JobState::Building: // play arrow
        painter->setBrush(Qt::white);
        painter->setPen(Qt::NoPen);
        painter->drawPolygon(QPolygonF{at(0.38, 0.28), at(0.74, 0.5), at(0.38, 0.72)});
        break;
    case JobState::Blocked: // a bar: stopped by something else
        painter->drawLine(at(0.28, 0.5), at(0.72, 0.5));
        break;
    case JobState::Cancelled: // cross
        painter->drawLine(at(0.33, 0.33), at(0.67, 0.67));
        painter->drawLine(at(0.67, 0.33), at(0.33, 0.67));
        break;
    case JobState::EngineLost: // slashed circle
        painter->drawEllipse(QRectF(at(0.28, 0.28), at(0.72, 0.72)));
        painter->drawLine(at(0.33, 0.67), at(0.67, 0.33));
        break;
    case JobState::Interrupted: // exclamation
        painter->drawLine(at(0.5, 0.26), at(0.5, 0.56));
        painter->drawPoint(at(0.5, 0.74));
        break;
    default:
        break;
    }
    painter->restore();
}

QIcon icon(JobState state, int size)
{
    return iconOf(state, size);
}

QString label(JobState state)
{
    switch (state) {
    case JobState::None:
        return QObject::tr("Not built");
    case JobState::Queued:
        return QObject::tr("Queued");
    case JobState::Building:
        return QObject::tr("Building");
    case JobState::Built:
        return QObject::tr("Built");
    case JobState::UpToDate:
        return QObject::tr("Up to date");
    case JobState::Failed:
        return QObject::tr("Failed");
    case JobState::Blocked:
        return QObject::tr("Blocked");
    case JobState::Cancelled:
        return QObject::tr("Cancelled");
    case JobState::EngineLost:
        return QObject::tr("Engine lost");
    case JobState::Interrupted:
        return QObject::tr("Interrupted");
    }
    return {};
}

QColor accent(TestState state)
{
    switch (state) {
    case TestState::Passed:
        return accent(CellState::Ready);
    case TestState::Failed:
        return accent(CellState::Error);
    case TestState::Stale:
        return QColor(0xc0, 0x7b, 0x14); // amber: true once, not any more
    case TestState::Queued:
    case TestState::Testing:
        return accent(JobState::Building);
    case TestState::Untested:
    case TestState::Cancelled:
        break;
    }
    return QColor(0x8a, 0x8f, 0x98);
}

qreal testGlyphWidth(qreal height)
{
    return height * 1.45;
}

void paintTestGlyph(QPainter *painter, const QRectF &rect, TestState state, const QPalette &palette)
{
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const qreal h = rect.height();
    const QColor color = accent(state);
    // The flask: a neck and a conical body. Filled once tests ran; an outline while untested.
    const QRectF flask(rect.left(), rect.top(), h * 0.7, h);
    auto f = [&flask](qreal x, qreal y) {
        return QPointF(flask.left() + x * flask.width(), flask.top() + y * flask.height());
    };
    QPainterPath body;
    body.moveTo(f(0.34, 0.08));
    body.lineTo(f(0.34, 0.42));
    body.lineTo(f(0.04, 0.92));
    body.lineTo(f(0.96, 0.92));
    body.lineTo(f(0.66, 0.42));
    body.lineTo(f(0.66, 0.08));
    const bool untested = state == TestState::Untested || state == TestState::Cancelled;
    const QColor outline = untested ? palette.color(QPalette::PlaceholderText) : color;
    painter->setPen(QPen(outline, std::max<qreal>(1.0, h / 12), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(untested ? QBrush(Qt::NoBrush) : QBrush(color));
    painter->drawPath(body);
    painter->drawLine(f(0.22, 0.08), f(0.78, 0.08));

    // The mark: its shape says the state, so colour is never alone.
    const QRectF mark(flask.right() + h * 0.12, rect.top() + h * 0.12, h * 0.62, h * 0.76);
    auto m = [&mark](qreal x, qreal y) {
        return QPointF(mark.left() + x * mark.width(), mark.top() + y * mark.height());
    };
    QPen pen(color, std::max<qreal>(1.4, h / 7), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    painter->setPen(pen);
    painter->setBrush(Qt::NoBrush);
    switch (state) {
    case TestState::Passed: // check
        painter->drawPolyline(QList<QPointF>{m(0.05, 0.55), m(0.38, 0.88), m(0.95, 0.12)});
        break;
    case TestState::Failed: // cross
        painter->drawLine(m(0.1, 0.15), m(0.9, 0.85));
        painter->drawLine(m(0.9, 0.15), m(0.1, 0.85));
        break;
    case TestState::Stale: { // a circular arrow: to be run again
        const QRectF ring(m(0.05, 0.12), m(0.95, 0.88));
        painter->drawArc(ring, 60 * 16, 270 * 16);
        painter->drawPolyline(QList<QPointF>{m(0.55, 0.0), m(0.82, 0.16), m(0.6, 0.38)});
        break;
    }
    case TestState::Queued:
    case TestState::Testing: // dots: going on
        pen.setWidthF(std::max<qreal>(2.0, h / 5));
        painter->setPen(pen);
        for (qreal x : {0.1, 0.5, 0.9})
            painter->drawPoint(m(x, 0.6));
        break;
    case TestState::Untested:
    case TestState::Cancelled:
        break;
    }
    painter->restore();
}

int testBadgeWidth(const QString &text, const QFontMetrics &metrics, int height)
{
    // Left margin, glyph, gap, text, right margin: as paintTestBadge lays them out.
    return 4 + int(std::ceil(testGlyphWidth(height - 4))) + 3 + metrics.horizontalAdvance(text) + 1 + 6;
}

void paintTestBadge(QPainter *painter, const QRect &rect, TestState state, const QString &text, const QFont &font,
                    const QPalette &palette)
{
    if (rect.isEmpty())
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    const bool untested = state == TestState::Untested || state == TestState::Cancelled;
    const QColor color = accent(state);
    // A pill a little stronger than the cell's tint, edged in the state's colour.
    const QColor base = palette.color(QPalette::Base);
    const qreal amount = untested ? 0.0 : (base.lightnessF() > 0.5 ? 0.22 : 0.36);
    const QColor fill = QColor::fromRgbF(base.redF() * (1 - amount) + color.redF() * amount,
                                         base.greenF() * (1 - amount) + color.greenF() * amount,
                                         base.blueF() * (1 - amount) + color.blueF() * amount);
    if (!untested) { // untested is the common case: no pill, so the results stand out
        painter->setPen(QPen(color, 1));
        painter->setBrush(fill);
        const QRectF pill = QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5);
        painter->drawRoundedRect(pill, pill.height() / 2, pill.height() / 2);
    }
    const qreal glyphHeight = rect.height() - 4;
    const QRectF glyph(rect.left() + 4, rect.top() + 2, testGlyphWidth(glyphHeight), glyphHeight);
    paintTestGlyph(painter, glyph, state, palette);
    painter->setFont(font);
    painter->setPen(palette.color(untested ? QPalette::PlaceholderText : QPalette::Text));
    const int textLeft = rect.left() + 4 + int(std::ceil(glyph.width())) + 3;
    const QRect textRect(textLeft, rect.top(), rect.left() + rect.width() - 6 - textLeft, rect.height());
    const QFontMetrics metrics = painter->fontMetrics();
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                      metrics.elidedText(text, Qt::ElideRight, textRect.width()));
    painter->restore();
}

QIcon testIcon(int size)
{
    QIcon result;
    QPalette palette;
    for (int scale : {1, 2}) {
        QPixmap pixmap(size * scale, size * scale);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        const qreal h = size * scale;
        paintTestGlyph(&painter, QRectF(0, 0, h / 1.45, h / 1.45).translated(0, h * 0.15), TestState::Passed, palette);
        painter.end();
        pixmap.setDevicePixelRatio(scale);
        result.addPixmap(pixmap);
    }
    return result;
}

QString label(TestState state)
{
    switch (state) {
    case TestState::Untested:
        return QObject::tr("Untested");
    case TestState::Queued:
    case TestState::Testing:
        return QObject::tr("Testing");
    case TestState::Passed:
        return QObject::tr("Tests passed");
    case TestState::Failed:
        return QObject::tr("Tests failed");
    case TestState::Cancelled:
        return QObject::tr("Tests cancelled");
    case TestState::Stale:
        return QObject::tr("Tests stale");
    }
    return {};
}

QColor accent(TagAction action)
{
    switch (action) {
    case TagAction::Create:
        return QColor(0x2e, 0x9e, 0x5b);
    case TagAction::Move:
        return QColor(0x3b, 0x7d, 0xd8);
    case TagAction::Unchanged:
        return QColor(0x8a, 0x8f, 0x98);
    case TagAction::Refused:
        return QColor(0xd0, 0x3b, 0x3b);
    }
    return QColor(0x9a, 0x9a, 0x9a);
}

namespace {

enum class Glyph
{
    Plus,
    Minus,
    Arrow,
    Equals,
    Tilde
};

QIcon glyphIcon(const QColor &color, Glyph glyph, int size)
{
    QIcon result;
    for (int scale : {1, 2}) {
        const qreal side = size * scale;
        QPixmap pixmap{int(side), int(side)};
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(Qt::NoPen);
        painter.setBrush(color);
        painter.drawEllipse(QRectF(0.5, 0.5, side - 1, side - 1));
        painter.setPen(QPen(Qt::white, std::max<qreal>(1.5, side / 8), Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        auto at = [side](qreal x, qreal y) { return QPointF(x * side, y * side); };
        switch (glyph) {
        case Glyph::Plus:
            painter.drawLine(at(0.28, 0.5), at(0.72, 0.5));
            painter.drawLine(at(0.5, 0.28), at(0.5, 0.72));
            break;
        case Glyph::Minus:
            painter.drawLine(at(0.28, 0.5), at(0.72, 0.5));
            break;
        case Glyph::Arrow:
            painter.drawLine(at(0.26, 0.5), at(0.72, 0.5));
            painter.drawPolyline(QList<QPointF>{at(0.52, 0.3), at(0.72, 0.5), at(0.52, 0.7)});
            break;
        case Glyph::Equals:
            painter.drawLine(at(0.3, 0.4), at(0.7, 0.4));
            painter.drawLine(at(0.3, 0.6), at(0.7, 0.6));
            break;
        case Glyph::Tilde: {
            QPainterPath wave;
            wave.moveTo(at(0.24, 0.56));
            wave.cubicTo(at(0.38, 0.3), at(0.5, 0.36), at(0.5, 0.5));
            wave.cubicTo(at(0.5, 0.64), at(0.62, 0.7), at(0.76, 0.44));
            painter.drawPath(wave);
            break;
        }
        }
        painter.end();
        pixmap.setDevicePixelRatio(scale);
        result.addPixmap(pixmap);
    }
    return result;
}

} // namespace

QIcon icon(TagAction action, int size)
{
    switch (action) {
    case TagAction::Create:
        return glyphIcon(accent(action), Glyph::Plus, size);
    case TagAction::Move:
        return glyphIcon(accent(action), Glyph::Arrow, size);
    case TagAction::Unchanged:
        return glyphIcon(accent(action), Glyph::Equals, size);
    case TagAction::Refused:
        return icon(JobState::Failed, size);
    }
    return {};
}

QIcon icon(LabelChange change, int size)
{
    switch (change) {
    case LabelChange::Added:
        return glyphIcon(accent(TagAction::Create), Glyph::Plus, size);
    case LabelChange::Removed:
        return glyphIcon(accent(TagAction::Refused), Glyph::Minus, size);
    case LabelChange::Changed:
        return glyphIcon(QColor(0xc0, 0x7b, 0x14), Glyph::Tilde, size);
    case LabelChange::Same:
        return glyphIcon(accent(TagAction::Unchanged), Glyph::Equals, size);
    }
    return {};
}

QIcon checkIcon(bool ok, int size)
{
    return icon(ok ? JobState::Built : JobState::Failed, size);
}

} // namespace mrc::StateStyle
