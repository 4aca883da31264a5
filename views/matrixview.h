// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QTableView>

class QLabel;

namespace mrc {

/**
 * The grid: grouped branch headers, painted cells, extended selection. Roles come from MatrixModel.
 * Keyboard: arrows move, Space selects, Ctrl+Space toggles, Enter asks for the details, Tab leaves the grid.
 */
class MatrixView : public QTableView
{
    Q_OBJECT
public:
    explicit MatrixView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model) override;
    /** What the grid says when it has no cell to show (the filters left none, no manifest, ...). */
    void setEmptyText(const QString &text);
    QString emptyText() const;
    bool isEmptyTextShown() const;
    /** Selects every cell of the columns between these visual columns (a branch group). */
    void selectColumns(int firstVisual, int lastVisual);
    /** The width that shows every column: row names, columns, frame and a vertical scroll bar. */
    int fullWidth() const;

Q_SIGNALS:
    /** Enter or Return on a cell: show its details. */
    void detailsRequested(const QModelIndex &index);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateEmptyLabel();

    QLabel *m_empty;
};

} // namespace mrc
