// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/history.h"

#include <QAbstractTableModel>

namespace mrc {

/** The tests of one cell: name, kind, state, duration and message, from the history or from the run going on. */
class TestListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        KindColumn,
        StateColumn,
        TimeColumn,
        MessageColumn,
        ColumnCount
    };
    enum Role
    {
        LogPathRole = Qt::UserRole + 1,
        StateRole, // int(TestState)
        SecondsRole,
    };

    struct Row
    {
        QString test;
        QString kind;
        TestState state = TestState::Untested;
        double seconds = 0;
        QString message;
        QString logPath;
    };

    explicit TestListModel(QObject *parent = nullptr);

    void clear();
    /** Updates the row of @p row.test (one dataChanged) or appends it (one insert); returns its row. */
    int setRow(const Row &row);
    /** The row of @p test, or -1. */
    int rowOf(const QString &test) const;
    const Row *rowAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<Row> m_rows;
};

} // namespace mrc
