// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "publish/labelsource.h"
#include "views/publishpage.h"

#include <QWidget>
#include <optional>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QTableView;
template<typename T> class QFutureWatcher;

namespace mrc {

class LabelDiffModel;
class Workspace;
struct LabelsLoad;

/**
 * Labels: two label sources (engine image, registry tag or digest, a cell's expected labels, a history job)
 * compared key by key, with the release policy checks. Sources are read on a worker thread.
 */
class LabelsPage : public QWidget
{
    Q_OBJECT
public:
    LabelsPage(Workspace *workspace, const MatrixAccess &matrix, QWidget *parent = nullptr);
    ~LabelsPage() override;

    LabelDiffModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QListWidget *checks() const { return m_checks; }
    QCheckBox *hideSame() const { return m_hideSame; }
    QLabel *status() const { return m_status; }
    QComboBox *kind(int side) const { return side == 0 ? m_leftKind : m_rightKind; }
    QLineEdit *source(int side) const { return side == 0 ? m_leftText : m_rightText; }
    QAction *compareAction() const { return m_compareAction; }
    bool isComparing() const;
    /** The last reads (left, right), valid after compared(). */
    const QList<LabelRead> &reads() const { return m_reads; }
    /** The drift line of the last comparison with the registry ("" when the image is current). */
    QString drift() const { return m_drift; }

    /** Sets both pickers from "kind:value" texts (false when one does not parse). */
    bool setSources(const QString &left, const QString &right);

public Q_SLOTS:
    void compare();
    /** The selected cell's local image against its branch tag at the registry. */
    void compareWithRegistry();
    /** The selected cell's expected labels against its local image. */
    void compareExpected();

Q_SIGNALS:
    void compared();
    /** After a comparison with the registry from a cell: how far the published image lags ("" when it does not). */
    void driftFound(const QString &component, const QString &branch, const QString &text);

private:
    void onLoaded();
    QString sourceText(int side) const;
    const Cell *selectedCell(Cell &holder) const;

    Workspace *m_workspace;
    MatrixAccess m_matrix;
    QComboBox *m_leftKind;
    QLineEdit *m_leftText;
    QComboBox *m_rightKind;
    QLineEdit *m_rightText;
    QAction *m_compareAction;
    QAction *m_registryAction;
    QAction *m_expectedAction;
    QCheckBox *m_hideSame;
    LabelDiffModel *m_model;
    QTableView *m_table;
    QListWidget *m_checks;
    QLabel *m_status;
    QFutureWatcher<LabelsLoad> *m_watcher;
    QList<LabelRead> m_reads;
    std::optional<LabelRef> m_judge; // the cell whose commit the right side is checked against
    QString m_drift;
    bool m_pending = false; // reading the keychain before the worker starts
};

} // namespace mrc
