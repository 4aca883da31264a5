// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "enginestatus.h"
#include "manifest.h"

#include <QMainWindow>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QSplitter;

namespace mrc {

class DetailsPanel;
class MatrixFilterModel;
class MatrixModel;
class MatrixView;
class Workspace;

/** The console's one screen: toolbar, filter bar, the matrix and the details of the selected cell. */
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /** The window shows `workspace`'s manifest and drives its scans; it does not own it. */
    explicit MainWindow(Workspace *workspace, QWidget *parent = nullptr);
    ~MainWindow() override;

    /** Loads a manifest file and scans it; on problems, shows them and keeps the current grid. */
    bool openManifest(const QString &path);

    MatrixModel *matrixModel() const { return m_model; }
    MatrixFilterModel *filterModel() const { return m_filter; }
    MatrixView *matrixView() const { return m_view; }
    DetailsPanel *detailsPanel() const { return m_details; }

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createActions();
    void createFilterBar();
    void setManifest(const Manifest &manifest);
    void showEngines(const QList<EngineStatus> &engines);
    void showProblems(const QStringList &problems);
    void updateSelection();
    void copySelectedCommits();
    void restoreSettings();
    void saveSettings() const;

    Workspace *m_workspace;
    QString m_manifestPath;
    MatrixModel *m_model;
    MatrixFilterModel *m_filter;
    MatrixView *m_view;
    DetailsPanel *m_details;
    QSplitter *m_splitter;
    QLabel *m_problems;
    QLineEdit *m_componentFilter = nullptr;
    QComboBox *m_branchFilter = nullptr;
    QComboBox *m_stateFilter = nullptr;
    QWidget *m_engineBox;
    QProgressBar *m_progress;
    QAction *m_fetchAction = nullptr;
    QAction *m_rescanAction = nullptr;
    QAction *m_cancelAction = nullptr;
};

} // namespace mrc
