// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QSplitter>

class QAction;
class QMenu;

namespace mrc {

class DetailsPanel;
class MatrixView;

/**
 * The Matrix page: the grid on the left, the details panel on the right. The panel collapses (View → Details
 * Panel, F9) so the grid can take the full width; until the user moves the handle, the grid gets the width its
 * columns need.
 */
class MatrixSplitter : public QSplitter
{
    Q_OBJECT
public:
    MatrixSplitter(MatrixView *view, DetailsPanel *details, QWidget *parent = nullptr);

    /** Adds the matrix pane (the filters above the grid) and the details panel. */
    void setPanes(QWidget *filterBar);
    /** Adds View → Details Panel (F9) to the menu. */
    void createDetailsAction(QMenu *viewMenu);
    void setDetailsShown(bool shown);
    /** Gives the grid the width its columns need (the details panel the rest), unless the user set the splitter. */
    void fitMatrixWidth(int windowWidth);
    /** Restores the sizes saved in the settings; false when there were none. */
    bool restoreSizes(const QByteArray &state);
    /** Checks View → Details Panel when the panel shows, or when the sizes were never set. */
    void updateDetailsAction();

private:
    MatrixView *m_view;
    DetailsPanel *m_details;
    QAction *m_detailsAction = nullptr;
    bool m_userSet = false; // restored from the settings, or moved by the user
    int m_detailsWidth = 0; // the details panel's width before it was collapsed
};

} // namespace mrc
