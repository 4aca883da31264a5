// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <QFile>
#include <QModelIndex>
#include <QObject>
#include <QPointer>
#include <QString>
#include <functional>

class QAbstractButton;
class QAction;
class QTimer;
class QWidget;

namespace mrc {

class MainWindow;
class Workspace;

/**
 * Test-only: a release manager's journey, run inside the real binary when MRC_JOURNEY names a report file
 * (tests/desktop/tst_journey starts the binary that way under Xvfb). It drives the window through its
 * accessibility interface (QAccessible: table selection, button presses, names), as assistive technology
 * would, and through the same public calls the pages offer: open the demo, Build and Test the master column
 * while the log follows, fail a build and jump to the failing step, render a template, log in and push master,
 * compare labels, follow a `mrc build` started in a terminal. Each step writes "ok …" or "FAIL …" to the
 * report and a screenshot journey-N-name.png into MRC_SCREENSHOT_DIR; the program exits 0 when every step
 * passed, 1 otherwise.
 */
class Journey : public QObject
{
    Q_OBJECT
public:
    /** Starts the journey once the event loop runs when MRC_JOURNEY is set; otherwise does nothing. */
    static void startFromEnvironment(MainWindow *window, Workspace *workspace);

private:
    Journey(MainWindow *window, Workspace *workspace, const QString &reportPath);
    void run();
    bool openDemo();
    bool buildAndTestMaster();
    bool failBuild();
    bool renderTemplate();
    bool logInAndPush();
    bool compareLabels();
    bool followTerminalBuild();

    bool waitFor(const std::function<bool()> &done, int timeoutMs, const QString &what);
    void pause(int ms);
    void note(const QString &line);
    bool fail(const QString &why);
    void screenshot(const QString &name);
    /** Presses the button through its accessible press action; checks its accessible name when `name` is set. */
    bool press(QAbstractButton *button, const QString &name = {});
    /** Presses the visible tool button of `action` (through QAccessible), else triggers the action. */
    bool press(QAction *action, const QString &name = {});
    bool showPage(const QString &title);
    void filterComponents(const QString &text);
    /** The shown column of a branch whose cells (the row of `component`) are ready; -1 when none. */
    int readyColumn(const QString &branch, const QString &component) const;
    QModelIndex shownCell(const QString &component, int column) const;
    bool selectColumn(int column);
    bool selectCell(const QModelIndex &index);
    /** Answers the confirmation boxes (Push…) with Yes, through their accessible buttons. */
    void answerQuestions();

    MainWindow *m_window;
    Workspace *m_workspace;
    QFile m_report;
    QString m_screenshots;
    QString m_step;
    int m_shots = 0;
    int m_failures = 0;
    QTimer *m_answerer = nullptr;
    QPointer<QWidget> m_answered; // the question box pressed last
};

} // namespace mrc
