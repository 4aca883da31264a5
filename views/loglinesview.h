// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QAbstractScrollArea>
#include <QColor>
#include <QList>
#include <QPointer>

class QAbstractItemModel;
class QPainter;

namespace mrc {

/**
 * Paints the lines of a LogModel (by its roles) in a scroll area whose vertical scroll bar counts rows, so
 * that a log of millions of lines costs nothing more to lay out than one of ten: only the visible rows are
 * read. It follows the tail until the user scrolls up and resumes once scrolled back to the bottom.
 *
 * Each row: a gutter (step header mark or error icon, line number), a tint for error and step rows, the
 * text in runs coloured by its ANSI codes, bold for step headers.
 */
class LogLinesView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    struct PaintRun
    {
        QString text;
        QColor foreground;
        QColor background; // invalid: none
        bool bold = false;
    };

    explicit LogLinesView(QWidget *parent = nullptr);

    void setModel(QAbstractItemModel *model);
    QAbstractItemModel *model() const { return m_model; }

    bool isFollowingTail() const { return m_following; }
    void setFollowTail(bool follow);

    int currentRow() const { return m_current; }
    /** Makes @p row current (and the selection), scrolling it into view near the top third. */
    void setCurrentRow(int row);
    /** Scrolls so that @p row is the first visible one. */
    void scrollToRow(int row);
    int firstVisibleRow() const;
    /** Rows that fit entirely. */
    int visibleRowCount() const;
    int lineHeight() const;

    /** Long lines wrap at the viewport's width instead of scrolling sideways (off by default). */
    void setWrapLines(bool wrap);
    bool wrapsLines() const { return m_wrap; }
    /** The visual lines the row takes: 1 unless wrapping splits it. */
    int wrappedLineCount(int row) const;

    /** Occurrences of this text (case-insensitive) get a marker background. */
    void setHighlightText(const QString &text);
    /** The plain text of the selected rows (at most 100,000 rows). */
    QString selectedText() const;

    /** The runs a row is painted with, colours resolved against the current palette. */
    QList<PaintRun> paintRuns(int row) const;
    /** ANSI colour 0-15 for the palette's background: the dark table brightens what would not read. */
    static QColor ansiColour(int index, const QPalette &palette);
    /** The tint under error lines, readable on light and dark bases. */
    static QColor errorTint(const QPalette &palette);

Q_SIGNALS:
    void followingTailChanged(bool following);
    void currentRowChanged(int row);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void changeEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    void onRowsInserted();
    void onReset();
    void onScrolled(int value);
    void updateGeometry();
    void setFollowing(bool following);
    int rowAt(int y) const;
    int gutterWidth() const;
    int rowCount() const;
    /** Characters per visual line when wrapping (monospace). */
    int wrapColumns() const;
    qreal columnAdvance() const;
    /** The rows at the end that fit the viewport: the scroll bar's maximum shows them. */
    int tailRowsThatFit() const;
    /** Paints one row at @p y; returns the visual lines it took. */
    int paintRow(QPainter &painter, int row, int y, int &widest);

    QPointer<QAbstractItemModel> m_model;
    bool m_following = true;
    bool m_adjusting = false; // the view itself moves the scroll bar
    int m_current = -1;
    int m_anchor = -1;
    int m_textWidth = 0;
    int m_digits = 4;
    QString m_highlight;
    bool m_wrap = false;
};

} // namespace mrc
