// SPDX-License-Identifier: Apache-2.0
#include "views/banner.h"

#include "views/statestyle.h"

namespace mrc {

Banner::Banner(const QString &objectName, QWidget *parent) : QLabel(parent)
{
    setObjectName(objectName);
    setWordWrap(true);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    setAutoFillBackground(true);
    setMargin(8);
    hide();
}

void Banner::showText(const QString &text, CellState shade)
{
    QPalette colours = palette();
    colours.setColor(QPalette::Window, StateStyle::background(shade, colours));
    setPalette(colours);
    setText(text);
    show();
}

} // namespace mrc
