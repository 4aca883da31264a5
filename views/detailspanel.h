// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "engine/enginestatus.h"
#include "manifest/manifest.h"
#include "threading/jobtracker.h"
#include "workspace/cell.h"
#include "workspace/celldetails.h"

#include <QWidget>

class QLabel;
class QTextBrowser;
class QTabWidget;
class QTreeWidget;

namespace mrc {

class AsyncHighlighter;
class LogModel;
class LogView;
class TestsPanel;
struct JobUpdate;

/** The selected cell: its commit, the files of its docker folder and the Dockerfile. Reads git off the GUI thread. */
class DetailsPanel : public QWidget
{
    Q_OBJECT
public:
    DetailsPanel(const QString &cacheRoot, QWidget *parent = nullptr);

    void setManifest(const Manifest &manifest);
    const Manifest &manifest() const { return m_manifest; }
    QString cacheRoot() const { return m_cacheRoot; }
    /** Shows the cell and starts loading its folder; nullptr (or several cells) shows a hint instead. */
    void showCell(const Cell *cell, int selectedCount = 1);

    /** The cell's latest build: its log, followed live, and for a failure where it failed. nullptr: none. */
    void showJob(const JobUpdate *job);
    /** New lines were appended to the log file of the job shown. */
    void logGrew();
    /** Moves the keyboard focus into the panel (its tabs). */
    void focusDetails();
    QString shownLogPath() const { return m_logPath; }
    LogView *logView() const { return m_logView; }
    LogModel *logModel() const { return m_logModel; }
    /** The Tests tab: the cell's tests, their latest results and logs, and a button that runs them. */
    TestsPanel *testsPanel() const { return m_testsPanel; }
    void setEngines(const QList<EngineStatus> &engines);

    // What is on screen, for tests and accessibility.
    QString commitText() const;
    /** The header line under the title: the build's outcome, else the cell's state, with why. */
    QString stateText() const;
    QStringList fileNames() const;
    QString dockerfileText() const;
    /** The Build arguments tab: NAME -> VALUE of the cell's planned build (empty until computed). */
    QMap<QString, QString> buildArgsShown() const;
    bool isLoading() const { return m_loading; }

Q_SIGNALS:
    void loaded();
    /** The Build arguments tab was filled (or says why it cannot be). */
    void buildArgsLoaded();
    /** The Dockerfile view shows the highlighted (or numbered plain) text of the current cell's Dockerfile. */
    void dockerfileHighlighted();

private:
    /** The folder's Dockerfile: a heading, the notice when it stays plain, and the highlighted text. */
    QWidget *createDockerfileBox(QWidget *parent);
    void applyDetails(const CellDetails &details);
    void loadBuildArgs(const Cell &cell, const ComponentSpec &component, quint64 job);
    bool openLogIfNeeded();
    void showHeaderState();

    QString m_cacheRoot;
    Manifest m_manifest;
    JobTracker m_jobs{this};
    bool m_loading = false;

    QLabel *m_title;
    QLabel *m_state;
    QLabel *m_commit;
    QTreeWidget *m_files;
    QTextBrowser *m_dockerfile;
    QLabel *m_dockerfileNotice;
    AsyncHighlighter *m_highlighter;
    quint64 m_highlightJob = 0; // the cell whose Dockerfile the highlighter works on
    QTreeWidget *m_buildArgs;
    QTabWidget *m_tabs;
    LogModel *m_logModel;
    LogView *m_logView;
    QString m_logPath;
    bool m_logOpen = false;
    bool m_hasCell = false;
    CellState m_cellState = CellState::Unknown;
    QString m_cellMessage;
    JobState m_jobState = JobState::None;
    QString m_jobMessage;
    TestsPanel *m_testsPanel;
};

} // namespace mrc
