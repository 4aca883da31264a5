// SPDX-License-Identifier: Apache-2.0
#include "statestyle.h"

#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QPixmap>

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

QColor background(CellState state, const QPalette &palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor tint = accent(state);
    const qreal amount = state == CellState::Unknown ? 0.0 : (base.lightnessF() > 0.5 ? 0.16 : 0.28);
    return QColor::fromRgbF(base.redF() * (1 - amount) + tint.redF() * amount,
                            base.greenF() * (1 - amount) + tint.greenF() * amount,
                            base.blueF() * (1 - amount) + tint.blueF() * amount);
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

QIcon icon(CellState state, int size)
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

} // namespace mrc::StateStyle
