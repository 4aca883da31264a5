// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QMenu;
class QToolButton;

namespace mrc {

class MatrixFilterModel;

/**
 * The filters above the matrix: component text, branch, and a state that may be the cell's, its build's or its
 * tests' ("Build failed", "Tests failed", "Not built"). It sits on the Matrix page itself, not in a toolbar, so it
 * never goes behind a toolbar's overflow on a narrow window. Works on role ids, not on a model type.
 */
class MatrixFilterBar : public QWidget
{
    Q_OBJECT
public:
    struct Roles
    {
        int state;
        int jobState;
        int testState;
    };
    MatrixFilterBar(MatrixFilterModel *filter, Roles roles, QWidget *parent = nullptr);

    /** Adds Filter Components (Ctrl+F: focuses the text filter) and Clear Filters (Ctrl+Shift+F) to the menu. */
    void addActionsTo(QMenu *menu);
    void setBranches(const QStringList &branches);
    /** Back to every component, branch and state. */
    void clear();
    bool isFiltering() const;
    /** What the matrix says when the filters leave no cell: which filter and how to clear it. */
    QString emptyText() const;

    QLineEdit *componentEdit() const { return m_component; }
    QComboBox *branchBox() const { return m_branch; }
    QComboBox *stateBox() const { return m_state; }

Q_SIGNALS:
    void filtersChanged();

private:
    void applyState();

    MatrixFilterModel *m_filter;
    Roles m_roles;
    QLineEdit *m_component;
    QComboBox *m_branch;
    QComboBox *m_state;
    QToolButton *m_clear;
};

} // namespace mrc
