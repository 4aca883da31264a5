// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "workspace/cell.h"

#include <QLabel>

namespace mrc {

/** A message strip above the matrix, shaded like a cell state; selectable text, hidden until there is something to say.
 */
class Banner : public QLabel
{
    Q_OBJECT
public:
    explicit Banner(const QString &objectName, QWidget *parent = nullptr);

    /** Shows `text` on the background of `shade`. */
    void showText(const QString &text, CellState shade);
};

} // namespace mrc
