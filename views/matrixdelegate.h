// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QStyledItemDelegate>

namespace mrc {

/** Paints a matrix cell: state tint and badge, short commit, commit age, test and lint badges. Reads role ids given at
 * construction. */
class MatrixDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    struct Roles
    {
        int state;
        int shortCommit;
        int ageText;
        int jobState;    // when not JobState::None, the build state is what the badge shows
        int jobProgress; // "3/9" while building, shown in place of the age
        int lint;        // "1E 2W", shown as a badge right of the badge line; empty: no badge
        int testState;   // int(TestState): the test badge's glyph and tint
        int testText;    // the test badge's text; empty: no test badge
    };

    explicit MatrixDelegate(Roles roles, QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    const QFont &monoFont(const QFont &base) const;

    Roles m_roles;
    mutable QFont m_monoBase; // the item font the cache was made for
    mutable QFont m_mono;
};

} // namespace mrc
