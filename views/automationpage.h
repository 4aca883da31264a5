// SPDX-License-Identifier: Apache-2.0
#pragma once

#include "history/automationrun.h"
#include "sessions/watcher.h"
#include "threading/jobtracker.h"
#include "threading/workerthread.h"

#include <QFuture>
#include <QWidget>

class QAction;
class QLabel;
class QPlainTextEdit;
class QTableView;
class QToolButton;

namespace mrc {

class AutomationRunsModel;
class DesktopNotifier;
class Workspace;

/**
 * Automation: the manifest's `automation:` policy as read, the watcher's runs (newest first) and, for the selected
 * run, its timeline (event → build → test → push, each stage with its state, duration and log). "Run Policy Now"
 * runs one cycle; Resume runs one every interval until Pause. The watcher lives on a worker thread of the page's
 * (the scan, the store and the pipelines never touch the GUI thread); a failed pipeline raises a desktop
 * notification when the session bus has org.freedesktop.Notifications.
 */
class AutomationPage : public QWidget
{
    Q_OBJECT
public:
    explicit AutomationPage(Workspace *workspace, QWidget *parent = nullptr);
    ~AutomationPage() override;

    AutomationRunsModel *model() const { return m_model; }
    /** The runs the table shows, newest first. */
    const QList<AutomationRun> &runs() const;
    QTableView *table() const { return m_table; }
    QWidget *timeline() const { return m_timeline; }
    QPlainTextEdit *policyView() const { return m_policy; }
    QPlainTextEdit *logView() const { return m_log; }
    QAction *runNowAction() const { return m_runNow; }
    QAction *pauseAction() const { return m_pause; }
    bool isCycleRunning() const { return m_cycleRunning; }
    bool isPaused() const { return m_paused; }
    /** The stage buttons of the timeline: event, build, test, push. */
    QList<QToolButton *> stageButtons() const { return m_stages; }

    /** The policy as read, as text: its settings, its rules with their lines, then the defaults. */
    static QString policyText(const Manifest &manifest);

public Q_SLOTS:
    void runNow();
    void setPaused(bool paused);
    void refresh();

Q_SIGNALS:
    void cycleFinished(const mrc::WatchCycle &cycle);
    /** A refresh of the runs arrived and the table shows it. */
    void runsLoaded();
    /** A failed pipeline was reported (and notified, when the desktop can). */
    void pipelineFailed(qint64 run, const QString &message);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void makeWatcher();
    void onRunsRead(const QList<mrc::AutomationRun> &runs, const QString &error);
    void onUpdate(const mrc::PipelineUpdate &update);
    void showTimeline();
    void showLog(const QString &path);
    void updateActions();

    Workspace *m_workspace;
    AutomationRunsModel *m_model;
    QTableView *m_table;
    QPlainTextEdit *m_policy;
    QWidget *m_timeline;
    QList<QToolButton *> m_stages;
    QPlainTextEdit *m_log;
    QLabel *m_status;
    QAction *m_runNow;
    QAction *m_pause;
    DesktopNotifier *m_notifier;
    WorkerThread m_thread{QStringLiteral("Automation")};
    Watcher *m_watcher = nullptr; // lives on m_thread
    JobTracker m_logs{this};
    QFuture<QString> m_logRead; // the destructor waits for it
    bool m_cycleRunning = false;
    bool m_paused = true;
    qint64 m_selected = 0;
};

} // namespace mrc
