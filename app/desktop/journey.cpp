// SPDX-License-Identifier: Apache-2.0
// Over 600 lines: the whole desktop journey is one scripted sequence of steps, kept together to read in order.
#include "desktop/journey.h"

#include "demo/demoworkspace.h"
#include "models/historymodel.h"
#include "models/jobsmodel.h"
#include "models/labeldiffmodel.h"
#include "models/logmodel.h"
#include "models/matrixfiltermodel.h"
#include "models/matrixmodel.h"
#include "models/tagplanmodel.h"
#include "views/detailspanel.h"
#include "views/historypage.h"
#include "views/labelspage.h"
#include "views/logindialog.h"
#include "views/loglinesview.h"
#include "views/logview.h"
#include "views/mainwindow.h"
#include "views/matrixview.h"
#include "views/publishpage.h"
#include "views/templatespage.h"
#include "workspace/workspace.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QAccessibleActionInterface>
#include <QAccessibleTableInterface>
#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPixmap>
#include <QPointer>
#include <QProcess>
#include <QPushButton>
#include <QScreen>
#include <QStandardItemModel>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QWindow>
#include <optional>

namespace mrc {

namespace {

constexpr int Minute = 60 * 1000;

/** Types `text` into the widget with key events, as a keyboard does. */
void type(QWidget *widget, const QString &text)
{
    widget->setFocus(Qt::OtherFocusReason);
    for (const QChar c : text) {
        QKeyEvent press(QEvent::KeyPress, 0, Qt::NoModifier, QString(c));
        QKeyEvent release(QEvent::KeyRelease, 0, Qt::NoModifier, QString(c));
        QCoreApplication::sendEvent(widget, &press);
        QCoreApplication::sendEvent(widget, &release);
    }
}

} // namespace

void Journey::startFromEnvironment(MainWindow *window, Workspace *workspace)
{
    const QString report = qEnvironmentVariable("MRC_JOURNEY");
    if (report.isEmpty())
        return;
    auto *journey = new Journey(window, workspace, report);
    QTimer::singleShot(0, journey, &Journey::run);
}

Journey::Journey(MainWindow *window, Workspace *workspace, const QString &reportPath)
    : QObject(window), m_window(window), m_workspace(workspace), m_report(reportPath),
      m_screenshots(qEnvironmentVariable("MRC_SCREENSHOT_DIR", QDir::tempPath() + QStringLiteral("/screenshots")))
{
    if (!m_report.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
        qWarning("mrc: cannot write the journey report %s", qPrintable(reportPath));
    QDir().mkpath(m_screenshots);
}

void Journey::run()
{
    m_answerer = new QTimer(this);
    connect(m_answerer, &QTimer::timeout, this, &Journey::answerQuestions);
    m_answerer->start(100);

    const QList<std::pair<const char *, bool (Journey::*)()>> steps{
        {"open the demo", &Journey::openDemo},
        {"build and test the master column", &Journey::buildAndTestMaster},
        {"a failed build", &Journey::failBuild},
        {"render a template", &Journey::renderTemplate},
        {"log in and push master", &Journey::logInAndPush},
        {"compare labels", &Journey::compareLabels},
        {"follow a build started in a terminal", &Journey::followTerminalBuild},
    };
    QElapsedTimer total;
    total.start();
    for (const auto &[name, step] : steps) {
        m_step = QString::fromLatin1(name);
        QElapsedTimer timer;
        timer.start();
        const bool ok = (this->*step)();
        note(QStringLiteral("%1 %2 (%3 s)")
                 .arg(ok ? QStringLiteral("ok") : QStringLiteral("FAIL"), m_step)
                 .arg(double(timer.elapsed()) / 1000, 0, 'f', 1));
        if (!ok)
            break; // later steps build on this one
    }
    note(QStringLiteral("done: %1 failure(s) in %2 s").arg(m_failures).arg(double(total.elapsed()) / 1000, 0, 'f', 1));
    QCoreApplication::exit(m_failures ? 1 : 0);
}

bool Journey::openDemo()
{
    // The window opened the manifest given on the command line; the scan resolves every cell from the mirrors.
    if (!waitFor(
            [this] {
                return m_window->isVisible() && m_window->windowHandle() && m_window->windowHandle()->isExposed();
            },
            Minute, QStringLiteral("the window to show")))
        return false;
    if (!m_window->windowTitle().endsWith(QStringLiteral(" — Monasca Release Console")))
        return fail(QStringLiteral("window title \"%1\"").arg(m_window->windowTitle()));
    if (!waitFor(
            [this] {
                return !m_workspace->isScanning() && readyColumn(QStringLiteral("master"), QStringLiteral("base")) >= 0;
            },
            2 * Minute, QStringLiteral("the scan to find ready master cells")))
        return false;
    const int column = readyColumn(QStringLiteral("master"), QStringLiteral("base"));
    const QModelIndex base = shownCell(QStringLiteral("base"), column);

    // What a screen reader says for a cell and for the build button.
    QAccessibleInterface *table = QAccessible::queryAccessibleInterface(m_window->matrixView());
    if (!table || !table->tableInterface())
        return fail(QStringLiteral("the matrix has no accessible table interface"));
    QAccessibleInterface *cell = table->tableInterface()->cellAt(base.row(), base.column());
    const QString name = cell ? cell->text(QAccessible::Name) : QString();
    note(QStringLiteral("  accessible name of the base/master cell: \"%1\"").arg(name));
    const QString docker = base.data(MatrixModel::DockerRole).toString();
    if (!name.startsWith(QStringLiteral("base master Docker %1: ready").arg(docker)))
        return fail(QStringLiteral("the base/master cell's accessible name is \"%1\"").arg(name));
    note(QStringLiteral("  %1 components × %2 columns")
             .arg(m_window->filterModel()->rowCount())
             .arg(m_window->filterModel()->columnCount()));
    screenshot(QStringLiteral("demo"));
    return true;
}

bool Journey::buildAndTestMaster()
{
    // Two components keep the journey short; their base image is built first, as the plan wants.
    filterComponents(QStringLiteral("api"));
    const int column = readyColumn(QStringLiteral("master"), QStringLiteral("api"));
    if (column < 0)
        return fail(QStringLiteral("no ready master column for api"));
    if (!selectColumn(column))
        return false;
    const int selected = int(m_window->matrixView()->selectionModel()->selectedIndexes().size());
    note(QStringLiteral("  selected the master column (Docker %1): %2 cells")
             .arg(m_window->filterModel()->headerData(column, Qt::Horizontal, MatrixModel::DockerRole).toString())
             .arg(selected));
    if (selected != m_window->filterModel()->rowCount())
        return fail(QStringLiteral("%1 of %2 cells selected").arg(selected).arg(m_window->filterModel()->rowCount()));
    if (!press(m_window->findChild<QAction *>(QStringLiteral("buildTestAction")), QStringLiteral("Build and Test")))
        return false;

    // Follow api's log while it builds: the lines grow and the view stays on the tail.
    const QModelIndex api = shownCell(QStringLiteral("api"), column);
    auto state = [api] { return JobState(api.data(MatrixModel::JobStateRole).toInt()); };
    if (!waitFor([&] { return state() == JobState::Building || isFinal(state()); }, 10 * Minute,
                 QStringLiteral("api@master to start building")))
        return false;
    if (!selectCell(api))
        return false;
    DetailsPanel *details = m_window->detailsPanel();
    auto *tabs = details->findChild<QTabWidget *>(QStringLiteral("detailsTabs"));
    if (tabs)
        tabs->setCurrentIndex(1);
    int growths = 0;
    int rows = details->logModel()->rowCount();
    bool followed = true;
    bool shot = false;
    while (state() == JobState::Building) {
        pause(200);
        const int now = details->logModel()->rowCount();
        if (now > rows) {
            ++growths;
            followed = followed && details->logView()->isFollowingTail();
            if (growths == 3 && !shot) {
                screenshot(QStringLiteral("live-log"));
                shot = true;
            }
        }
        rows = now;
    }
    note(QStringLiteral("  the live log grew %1 time(s) while api built, %2 lines; followed the tail: %3")
             .arg(growths)
             .arg(rows)
             .arg(followed ? QStringLiteral("yes") : QStringLiteral("no")));
    if (state() == JobState::Built && growths < 2)
        return fail(QStringLiteral("the log of a running build did not grow on screen"));
    if (!followed)
        return fail(QStringLiteral("the log view stopped following the tail"));
    // The cells' test badges come from the history once the tests are done.
    auto tested = [this, column] {
        for (int row = 0; row < m_window->filterModel()->rowCount(); ++row) {
            const auto test =
                TestState(m_window->filterModel()->index(row, column).data(MatrixModel::TestStateRole).toInt());
            if (test != TestState::Passed && test != TestState::Failed && test != TestState::Cancelled)
                return false;
        }
        return true;
    };
    if (!waitFor([&] { return !m_window->isBuilding() && !m_window->isTesting() && tested(); }, 10 * Minute,
                 QStringLiteral("the build and the tests to finish")))
        return false;
    for (int row = 0; row < m_window->filterModel()->rowCount(); ++row) {
        const QModelIndex index = m_window->filterModel()->index(row, column);
        const auto job = JobState(index.data(MatrixModel::JobStateRole).toInt());
        const auto test = TestState(index.data(MatrixModel::TestStateRole).toInt());
        note(QStringLiteral("  %1: %2, tests %3 (%4)")
                 .arg(index.data(MatrixModel::ComponentRole).toString(), jobStateName(job), testStateName(test),
                      index.data(MatrixModel::TestTextRole).toString()));
        if (!isSuccess(job) || test != TestState::Passed)
            return fail(QStringLiteral("%1 did not build and pass its tests")
                            .arg(index.data(MatrixModel::ComponentRole).toString()));
    }
    if (!selectCell(api))
        return false;
    screenshot(QStringLiteral("built-and-tested"));
    return true;
}

bool Journey::failBuild()
{
    // The demo's change that breaks the base image, added as a column the way Build Ref… does.
    const QString ref = DemoWorkspace::brokenChangeRef();
    bool added = false;
    QString error;
    auto addedConnection =
        connect(m_window, &MainWindow::refColumnAdded, this, [&](const QString &r) { added = r == ref; });
    auto failedConnection = connect(m_window, &MainWindow::refColumnFailed, this,
                                    [&](const QString &, const QString &why) { error = why; });
    const bool started = m_window->addRefColumn(ref);
    const bool resolved = started && waitFor([&] { return added || !error.isEmpty(); }, 2 * Minute,
                                             QStringLiteral("the change ref to resolve"));
    disconnect(addedConnection);
    disconnect(failedConnection);
    if (!started || !resolved || !error.isEmpty())
        return fail(QStringLiteral("cannot add %1: %2").arg(ref, error));
    filterComponents(QStringLiteral("base"));
    int column = -1;
    if (!waitFor([&] { return !m_workspace->isScanning() && (column = readyColumn(ref, QStringLiteral("base"))) >= 0; },
                 2 * Minute, QStringLiteral("the base cell of %1 to be ready").arg(ref)))
        return false;
    const QModelIndex base = shownCell(QStringLiteral("base"), column);
    if (!selectCell(base))
        return false;
    if (!press(m_window->findChild<QAction *>(QStringLiteral("buildAction")), QStringLiteral("Build Selected")))
        return false;
    auto state = [base] { return JobState(base.data(MatrixModel::JobStateRole).toInt()); };
    if (!waitFor([&] { return isFinal(state()) && !m_window->isBuilding(); }, 10 * Minute,
                 QStringLiteral("the broken build to end")))
        return false;
    if (state() != JobState::Failed)
        return fail(QStringLiteral("the broken change's base ended %1, not failed").arg(jobStateName(state())));

    // Its log: the failure banner, the jump to the failing step, the shell command on the clipboard.
    DetailsPanel *details = m_window->detailsPanel();
    if (auto *tabs = details->findChild<QTabWidget *>(QStringLiteral("detailsTabs")))
        tabs->setCurrentIndex(1);
    LogView *log = details->logView();
    if (!waitFor([&] { return log->isFailureShown() && details->logModel()->rowCount() > 0; }, Minute,
                 QStringLiteral("the failure banner and the log")))
        return false;
    if (!press(log->jumpToFailingStepAction(), QStringLiteral("Jump to Failing Step")))
        return false;
    const int row = log->linesView()->currentRow();
    const QString line = row >= 0 ? details->logModel()->index(row, 0).data().toString() : QString();
    note(QStringLiteral("  failing step, line %1: %2").arg(row + 1).arg(line));
    if (!line.contains(QStringLiteral("python3")))
        return fail(QStringLiteral("the jump landed on \"%1\"").arg(line));
    QApplication::clipboard()->clear();
    if (!press(log->findChild<QAbstractButton *>(QStringLiteral("copyCommand"))))
        return false;
    const QString copied = QApplication::clipboard()->text();
    note(QStringLiteral("  copied: %1").arg(copied));
    if (!copied.startsWith(QStringLiteral("docker ")) || copied != log->failureCommand())
        return fail(
            QStringLiteral("the clipboard holds \"%1\", the banner shows \"%2\"").arg(copied, log->failureCommand()));
    screenshot(QStringLiteral("build-failed"));
    return true;
}

bool Journey::renderTemplate()
{
    if (!showPage(QStringLiteral("Templates")))
        return false;
    auto *page = m_window->findChild<TemplatesPage *>();
    if (!page)
        return fail(QStringLiteral("no Templates page"));
    page->setSelection(QStringLiteral("api"), QStringLiteral("master"));
    if (!waitFor([page] { return !page->isBusy() && !page->outputText().isEmpty(); }, Minute,
                 QStringLiteral("a rendered template")))
        return false;
    const QString output = page->outputText();
    note(QStringLiteral("  rendered %1 lines; first: %2")
             .arg(output.count(QLatin1Char('\n')))
             .arg(output.section(QLatin1Char('\n'), 0, 0)));
    screenshot(QStringLiteral("templates"));
    return true;
}

bool Journey::logInAndPush()
{
    const QString user = qEnvironmentVariable("MRC_TEST_REGISTRY_USER");
    const QString password = qEnvironmentVariable("MRC_TEST_REGISTRY_PASSWORD");
    if (user.isEmpty() || password.isEmpty())
        return fail(QStringLiteral("MRC_TEST_REGISTRY_USER and MRC_TEST_REGISTRY_PASSWORD name the registry account"));
    if (!press(m_window->findChild<QAction *>(QStringLiteral("loginAction"))))
        return false;
    QPointer<LoginDialog> dialog;
    if (!waitFor([&] { return (dialog = m_window->findChild<LoginDialog *>()) && dialog->isVisible(); }, 10000,
                 QStringLiteral("the login dialog")))
        return false;
    note(QStringLiteral("  login dialog for %1").arg(dialog->registryEdit()->text()));
    type(dialog->usernameEdit(), user);
    type(dialog->passwordEdit(), password);
    screenshot(QStringLiteral("login"));
    if (!press(dialog->loginButton()))
        return false;
    if (!waitFor([&] { return !dialog || !dialog->isVisible(); }, Minute, QStringLiteral("the login to be accepted")))
        return fail(QStringLiteral("login dialog says: %1").arg(dialog ? dialog->message() : QString()));

    // Push the master column of api and log-api.
    if (!showPage(QStringLiteral("Matrix")))
        return false;
    filterComponents(QStringLiteral("api"));
    const int column = readyColumn(QStringLiteral("master"), QStringLiteral("api"));
    if (column < 0 || !selectColumn(column))
        return fail(QStringLiteral("cannot select the master column"));
    if (!showPage(QStringLiteral("Publish")))
        return false;
    auto *page = m_window->findChild<PublishPage *>();
    bool planned = false;
    auto plannedConnection = connect(page, &PublishPage::planned, this, [&] { planned = true; });
    const bool pressed = press(page->planAction());
    const bool done =
        pressed && waitFor([&] { return planned && !page->isPlanning(); }, 2 * Minute, QStringLiteral("the tag plan"));
    disconnect(plannedConnection);
    if (!done)
        return false;
    note(QStringLiteral("  plan: %1 (%2 rows)").arg(page->planSummary()).arg(page->planModel()->rowCount()));
    if (page->planModel()->rowCount() == 0 || !page->pushAction()->isEnabled())
        return fail(QStringLiteral("nothing to push: %1").arg(page->status()->text()));
    std::optional<bool> pushed;
    auto pushedConnection = connect(page, &PublishPage::pushFinished, this, [&](bool ok) { pushed = ok; });
    const bool pushStarted = press(page->pushAction()); // asks first: answerQuestions() says Yes
    const bool finished =
        pushStarted && waitFor([&] { return pushed.has_value(); }, 5 * Minute, QStringLiteral("the push"));
    disconnect(pushedConnection);
    if (!finished)
        return false;
    note(QStringLiteral("  push: %1").arg(page->status()->text()));
    if (!*pushed)
        return fail(QStringLiteral("the push failed: %1").arg(page->status()->text()));
    screenshot(QStringLiteral("published"));
    return true;
}

bool Journey::compareLabels()
{
    // The engine's api@master against the tag just pushed: the same labels, no drift.
    if (!showPage(QStringLiteral("Matrix")))
        return false;
    const int column = readyColumn(QStringLiteral("master"), QStringLiteral("api"));
    if (column < 0 || !selectCell(shownCell(QStringLiteral("api"), column)))
        return fail(QStringLiteral("cannot select api@master"));
    if (!showPage(QStringLiteral("Labels")))
        return false;
    auto *page = m_window->findChild<LabelsPage *>();
    bool compared = false;
    auto connection = connect(page, &LabelsPage::compared, this, [&] { compared = true; });
    QAction *registry = nullptr;
    for (QAction *action : page->actions()) {
        if (action->text().remove(QLatin1Char('&')) == QStringLiteral("Compare with Registry"))
            registry = action;
    }
    const bool pressed = press(registry, QStringLiteral("Compare with Registry"));
    const bool done = pressed && waitFor([&] { return compared && !page->isComparing(); }, 2 * Minute,
                                         QStringLiteral("the comparison"));
    disconnect(connection);
    if (!done)
        return false;
    note(QStringLiteral("  %1 vs %2: %3 labels; %4")
             .arg(page->source(0)->text(), page->source(1)->text())
             .arg(page->model()->rowCount())
             .arg(page->status()->text()));
    if (page->model()->rowCount() == 0)
        return fail(QStringLiteral("no labels compared: %1").arg(page->status()->text()));
    if (!page->drift().isEmpty())
        return fail(QStringLiteral("the image just pushed drifts: %1").arg(page->drift()));
    screenshot(QStringLiteral("labels"));
    return true;
}

bool Journey::followTerminalBuild()
{
    // `mrc build` in a terminal while the window shows api@master: its job, its live log, then its history row.
    if (!showPage(QStringLiteral("Matrix")))
        return false;
    filterComponents(QStringLiteral("api"));
    const int column = readyColumn(QStringLiteral("master"), QStringLiteral("api"));
    const QModelIndex api = shownCell(QStringLiteral("api"), column);
    if (!selectCell(api))
        return false;
    if (auto *tabs = m_window->detailsPanel()->findChild<QTabWidget *>(QStringLiteral("detailsTabs")))
        tabs->setCurrentIndex(1);
    QProcess terminal;
    terminal.setProcessChannelMode(QProcess::MergedChannels);
    const QStringList arguments{
        QStringLiteral("build"),       QStringLiteral("--manifest"), m_workspace->manifest().path,
        QStringLiteral("--component"), QStringLiteral("api"),        QStringLiteral("--branch"),
        QStringLiteral("master"),      QStringLiteral("--docker"),   api.data(MatrixModel::DockerRole).toString(),
        QStringLiteral("--no-cache")};
    note(QStringLiteral("  $ mrc %1").arg(arguments.join(QLatin1Char(' '))));
    terminal.start(QCoreApplication::applicationFilePath(), arguments);
    auto otherJob = [this]() -> const JobUpdate * {
        for (int row = m_window->jobsModel()->rowCount() - 1; row >= 0; --row) {
            const JobUpdate *job = m_window->jobsModel()->jobAt(row);
            if (job->job < 0 && job->component == QStringLiteral("api") && job->branch == QStringLiteral("master"))
                return job;
        }
        return nullptr;
    };
    auto state = [api] { return JobState(api.data(MatrixModel::JobStateRole).toInt()); };
    if (!waitFor([&] { return otherJob() && otherJob()->state == JobState::Building && state() == JobState::Building; },
                 5 * Minute, QStringLiteral("the terminal's build in the Jobs panel and the matrix")))
        return false;
    const qint64 id = otherJob()->historyId;
    note(QStringLiteral("  the Jobs panel shows history job %1 of the other process, building").arg(id));
    DetailsPanel *details = m_window->detailsPanel();
    int growths = 0;
    int rows = details->logModel()->rowCount();
    while (state() == JobState::Building) {
        pause(200);
        const int now = details->logModel()->rowCount();
        growths += now > rows;
        rows = now;
        if (growths == 2)
            screenshot(QStringLiteral("terminal-build"));
    }
    note(QStringLiteral("  its log grew on screen %1 time(s) while it built (%2 lines, %3)")
             .arg(growths)
             .arg(rows)
             .arg(details->shownLogPath()));
    if (growths < 2)
        return fail(QStringLiteral("the terminal build's log did not grow on screen"));
    // The process may have ended while the window was followed: waitForFinished() is false for a finished one.
    if ((terminal.state() != QProcess::NotRunning && !terminal.waitForFinished(Minute)) ||
        terminal.exitStatus() != QProcess::NormalExit || terminal.exitCode() != 0)
        return fail(QStringLiteral("mrc build: exit %1: %2")
                        .arg(terminal.exitCode())
                        .arg(QString::fromUtf8(terminal.readAll().right(500))));
    if (state() != JobState::Built)
        return fail(QStringLiteral("api@master shows %1 after the terminal's build").arg(jobStateName(state())));

    if (!showPage(QStringLiteral("History")))
        return false;
    auto *history = m_window->findChild<HistoryPage *>();
    if (!waitFor(
            [&] {
                const int row = history->model()->rowOf(id);
                return row >= 0 && history->model()->recordAt(row)->state == JobState::Built;
            },
            10000, QStringLiteral("the History page to list the terminal's job")))
        return false;
    screenshot(QStringLiteral("history"));
    return true;
}

bool Journey::waitFor(const std::function<bool()> &done, int timeoutMs, const QString &what)
{
    QElapsedTimer timer;
    timer.start();
    while (!done()) {
        if (timer.elapsed() > timeoutMs)
            return fail(QStringLiteral("timed out after %1 s waiting for %2").arg(timeoutMs / 1000).arg(what));
        pause(50);
    }
    return true;
}

void Journey::pause(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

void Journey::note(const QString &line)
{
    const QString stamped = QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss ")) + line;
    qInfo("journey: %s", qPrintable(stamped));
    if (m_report.isOpen())
        m_report.write(stamped.toUtf8() + '\n');
}

bool Journey::fail(const QString &why)
{
    ++m_failures;
    note(QStringLiteral("  FAIL in \"%1\": %2").arg(m_step, why));
    screenshot(QStringLiteral("failed"));
    return false;
}

void Journey::screenshot(const QString &name)
{
    pause(100); // let layouts and the last paints settle
    // What the X server shows, not a re-rendering of the widgets.
    QPixmap shot;
    if (QScreen *screen = m_window->screen())
        shot = screen->grabWindow(m_window->winId());
    if (shot.isNull())
        shot = m_window->grab();
    const QString path = QStringLiteral("%1/journey-%2-%3.png").arg(m_screenshots).arg(++m_shots).arg(name);
    if (shot.save(path))
        note(QStringLiteral("  screenshot %1 (%2×%3)").arg(path).arg(shot.width()).arg(shot.height()));
    else
        note(QStringLiteral("  cannot save the screenshot %1").arg(path));
}

bool Journey::press(QAbstractButton *button, const QString &name)
{
    if (!button)
        return fail(QStringLiteral("no button to press"));
    QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(button);
    QAccessibleActionInterface *actions = iface ? iface->actionInterface() : nullptr;
    if (!actions || !actions->actionNames().contains(QAccessibleActionInterface::pressAction()))
        return fail(QStringLiteral("the button \"%1\" has no accessible press action").arg(button->text()));
    const QString said = iface->text(QAccessible::Name);
    if (!name.isEmpty() && said != name)
        return fail(QStringLiteral("the button's accessible name is \"%1\", not \"%2\"").arg(said, name));
    if (!button->isEnabled())
        return fail(QStringLiteral("the button \"%1\" is disabled").arg(said));
    note(QStringLiteral("  press \"%1\"").arg(said));
    actions->doAction(QAccessibleActionInterface::pressAction());
    return true;
}

bool Journey::press(QAction *action, const QString &name)
{
    if (!action)
        return fail(QStringLiteral("no action to press"));
    for (QToolButton *button : m_window->findChildren<QToolButton *>()) {
        if (button->defaultAction() == action && button->isVisible())
            return press(button, name);
    }
    if (!action->isEnabled())
        return fail(QStringLiteral("the action \"%1\" is disabled").arg(action->text()));
    note(QStringLiteral("  trigger \"%1\" (no button shows it)").arg(action->text().remove(QLatin1Char('&'))));
    action->trigger();
    return true;
}

bool Journey::showPage(const QString &title)
{
    QTabWidget *pages = m_window->pages();
    for (int i = 0; i < pages->count(); ++i) {
        if (pages->tabText(i).remove(QLatin1Char('&')) == title) {
            pages->setCurrentIndex(i);
            pause(50);
            return true;
        }
    }
    return fail(QStringLiteral("no %1 page").arg(title));
}

void Journey::filterComponents(const QString &text)
{
    auto *filter = m_window->findChild<QLineEdit *>(QStringLiteral("componentFilter"));
    if (!filter)
        return;
    filter->clear();
    type(filter, text);
    pause(50);
}

int Journey::readyColumn(const QString &branch, const QString &component) const
{
    const QAbstractItemModel *shown = m_window->filterModel();
    for (int column = 0; column < shown->columnCount(); ++column) {
        if (shown->headerData(column, Qt::Horizontal, MatrixModel::BranchRole).toString() != branch)
            continue;
        const QModelIndex cell = shownCell(component, column);
        if (cell.isValid() && cell.data(MatrixModel::StateRole).toInt() == int(CellState::Ready))
            return column;
    }
    return -1;
}

QModelIndex Journey::shownCell(const QString &component, int column) const
{
    const QAbstractItemModel *shown = m_window->filterModel();
    for (int row = 0; row < shown->rowCount(); ++row) {
        const QModelIndex index = shown->index(row, column);
        if (index.data(MatrixModel::ComponentRole).toString() == component)
            return index;
    }
    return {};
}

bool Journey::selectColumn(int column)
{
    QAccessibleInterface *table = QAccessible::queryAccessibleInterface(m_window->matrixView());
    QAccessibleTableInterface *grid = table ? table->tableInterface() : nullptr;
    if (!grid)
        return fail(QStringLiteral("the matrix has no accessible table interface"));
    for (int selected : grid->selectedColumns())
        grid->unselectColumn(selected);
    m_window->matrixView()->clearSelection();
    if (!grid->selectColumn(column))
        return fail(QStringLiteral("the matrix refuses to select column %1").arg(column));
    pause(50);
    return true;
}

bool Journey::selectCell(const QModelIndex &index)
{
    if (!index.isValid())
        return fail(QStringLiteral("no such cell"));
    m_window->matrixView()->setCurrentIndex(index); // as a click does: the cell alone
    pause(50);
    return true;
}

void Journey::answerQuestions()
{
    auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
    if (!box || box == m_answered)
        return; // a press is an animated click: pressing again before it lands would postpone it
    m_answered = box;
    QAbstractButton *yes = box->button(QMessageBox::Yes);
    if (!yes)
        yes = box->button(QMessageBox::Ok);
    if (!yes)
        return;
    note(QStringLiteral("  answer \"%1\": %2").arg(box->windowTitle(), yes->text().remove(QLatin1Char('&'))));
    if (QAccessibleInterface *iface = QAccessible::queryAccessibleInterface(yes); iface && iface->actionInterface())
        iface->actionInterface()->doAction(QAccessibleActionInterface::pressAction());
}

} // namespace mrc
