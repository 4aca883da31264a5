// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTableView>

namespace mrc {

/** The grid: grouped branch headers, painted cells, extended selection. Roles come from MatrixModel. */
class MatrixView : public QTableView
{
    Q_OBJECT
public:
    explicit MatrixView(QWidget *parent = nullptr);
};

} // namespace mrc
